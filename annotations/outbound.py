"""Outbound HTTP to addresses users give (webhooks), guarded against reaching inside.

A URL's host is resolved once; every address it resolves to must be public unless the
caller allows private ones; the request is sent to that one address (the Host header
and TLS server name stay the original name, so certificates are checked against it).
Redirects are not followed, timeouts are short and at most RESPONSE_CAP bytes of the
answer are read. Standard library only.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
RESPONSE_CAP = 64 * 1024


class Refused(Exception):
    """The URL or the address it resolves to may not be called; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def parse(url: str) -> Target:
    """The parts of an http(s) URL, or Refused naming what is wrong with it."""
    if not isinstance(url, str) or not url.strip():
        raise Refused("Give the URL to send events to.")
    if len(url) > MAX_URL_LENGTH:
        raise Refused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise Refused("The URL may not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"The URL is not valid: {exc}.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused("The URL must start with http:// or https://.")
    if not parts.hostname:
        raise Refused("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise Refused("The URL may not carry a user name or password.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, parts.hostname, port or (443 if scheme == "https" else 80), path)


def refusal(address: str) -> str | None:
    """Why an IP address may not be called (unless private ones are allowed), or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for name, test in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if test:
            return f"{address} is a {name} address"
    if not ip.is_global:
        return f"{address} is not a public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses of host, as the system's resolver gives them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def address_for(target: Target, *, allow_private: bool) -> str:
    """Resolve the target's host once; the address to connect to, or Refused."""
    try:
        addresses = resolve(target.host, target.port)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"{target.host} cannot be resolved: {exc}.") from None
    if not addresses:
        raise Refused(f"{target.host} cannot be resolved.")
    if not allow_private:
        for address in addresses:
            why = refusal(address)
            if why:
                raise Refused(f"{target.host} resolves to {why}, which is refused.")
    return addresses[0]


def check(url: str, *, allow_private: bool) -> Target:
    """Refused unless url is http(s) and its host resolves to callable addresses."""
    target = parse(url)
    address_for(target, allow_private=allow_private)
    return target


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str, body: bytes, headers: dict[str, str], *, allow_private: bool, timeout: float
) -> Answer:
    """POST body to url at the one address its host resolves to now. Refused before
    anything is sent; OSError (and http.client's errors) when the exchange fails."""
    target = parse(url)
    address = address_for(target, allow_private=allow_private)
    pinned = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = pinned(target, address, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read(RESPONSE_CAP))
    finally:
        connection.close()
