"""What a site's HTTPS certificate says, read with one bounded TLS handshake through the SSRF guard.

The handshake is verified against the system's trust store plus `crawl.extra_ca_files` (a private CA),
with OpenSSL's own time check turned off: whether a certificate has expired is judged by the rule
against the check's `as_of`, never against the clock of the machine running it. When verification
fails (self-signed, untrusted issuer, another host's name) the certificate is read again without
verification, so the evidence still names its subject, issuer and validity.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Sequence
from datetime import UTC
from functools import lru_cache

from cryptography import x509
from cryptography.x509.oid import NameOID

from monitor.fetch.safety import TargetPolicy
from monitor.observations import Certificate

# X509_V_FLAG_NO_CHECK_TIME: verify the chain and the name, leave validity dates to the rule.
_NO_CHECK_TIME = 0x200000
# OpenSSL verify codes, by what they mean to a site operator.
_SELF_SIGNED = {18, 19}  # depth-zero self-signed, self-signed certificate in chain
_WRONG_HOST = {62}  # hostname mismatch


def trust_context(extra_ca_files: Sequence[str] = (), *, check_time: bool = True) -> ssl.SSLContext:
    """The system trust store plus the configured extra CA files (PEM)."""
    context = ssl.create_default_context()
    for path in extra_ca_files:
        context.load_verify_locations(cafile=path)
    if not check_time:
        context.verify_flags |= _NO_CHECK_TIME
    return context


@lru_cache(maxsize=8)
def _verifying(extra_ca_files: tuple[str, ...]) -> ssl.SSLContext:
    """One verifying context per set of CA files for the process: loading the system's CAs costs a
    fraction of a second, and a context is safe to share between connections."""
    return trust_context(extra_ca_files, check_time=False)


def _insecure_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # loads no CA file: cheap
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def read_certificate(policy: TargetPolicy, host: str, port: int, timeout_s: float,
                           extra_ca_files: Sequence[str] = ()) -> Certificate:
    """The certificate `host:port` presents, verified as above. Raises what a connection raises
    (TargetRefused, OSError, ssl.SSLError, TimeoutError) when no certificate could be read at all."""
    async with asyncio.timeout(timeout_s):
        addresses = await policy.addresses(host, port, timeout_s)
        try:
            der = await _handshake(addresses, host, lambda: _verifying(tuple(extra_ca_files)))
            problem, detail = "", ""
        except ssl.SSLCertVerificationError as exc:
            problem, detail = _problem(exc), str(exc.verify_message or exc)
            der = await _handshake(addresses, host, _insecure_context)
    return describe(der, problem, detail)


async def _handshake(addresses: list[tuple[str, int]], host: str, context: Callable[[], ssl.SSLContext]) -> bytes:
    """DER bytes of the peer certificate from the first address that accepts a connection; the TLS
    context is made only then (a closed port costs no CA loading)."""
    last: BaseException | None = None
    for address, port in addresses:
        try:
            _reader, writer = await asyncio.open_connection(address, port)
        except OSError as exc:
            last = exc
            continue
        try:
            await writer.start_tls(context(), server_hostname=host)
            ssl_object = writer.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        finally:
            writer.close()
        if not der:
            raise ssl.SSLError(f"{host}: no certificate presented")
        return bytes(der)
    raise last if last is not None else OSError(f"{host}: no address to connect to")


def _problem(exc: ssl.SSLCertVerificationError) -> str:
    code = exc.verify_code
    if code in _SELF_SIGNED:
        return "self_signed"
    if code in _WRONG_HOST or "hostname mismatch" in str(exc.verify_message or "").lower():
        return "wrong_host"
    return "untrusted"


def describe(der: bytes, problem: str = "", detail: str = "") -> Certificate:
    """The readable fields of a DER certificate."""
    cert = x509.load_der_x509_certificate(der)
    try:
        names = tuple(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
                      .value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        names = tuple(str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    return Certificate(
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc.astimezone(UTC).isoformat(),
        not_after=cert.not_valid_after_utc.astimezone(UTC).isoformat(),
        names=names, problem=problem, detail=detail,
    )
