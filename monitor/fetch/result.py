"""The value every fetch returns. Ordinary failures (timeouts, 404s, refused targets) are outcomes,
not exceptions, so the crawler and the probes treat a broken site as a finding, never a crash."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

INCOMPLETE_TRUNCATED = "页面超过大小上限被截断"
INCOMPLETE_UNDECODABLE = "页面内容无法解码（非文本）"
INCOMPLETE_TOO_DEEP = "页面标签嵌套过深，无法可靠解析"
INCOMPLETE_LINK_FLOOD = "页面链接数超过上限，未读取"


class Outcome(StrEnum):
    OK = "ok"
    DNS = "dns"  # name did not resolve
    CONNECT = "connect"  # connection refused or reset
    TLS = "tls"  # TLS handshake failed even without verification
    TIMEOUT = "timeout"
    HTTP_STATUS = "http_status"  # status >= 400
    EMPTY = "empty"  # 2xx with an empty body
    TOO_LARGE = "too_large"  # cut at max_response_bytes (body holds the first part)
    REFUSED = "refused"  # target refused by policy: private address, robots.txt, bad scheme
    REDIRECTS = "redirects"  # too many redirects
    ERROR = "error"  # anything else the transport raised


@dataclass
class FetchResult:
    url: str  # as asked
    outcome: Outcome
    final_url: str = ""  # after redirects
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    text: str = ""  # decoded body (HTTP charset, then <meta>, then detection)
    encoding: str = ""
    elapsed_s: float = 0.0
    error: str = ""  # human-readable detail of a failed outcome
    tls_unverified: str = ""  # certificate error that was tolerated, for evidence
    truncated: bool = False
    undecodable: bool = False  # served as text, but the bytes are not text in any encoding
    unparsable: str = ""  # why the page would cost more to parse than any real page (too deep, link flood)

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.OK, Outcome.TOO_LARGE)

    @property
    def incomplete(self) -> str:
        """Why the body is not the whole page (a short Chinese reason for evidence), or "".

        A page cut at the size cap or not decodable is evidence of nothing: no rule may read what it
        lacks as a problem."""
        if self.truncated:
            return INCOMPLETE_TRUNCATED
        if self.undecodable:
            return INCOMPLETE_UNDECODABLE
        return self.unparsable

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class Fetcher(Protocol):
    """Anything that fetches a URL politely. The crawler and adapters take one; tests pass a fake.

    `HttpFetcher.fetch` also takes keyword options (respect_robots, timeout_s, headers); a caller that
    needs one passes it by name, and fakes accept what their tests use."""

    async def fetch(self, url: str) -> FetchResult: ...
