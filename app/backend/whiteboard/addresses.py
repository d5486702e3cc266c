"""The client's address, for per-address limits.

Proxies append the address they were reached from to X-Forwarded-For, so only the
entries they added can be trusted: with ``hops`` proxies in front, the client is the
entry ``hops`` places from the right. Anything further left was sent by the client.
"""

from starlette.requests import HTTPConnection


def without_port(entry: str) -> str:
    """An address from ``host``, ``host:port``, ``ipv6`` or ``[ipv6]:port``."""
    if entry.startswith("["):
        return entry[1:].partition("]")[0]
    host, colon, port = entry.rpartition(":")
    if colon and ":" not in host and port.isdigit():
        return host
    return entry


def forwarded_client(forwarded_for: list[str], hops: int) -> str | None:
    """The client in X-Forwarded-For values appended to by ``hops`` proxies."""
    entries = [e.strip() for value in forwarded_for for e in value.split(",")]
    entries = [entry for entry in entries if entry]
    if hops <= 0 or not entries:
        return None
    return without_port(entries[max(0, len(entries) - hops)])


def client_address(connection: HTTPConnection, hops: int) -> str:
    """The client's address behind ``hops`` proxies (0: the connection's peer)."""
    peer = connection.client.host if connection.client else "unknown"
    forwarded = connection.headers.getlist("x-forwarded-for")
    return forwarded_client(forwarded, hops) or peer
