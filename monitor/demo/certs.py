"""The demo's own certificate authority and one server certificate per site, made when the demo starts.

A real province's sites present certificates from a public CA; the demo's present certificates from a
CA made here, which the demo config trusts through `crawl.extra_ca_files` (as a user with a private CA
would). Dates are fixed around DEMO_AS_OF, so the certificate rule sees the same thing on every run:
a valid certificate for the healthy sites, an expired one where a site is built to show it.
EC P-256 keys: a few milliseconds per key, so start-up stays fast.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CA_FILE = "demo-ca.pem"
VALID_FROM = datetime(2022, 6, 1, tzinfo=UTC)
VALID_UNTIL = datetime(2049, 12, 31, tzinfo=UTC)
EXPIRED_FROM = datetime(2021, 11, 1, tzinfo=UTC)
EXPIRED_UNTIL = datetime(2022, 11, 30, tzinfo=UTC)  # a month before DEMO_AS_OF


@dataclass(frozen=True)
class DemoAuthority:
    """The CA (its PEM file is what the config trusts) and where server certificates go."""

    ca_file: Path
    folder: Path
    _key: ec.EllipticCurvePrivateKey
    _cert: x509.Certificate

    def server_context(self, host: str, *, expired: bool = False) -> ssl.SSLContext:
        """A TLS server context presenting a certificate for `host` signed by this CA."""
        key = ec.generate_private_key(ec.SECP256R1())
        start, end = (EXPIRED_FROM, EXPIRED_UNTIL) if expired else (VALID_FROM, VALID_UNTIL)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(host, "govmon 演示站点"))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        chain = self.folder / f"{host}.pem"
        chain.write_bytes(_pem(cert) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(chain)
        return context


def make_authority(folder: Path) -> DemoAuthority:
    """A new CA whose certificate is written to `folder/demo-ca.pem`."""
    tls = folder / "tls"
    tls.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("govmon 演示根证书", "govmon 演示")
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC)).not_valid_after(VALID_UNTIL)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    ca_file = folder / CA_FILE
    ca_file.write_bytes(_pem(cert))
    return DemoAuthority(ca_file, tls, key, cert)


def _name(common: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
