"""One instance: join, operate, acknowledge, broadcast, conflicts, reconnects."""

import asyncio
import json

import httpx
import pytest
from backend_client import Client, add, bearer, create_board, delete, rect, update
from backend_servers import Server
from conftest import SHARED_SETTINGS

pytestmark = pytest.mark.asyncio

REPLAY_LIMIT = int(SHARED_SETTINGS["replay_limit"])


async def joined(server: Server, board: dict, role: str = "edit") -> Client:
    """A client that has joined ``board`` and read its snapshot."""
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board[f"{role}_token"])
    await client.receive_type("snapshot")
    return client


async def test_join_sends_welcome_then_snapshot(server: Server) -> None:
    board = create_board(server.url, "Join me")
    client = await Client.open(server.ws_url(board["id"]))

    welcome = await client.join(board["view_token"])
    snapshot = await client.receive()

    assert welcome["role"] == "view"
    assert welcome["board"]["name"] == "Join me"
    assert snapshot == {"type": "snapshot", "seq": 0, "elements": []}
    await client.close()


async def test_ops_are_acknowledged_stored_and_broadcast(server: Server) -> None:
    board = create_board(server.url)
    author, viewer = await joined(server, board), await joined(server, board, "view")

    results = await author.operate(add("op-1", rect("r1")), update("op-2", "r1", x=5))
    seen = await viewer.ops_until(2)

    assert [r["status"] for r in results] == ["applied", "applied"]
    assert [r["seq"] for r in results] == [1, 2]
    assert seen[-1]["element"]["x"] == 5
    assert seen[-1]["element"]["version"] == 2
    assert seen[0]["client_id"] == seen[1]["client_id"]
    snapshot = httpx.get(
        f"{server.url}/api/boards/{board['id']}", headers=bearer(board["view_token"])
    ).json()
    assert snapshot["seq"] == 2
    assert snapshot["elements"][0]["x"] == 5
    await author.close()
    await viewer.close()


async def test_resent_op_is_applied_once(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board)

    first = await client.operate(add("same-op", rect("r1")))
    again = await client.operate(add("same-op", rect("r1")))

    assert first[0]["status"] == "applied"
    assert again[0] == {"op_id": "same-op", "status": "duplicate", "seq": 1}
    await client.close()


async def test_deleted_element_does_not_come_back(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board)
    await client.operate(add("a", rect("r1")), delete("d", "r1"))

    results = await client.operate(update("u", "r1", x=1), add("a2", rect("r1")))

    assert [r["code"] for r in results] == ["element_deleted", "element_deleted"]
    await client.close()


async def test_update_merges_style_key_by_key(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board)
    await client.operate(add("a", rect("r1")))

    await client.operate(update("u1", "r1", style={"fill": "#ff0000"}))
    await client.operate(update("u2", "r1", style={"stroke": "#00ff00"}))
    ops = await client.ops_until(3)

    assert ops[-1]["element"]["style"]["fill"] == "#ff0000"
    assert ops[-1]["element"]["style"]["stroke"] == "#00ff00"
    await client.close()


async def test_concurrent_edits_end_the_same_everywhere(server: Server) -> None:
    board = create_board(server.url)
    alice, bob = await joined(server, board), await joined(server, board)
    await alice.operate(add("a", rect("shared")))

    edits_a = [update(f"a{i}", "shared", x=i) for i in range(20)]
    edits_b = [update(f"b{i}", "shared", x=100 + i, z=i) for i in range(20)]
    await asyncio.gather(
        *(alice.send({"type": "ops", "ops": [op]}) for op in edits_a),
        *(bob.send({"type": "ops", "ops": [op]}) for op in edits_b),
    )
    seen_a, seen_b = await alice.ops_until(41), await bob.ops_until(41)

    final_a = next(op for op in seen_a if op["seq"] == 41)["element"]
    final_b = next(op for op in seen_b if op["seq"] == 41)["element"]
    snapshot = httpx.get(
        f"{server.url}/api/boards/{board['id']}", headers=bearer(board["view_token"])
    ).json()
    assert final_a == final_b == snapshot["elements"][0]
    assert final_a["version"] == 41
    assert [op["seq"] for op in seen_a if op["seq"] > 1] == list(range(2, 42))
    await alice.close()
    await bob.close()


