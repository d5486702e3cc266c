"""The client address behind proxies: only the entries they append are trusted."""

import pytest
from conftest import ServerFactory
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from whiteboard.addresses import forwarded_client, without_port


def test_client_is_the_entry_as_many_hops_from_the_right() -> None:
    header = ["6.6.6.6, 1.2.3.4", "10.0.0.9"]

    assert forwarded_client(header, 0) is None
    assert forwarded_client(header, 1) == "10.0.0.9"
    assert forwarded_client(header, 2) == "1.2.3.4"
    assert forwarded_client(header, 9) == "6.6.6.6"
    assert forwarded_client([], 1) is None


def test_ports_are_dropped_from_forwarded_entries() -> None:
    assert without_port("1.2.3.4:5678") == "1.2.3.4"
    assert without_port("[2001:db8::1]:443") == "2001:db8::1"
    assert without_port("2001:db8::1") == "2001:db8::1"
    assert without_port("1.2.3.4") == "1.2.3.4"


async def opens(url: str, forwarded_for: str) -> bool:
    """Whether a WebSocket handshake with this X-Forwarded-For is accepted."""
    try:
        connection = await connect(
            url, additional_headers={"X-Forwarded-For": forwarded_for}
        )
    except InvalidStatus:
        return False
    await connection.close()
    return True


@pytest.mark.asyncio
async def test_spoofed_forwarded_for_does_not_escape_per_address_limits(
    start_server: ServerFactory,
) -> None:
    direct = start_server(wait=False, connections_per_minute_per_address="2")
    proxied = start_server(
        wait=False, connections_per_minute_per_address="2", trusted_proxy_hops="1"
    )
    direct.wait_ready()
    proxied.wait_ready()

    direct_url = direct.ws_url("any-board")
    spoofed = [await opens(direct_url, f"203.0.113.{i}") for i in range(3)]
    proxied_url = proxied.ws_url("any-board")
    behind = [await opens(proxied_url, f"203.0.113.{i}, 10.0.0.1") for i in range(3)]
    other = await opens(proxied_url, "203.0.113.1, 10.0.0.2")

    assert spoofed == [True, True, False]
    assert behind == [True, True, False]
    assert other
