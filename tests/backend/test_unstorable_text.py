"""Text PostgreSQL cannot store (NUL, unpaired surrogates) is refused at validation."""

import httpx
import pytest
from backend_client import Client, add, create_board, rect
from backend_servers import Server

pytestmark = pytest.mark.asyncio

TEXT_BOX = {"type": "text", "x": 0, "y": 0, "w": 50, "h": 20, "z": 1}


async def editor(server: Server) -> Client:
    """A client joined to a fresh board with the edit link."""
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["edit_token"])
    await client.receive_type("snapshot")
    return client


async def test_nul_in_text_is_refused_and_connection_stays_open(
    server: Server,
) -> None:
    client = await editor(server)

    results = await client.operate(
        add("nul", {**TEXT_BOX, "id": "t1", "text": "a\u0000b"}),
        add("ok", rect("r1")),
    )

    assert (results[0]["status"], results[0]["code"]) == ("rejected", "bad_message")
    assert results[1]["status"] == "applied"
    assert await client.is_alive()
    await client.close()


async def test_lone_surrogate_in_text_is_refused_and_valid_ops_kept(
    server: Server,
) -> None:
    client = await editor(server)
    surrogate = '{"op_id": "s", "kind": "add", "element": {"id": "t1", "type": "text", '
    surrogate += '"x": 0, "y": 0, "w": 5, "h": 5, "text": "a\\ud800"}}'
    valid = '{"op_id": "ok", "kind": "add", "element": {"id": "r1", "type": "rect", '
    valid += '"x": 0, "y": 0, "w": 5, "h": 5}}'

    await client.send(f'{{"type": "ops", "ops": [{surrogate}, {valid}]}}')
    results = (await client.receive_type("ack"))["results"]

    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert await client.is_alive()
    await client.close()


async def test_nul_in_user_name_is_refused_at_join_and_connection_stays_open(
    server: Server,
) -> None:
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))

    await client.send(
        {"type": "join", "token": board["edit_token"], "user": {"name": "a\u0000"}}
    )
    error = await client.receive_type("error")
    welcome = await client.join(board["edit_token"])

    assert error["code"] == "bad_message"
    assert welcome["role"] == "edit"
    await client.close()


def test_board_name_with_nul_or_lone_surrogate_is_refused_with_422(
    server: Server,
) -> None:
    for name in ('"a\\u0000b"', '"a\\udc00b"'):
        response = httpx.post(
            f"{server.url}/api/boards",
            content=f'{{"name": {name}}}',
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 422
        assert response.json()["detail"]["code"] == "bad_message"
