"""Web addresses: the one place that decides what a source URL is and which outlet it belongs to.

Two people pasting the same article must land on the same Source, so URLs are normalised before
they are stored: scheme and host lower-cased, default ports, fragments, credentials and tracking
parameters dropped. Only http and https are accepted anywhere in the desk.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000  # the URL columns' size (WebURLField)
MAX_HOST_LENGTH = 253  # DNS's limit, and the outlet domain column's size
DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that identify a campaign or a click, never the document.
TRACKING_PARAMETERS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "ref_src",
    "ref_url",
}
TRACKING_PREFIXES = ("utm_",)
# Characters a path may carry as they are (RFC 3986 unreserved, sub-delims, ":", "@", "/"), plus "%"
# so that existing escapes are kept rather than escaped again.
PATH_SAFE = "/:@!$&'()*+,;=-._~%"
PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# Python's "idna" codec (IDNA 2003) maps these away (taß.ru → tass.ru) while browsers (IDNA 2008,
# UTS 46) keep them and visit another host (xn--ta-jia.ru): such a host would pass for the outlet
# it imitates. They are refused; the address still works in its xn-- form.
IDNA_DEVIATIONS = {"ß", "ς", "\u200c", "\u200d"}


class InvalidURL(ValueError):
    """Raised for anything that is not an absolute http(s) address."""


def _split(text: str) -> SplitResult:
    try:
        return urlsplit(text)
    except ValueError as error:  # an unbalanced "[", or a full-width / ? # @ : in the host name
        raise InvalidURL("This is not a web address: check the host name.") from error


def _host_of(url: str) -> tuple[str, str, int | None]:
    text = url.strip()
    if any(character.isspace() or ord(character) < 32 for character in text):
        raise InvalidURL("A web address cannot contain spaces or control characters.")
    parts = _split(text)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidURL("Only http:// and https:// addresses are accepted.")
    try:
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError as error:  # a port that is not a number
        raise InvalidURL("The address has an invalid port.") from error
    if not host:
        raise InvalidURL("The address has no host name.")
    if ":" in host:
        raise InvalidURL("Use the site's name, not an IPv6 address.")
    if len(host) > MAX_HOST_LENGTH:
        raise InvalidURL("The host name is too long to be real.")
    if IDNA_DEVIATIONS & set(unicodedata.normalize("NFKC", host)):
        raise InvalidURL("The host name has ß, ς or an invisible joiner, which browsers read as another site.")
    try:
        # Internationalised names are stored in their ASCII (punycode) form, so look-alike
        # Cyrillic domains are visible as xn--… rather than passing for Latin ones.
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise InvalidURL("The address has an invalid host name.") from error
    if len(host) > MAX_HOST_LENGTH:
        raise InvalidURL("The host name is too long to be real.")
    return scheme, host, port


def normalize_url(url: str) -> str:
    """Return the canonical form of an http(s) URL, or raise InvalidURL."""
    scheme, host, port = _host_of(url)
    parts = _split(url.strip())
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # One spelling per path: non-ASCII characters percent-encoded, escapes in upper case.
    path = quote(parts.path or "/", safe=PATH_SAFE)
    path = PERCENT_ESCAPE.sub(lambda escape: escape.group(0).upper(), path)
    query = urlencode(
        [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in TRACKING_PARAMETERS and not key.lower().startswith(TRACKING_PREFIXES)
        ],
        doseq=True,
    )
    canonical = urlunsplit((scheme, netloc, path, query, ""))
    if len(canonical) > MAX_URL_LENGTH:
        raise InvalidURL(f"The address is too long: at most {MAX_URL_LENGTH} characters once encoded.")
    return canonical


def domain_of(url: str) -> str:
    """The outlet domain of a URL: its host without leading "www." labels.

    Every one goes, not only the first: an outlet domain never starts with "www." (the Outlet
    table's CHECK constraint says so), and www.www.example.org is example.org's site. The last
    label stays even if it is "www", so there is always a domain.
    """
    _, host, _ = _host_of(url)
    labels = host.split(".")
    while len(labels) > 1 and labels[0] == "www":
        labels.pop(0)
    return ".".join(labels)


def parent_domains(domain: str) -> list[str]:
    """ "edition.cnn.com" → ["edition.cnn.com", "cnn.com"]: an outlet owns its subdomains."""
    labels = domain.split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)] or [domain]


def is_web_url(url: str) -> bool:
    try:
        _host_of(url)
    except InvalidURL:
        return False
    return True
