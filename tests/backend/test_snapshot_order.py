"""Snapshots as PostgreSQL writes them: stack order, deleted elements, shape.

Each test has a server of its own, so that its boards do not count against the
shared servers' limit on board creation.
"""

import httpx
import pytest
from backend_client import Client, add, bearer, create_board, delete, rect, update
from backend_servers import Server
from conftest import ServerFactory

pytestmark = pytest.mark.asyncio


async def snapshot_on_join(server: Server, token: str, board_id: str) -> dict:
    """The snapshot a new client gets on joining."""
    client = await Client.open(server.ws_url(board_id))
    await client.join(token)
    snapshot = await client.receive_type("snapshot")
    await client.close()
    return snapshot


def snapshot_over_rest(server: Server, token: str, board_id: str) -> httpx.Response:
    """GET /api/boards/{id} with ``token``."""
    return httpx.get(f"{server.url}/api/boards/{board_id}", headers=bearer(token))


async def test_snapshot_orders_by_z_then_id_and_leaves_out_deleted_elements(
    start_server: ServerFactory,
) -> None:
    server = start_server()
    board = create_board(server.url)
    author = await Client.open(server.ws_url(board["id"]))
    await author.join(board["edit_token"])
    await author.receive_type("snapshot")

    await author.operate(
        add("o1", rect("tie-b", z=1)),
        add("o2", rect("top", z=7.5)),
        add("o3", rect("tie-a", z=1)),
        add("o4", rect("gone", z=0)),
        add("o5", rect("below", z=-2.25)),
        add("o6", rect("raised", z=-3)),
    )
    await author.operate(delete("o7", "gone"), update("o8", "raised", z=1e15))
    await author.close()
    joined = await snapshot_on_join(server, board["view_token"], board["id"])
    read = snapshot_over_rest(server, board["view_token"], board["id"]).json()

    stack = ["below", "tie-a", "tie-b", "top", "raised"]
    assert [element["id"] for element in joined["elements"]] == stack
    assert read["elements"] == joined["elements"]
    assert joined["seq"] == read["seq"] == 8
    assert joined["elements"][-1]["z"] == 1e15
    assert joined["elements"][-1]["version"] == 2


async def test_board_with_every_element_deleted_has_empty_snapshot(
    start_server: ServerFactory,
) -> None:
    server = start_server()
    board = create_board(server.url)
    author = await Client.open(server.ws_url(board["id"]))
    await author.join(board["edit_token"])
    await author.receive_type("snapshot")

    await author.operate(add("o1", rect("r1")), delete("o2", "r1"))
    await author.close()
    joined = await snapshot_on_join(server, board["view_token"], board["id"])
    read = snapshot_over_rest(server, board["view_token"], board["id"])

    assert joined == {"type": "snapshot", "seq": 2, "elements": []}
    assert read.json()["elements"] == []


async def test_rest_snapshot_keeps_its_shape(start_server: ServerFactory) -> None:
    server = start_server()
    board = create_board(server.url, "Shape")
    author = await Client.open(server.ws_url(board["id"]))
    await author.join(board["edit_token"])
    await author.receive_type("snapshot")
    await author.operate(add("o1", rect("r1", x=1.5)))
    (applied,) = await author.ops_until(1)
    await author.close()

    response = snapshot_over_rest(server, board["view_token"], board["id"])

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    public = {key: board[key] for key in ("id", "name", "created_at")}
    assert response.json() == {
        "board": {**public, "seq": 1},
        "seq": 1,
        "elements": [applied["element"]],
    }
    assert applied["element"]["x"] == 1.5