async def test_reconnect_replays_missed_ops(server: Server) -> None:
    board = create_board(server.url)
    author = await joined(server, board)
    await author.operate(add("a1", rect("r1")))
    await author.operate(add("a2", rect("r2")), add("a3", rect("r3")))

    late = await Client.open(server.ws_url(board["id"]))
    await late.join(board["view_token"], last_seq=1)
    replay = await late.receive()

    assert replay["type"] == "ops"
    assert [op["seq"] for op in replay["ops"]] == [2, 3]
    await author.close()
    await late.close()


async def test_reconnect_far_behind_gets_snapshot(server: Server) -> None:
    board = create_board(server.url)
    author = await joined(server, board)
    count = REPLAY_LIMIT + 3
    await author.operate(*(add(f"a{i}", rect(f"r{i}")) for i in range(count)))

    late = await Client.open(server.ws_url(board["id"]))
    await late.join(board["view_token"], last_seq=1)
    message = await late.receive()

    assert message["type"] == "snapshot"
    assert message["seq"] == count
    assert len(message["elements"]) == count
    await author.close()
    await late.close()


async def test_live_strokes_and_cursors_reach_others_only(server: Server) -> None:
    board = create_board(server.url)
    drawer, watcher = await joined(server, board), await joined(server, board)

    points = [[1, 2, 0.5], [3, 4, 0.6]]
    await drawer.send({"type": "stroke", "stroke_id": "s1", "points": points})
    await drawer.send({"type": "cursor", "x": 7, "y": 8})
    stroke = await watcher.receive_type("stroke")
    presence = await watcher.receive_type("presence")

    assert stroke["points"] == points
    assert (presence["x"], presence["y"], presence["name"]) == (7, 8, "tester")
    assert await drawer.is_alive()
    await drawer.close()
    assert (await watcher.receive_type("left"))["client_id"] == stroke["client_id"]
    await watcher.close()


async def test_rename_reaches_connected_clients(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board, "view")

    httpx.patch(
        f"{server.url}/api/boards/{board['id']}",
        json={"name": "New name"},
        headers=bearer(board["edit_token"]),
    )

    assert (await client.receive_type("board"))["board"]["name"] == "New name"
    await client.close()


async def test_deleting_board_disconnects_clients(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board)

    httpx.delete(
        f"{server.url}/api/boards/{board['id']}", headers=bearer(board["edit_token"])
    )

    assert (await client.receive())["type"] == "deleted"
    await client.connection.wait_closed()
    assert client.close_code == 4404


async def test_revoked_link_disconnects_its_clients(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board, "view")

    httpx.post(
        f"{server.url}/api/boards/{board['id']}/links",
        headers=bearer(board["edit_token"]),
    )

    assert (await client.receive())["code"] == "bad_token"
    await client.connection.wait_closed()
    assert client.close_code == 1008


async def test_view_link_cannot_send_ops_or_strokes(server: Server) -> None:
    board = create_board(server.url)
    viewer = await joined(server, board, "view")

    await viewer.send({"type": "ops", "ops": [add("a", rect("r1"))]})
    ops_error = await viewer.receive_type("error")
    await viewer.send({"type": "stroke", "stroke_id": "s", "points": [[0, 0]]})
    stroke_error = await viewer.receive_type("error")

    assert ops_error["code"] == stroke_error["code"] == "read_only"
    assert await viewer.is_alive()
    await viewer.close()


async def test_connections_are_logged_without_tokens(server: Server) -> None:
    board = create_board(server.url)
    client = await joined(server, board)
    await client.close()

    closed = []
    for _ in range(50):
        text = server.logs().splitlines()
        lines = [json.loads(line) for line in text if line.startswith("{")]
        closed = [
            line
            for line in lines
            if line.get("event") == "connection closed"
            and line.get("board_id") == board["id"]
        ]
        if closed:
            break
        await asyncio.sleep(0.1)

    assert closed[0]["role"] == "edit"
    assert closed[0]["close_code"] == 1000
    assert "instance" in closed[0]
    assert board["edit_token"] not in server.logs()


async def test_join_to_deleted_board_is_refused_with_4404(server: Server) -> None:
    board = create_board(server.url)
    httpx.delete(
        f"{server.url}/api/boards/{board['id']}", headers=bearer(board["edit_token"])
    )
    client = await Client.open(server.ws_url(board["id"]))

    await client.send({"type": "join", "token": board["view_token"]})

    assert (await client.receive())["code"] == "board_deleted"
    await client.connection.wait_closed()
    assert client.close_code == 4404
