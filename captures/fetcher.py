"""The safe fetcher: the only way the desk's workers read a web address someone pasted.

A pasted URL is untrusted input that makes our machine open a connection, so (docs/security.md):
- http and https only;
- the host is resolved here and every address it resolves to is checked: private, loopback,
  link-local, multicast, reserved and other non-public addresses are refused (the cloud metadata
  service, the database, the admin of a router all live there);
- the connection goes to the address that was checked, not to a second lookup an attacker's DNS
  could answer differently (TLS still verifies the certificate for the host name);
- redirects are followed by hand, at most MAX_REDIRECTS, each one checked the same way;
- time and size limits, and our own User-Agent.

`CAPTURE_ALLOW_PRIVATE_NETWORKS` turns the address check off (tests and the demo capture from a
server on this machine); `CAPTURE_ALLOWED_NETWORKS` lets through only the networks it names (a
newsroom's intranet, say).
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass, field
from importlib.metadata import version

import anyio
import httpx
from django.conf import settings

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
# The most a body may decode to (gzip, deflate, br): well above any page, far below a decompression bomb.
DECODED_MAX_BYTES = 100 * 1024 * 1024


class FetchError(Exception):
    """A fetch that did not bring back a page. `reason` is a sentence for the desk.

    `transient` failures (the server could not be reached, timed out) are worth another attempt;
    the others (a refused address, a body over the limit) will fail the same way again.
    `name_gone` marks a host name that no longer exists, which the link watch counts as gone.
    """

    transient = False
    name_gone = False

    def __init__(self, reason: str, *, hops: list[Hop] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hops = hops or []


class FetchRefused(FetchError):
    """The desk will not fetch this address (scheme, private address, too many redirects, too large)."""


class FetchFailed(FetchError):
    """The address could not be fetched this time."""

    def __init__(self, reason: str, *, transient: bool = True, name_gone: bool = False, hops=None):
        super().__init__(reason, hops=hops)
        self.transient = transient
        self.name_gone = name_gone


@dataclass
class Hop:
    """One request and its response, as it went over the wire (the WARC records are written from it)."""

    url: str
    address: str  # the IP address the connection went to
    request_headers: list[tuple[str, str]]
    status: int
    reason_phrase: str
    http_version: str
    response_headers: list[tuple[str, str]]
    body: bytes = b""  # as sent, before any Content-Encoding is undone
    started_at: float = 0.0

    @property
    def media_type(self) -> str:
        for name, value in self.response_headers:
            if name.lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return ""

    def decoded_body(self, limit: int = DECODED_MAX_BYTES) -> bytes:
        """The body with its Content-Encoding (gzip, deflate, br) undone; FetchRefused past `limit` bytes
        decoded. A body of a megabyte can inflate to a gigabyte, so gzip and deflate are inflated a piece at
        a time and stopped at the limit (zlib's max_length), before the memory is taken."""
        encodings = [
            encoding.strip().lower()
            for name, value in self.response_headers
            if name.lower() == "content-encoding"
            for encoding in value.split(",")
            if encoding.strip().lower() not in ("", "identity")
        ]
        if encodings and all(encoding in ("gzip", "x-gzip", "deflate") for encoding in encodings):
            body = self.body
            for _ in encodings:
                body = _inflate(body, limit)
            return body
        response = httpx.Response(self.status, headers=self.response_headers, content=self.body)
        try:
            body = response.read()
        except httpx.DecodingError:
            return self.body
        if len(body) > limit:
            raise FetchRefused(_too_large(limit))
        return body


@dataclass
class Fetched:
    hops: list[Hop] = field(default_factory=list)

    @property
    def final(self) -> Hop:
        return self.hops[-1]


def user_agent() -> str:
    return settings.CAPTURE_USER_AGENT or f"newsdesk-capture/{version('httpx')} (+{settings.SITE_URL})"


def refusal_for(address: str) -> str | None:
    """Why the desk will not connect to this IP address, or None when it may."""
    if settings.CAPTURE_ALLOW_PRIVATE_NETWORKS:
        return None
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address carried inside IPv6 (mapped, 6to4, Teredo) is judged as the IPv4 it reaches:
        # 2002:a9fe:a9fe:: is the cloud metadata service at 169.254.169.254.
        ip = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None) or ip
    if any(ip in ipaddress.ip_network(network) for network in settings.CAPTURE_ALLOWED_NETWORKS):
        return None
    for test, what in (
        ("is_loopback", "a loopback address (this machine)"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_unspecified", "an unspecified address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private network address"),
    ):
        if getattr(ip, test):
            return what
    if not ip.is_global:
        return "an address that is not on the public internet"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; raises FetchFailed when the name does not exist."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        gone = error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
        raise FetchFailed(
            f"The host name {host} could not be found (DNS).", transient=not gone, name_gone=gone
        ) from error
    except UnicodeError as error:
        raise FetchRefused(f"The host name {host} is not a valid name.") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_address(url: httpx.URL) -> str:
    """The address to connect to for `url`, once the scheme and every resolved address pass."""
    if url.scheme not in ("http", "https"):
        raise FetchRefused(f"Only http and https addresses are fetched, not {url.scheme or 'this'}.")
    if not url.host:
        raise FetchRefused("The address has no host name.")
    addresses = resolve(url.host, url.port or (443 if url.scheme == "https" else 80))
    for address in addresses:
        why = refusal_for(address)
        if why:
            where = f"{url.host} is" if url.host == address else f"{url.host} resolves to {address},"
            raise FetchRefused(f"Not fetched: {where} {why}. The desk only fetches public addresses.")
    return addresses[0]


def fetch(url: str, *, max_bytes: int | None = None, timeout: float | None = None, method: str = "GET") -> Fetched:
    """Fetch `url` following redirects; every hop is kept. Raises FetchError with a reason."""
    max_bytes = max_bytes or settings.CAPTURE_MAX_BYTES
    timeout = timeout or settings.CAPTURE_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    fetched = Fetched()
    current = _parse(url)
    seen: set[str] = set()
    with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if str(current) in seen:
                raise FetchRefused("The address redirects in a loop.", hops=fetched.hops)
            seen.add(str(current))
            try:
                hop = _one_hop(client, current, method=method, max_bytes=max_bytes, deadline=deadline, fetched=fetched)
            except FetchError as error:
                error.hops = error.hops or fetched.hops  # the hops before the refusal stay on record
                raise
            fetched.hops.append(hop)
            location = dict((name.lower(), value) for name, value in hop.response_headers).get("location")
            if hop.status not in REDIRECT_STATUSES or not location:
                return fetched
            try:
                current = _parse(str(current.join(location)))
            except FetchRefused as error:
                error.hops = fetched.hops
                raise
    raise FetchRefused(f"The address redirects more than {MAX_REDIRECTS} times.", hops=fetched.hops)


def _parse(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchRefused("This is not a web address the desk can fetch.") from error


def _pinned(url: httpx.URL) -> tuple[str, httpx.URL, dict]:
    """The checked address, the URL that connects to it, and the extensions that keep TLS on the host name."""
    address = checked_address(url)
    # Connect to the checked address; the Host header and TLS name stay the URL's own.
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return address, url.copy_with(host=address), extensions


def post(url: str, *, content: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `content` once to `url` through the same address checks, following no redirect (a webhook's
    delivery, docs/architecture.md, "Webhooks"); the response's status. The answer's body is not read.

    The whole attempt, from connecting to the last header of the answer, has `timeout` seconds: httpx's
    timeouts bound each read, and a server sending its headers a byte every few seconds would otherwise
    hold a worker for hours.
    """
    parsed = _parse(url)
    _address, pinned, extensions = _pinned(parsed)
    sent = {"Host": parsed.netloc.decode("ascii"), "User-Agent": user_agent(), **headers}

    async def send() -> int:
        async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client:
            with anyio.fail_after(timeout):
                request = client.build_request("POST", pinned, content=content, headers=sent, extensions=extensions)
                response = await client.send(request, stream=True)
                await response.aclose()
                return response.status_code

    try:
        return anyio.run(send)
    except (TimeoutError, httpx.TimeoutException) as error:
        raise FetchFailed(f"{parsed.host} did not answer in time ({timeout:g} s).") from error
    except httpx.HTTPError as error:
        raise FetchFailed(f"{parsed.host} could not be reached ({_short(error)}).") from error


def _one_hop(client: httpx.Client, url: httpx.URL, *, method, max_bytes, deadline, fetched: Fetched) -> Hop:
    address, pinned, extensions = _pinned(url)
    headers = {
        "Host": url.netloc.decode("ascii"),
        "User-Agent": user_agent(),
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "en,uk;q=0.8,ru;q=0.7",
        "Accept-Encoding": "gzip, deflate",
    }
    started = time.time()
    try:
        request = client.build_request(method, pinned, headers=headers, extensions=extensions)
        response = client.send(request, stream=True)
    except httpx.TimeoutException as error:
        raise FetchFailed(f"{url.host} did not answer in time.", hops=fetched.hops) from error
    except httpx.HTTPError as error:
        raise FetchFailed(f"{url.host} could not be reached ({_short(error)}).", hops=fetched.hops) from error
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise FetchRefused(_too_large(max_bytes), hops=fetched.hops)
        body = bytearray()
        try:
            for chunk in response.iter_raw(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchRefused(_too_large(max_bytes), hops=fetched.hops)
                if time.monotonic() > deadline:
                    raise FetchFailed(f"{url.host} sent the page too slowly.", hops=fetched.hops)
        except httpx.TimeoutException as error:
            raise FetchFailed(f"{url.host} stopped sending the page.", hops=fetched.hops) from error
        except httpx.HTTPError as error:
            raise FetchFailed(f"{url.host} broke off the page ({_short(error)}).", hops=fetched.hops) from error
    finally:
        response.close()
    request_headers = [("Host", headers["Host"])] + [(k, v) for k, v in headers.items() if k != "Host"]
    return Hop(
        url=str(url),
        address=address,
        request_headers=request_headers,
        status=response.status_code,
        reason_phrase=response.reason_phrase,
        http_version=response.http_version,
        response_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
        body=bytes(body),
        started_at=started,
    )


def _inflate(body: bytes, limit: int) -> bytes:
    """gzip or zlib data inflated, at most `limit` bytes of it (else FetchRefused); raw deflate too."""
    for window in (zlib.MAX_WBITS | 32, -zlib.MAX_WBITS):  # gzip or zlib header, detected; then none
        inflater = zlib.decompressobj(window)
        try:
            out = inflater.decompress(body, limit + 1)
        except zlib.error:
            continue
        if len(out) > limit or inflater.unconsumed_tail:
            raise FetchRefused(_too_large(limit))
        return out
    return body  # not what it said it was: kept as sent, as httpx does


def _too_large(max_bytes: int) -> str:
    return f"The page is larger than the {max_bytes // (1024 * 1024)} MB the desk keeps of one address."


def _short(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return text[:200]
