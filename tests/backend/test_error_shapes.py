"""Deeply nested JSON is refused cleanly; every REST error has the protocol's shape."""

import httpx
import pytest
from backend_client import Client, create_board
from backend_servers import Server

pytestmark = pytest.mark.asyncio

DEEP_JSON = "[" * 100_000 + "]" * 100_000


async def test_deeply_nested_json_is_refused_and_connection_stays_open(
    server: Server,
) -> None:
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["edit_token"])

    await client.send(DEEP_JSON)
    error = await client.receive_type("error")

    assert error["code"] == "bad_json"
    assert await client.is_alive()
    await client.close()


def test_deeply_nested_json_body_gets_422_in_protocol_shape(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/api/boards",
        content=DEEP_JSON,
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["detail"]["code"] == "bad_json"


def test_framework_errors_use_the_protocol_error_shape(server: Server) -> None:
    missing = httpx.get(f"{server.url}/api/no-such-thing")
    listing = httpx.get(f"{server.url}/api/boards")
    broken = httpx.post(
        f"{server.url}/api/boards",
        content="{not json",
        headers={"Content-Type": "application/json"},
    )

    assert (missing.status_code, missing.json()["detail"]["code"]) == (
        404,
        "not_found",
    )
    assert (listing.status_code, listing.json()["detail"]["code"]) == (
        405,
        "method_not_allowed",
    )
    assert (broken.status_code, broken.json()["detail"]["code"]) == (422, "bad_json")
    for response in (missing, listing, broken):
        assert set(response.json()["detail"]) == {"code", "message"}


def test_api_responses_are_never_sniffed_or_rendered(server: Server) -> None:
    created = httpx.post(f"{server.url}/api/boards", json={"name": "headers"})
    missing = httpx.get(f"{server.url}/api/no-such-thing")

    for response in (created, missing):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in response.headers["content-security-policy"]
