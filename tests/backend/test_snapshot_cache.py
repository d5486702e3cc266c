"""Snapshots kept per instance: used only at the board's current seq."""

import json

import httpx
import pytest
from backend_client import Client, add, bearer, create_board, delete, update
from backend_servers import Server
from conftest import ServerFactory
from whiteboard.store.snapshots import SNAPSHOT_CACHE_MIN_CHARS, SnapshotCache

NOTES = 30
NOTE_CHARS = 9_000


def test_kept_snapshot_is_used_only_at_its_seq() -> None:
    cache = SnapshotCache(budget_chars=100, min_chars=10)

    cache.put("b1", 3, "x" * 20)

    assert cache.get("b1", 3) == "x" * 20
    assert cache.get("b1", 4) is None
    assert cache.get("b2", 3) is None


def test_later_seq_replaces_a_board_snapshot_and_earlier_does_not() -> None:
    cache = SnapshotCache(budget_chars=100, min_chars=10)

    cache.put("b1", 3, "a" * 20)
    cache.put("b1", 5, "b" * 30)
    cache.put("b1", 4, "c" * 40)

    assert cache.get("b1", 5) == "b" * 30
    assert cache.get("b1", 4) is None
    assert cache.used_chars == 30


def test_small_or_oversized_snapshots_are_not_kept() -> None:
    cache = SnapshotCache(budget_chars=100, min_chars=10)

    cache.put("small", 1, "x" * 9)
    cache.put("huge", 1, "x" * 101)

    assert cache.get("small", 1) is None
    assert cache.get("huge", 1) is None
    assert cache.used_chars == 0


def test_least_recently_used_board_goes_first_over_budget() -> None:
    cache = SnapshotCache(budget_chars=100, min_chars=10)
    cache.put("b1", 1, "1" * 40)
    cache.put("b2", 1, "2" * 40)
    cache.get("b1", 1)

    cache.put("b3", 1, "3" * 40)

    assert cache.get("b2", 1) is None
    assert cache.get("b1", 1) == "1" * 40
    assert cache.get("b3", 1) == "3" * 40
    assert cache.used_chars == 80


def note(number: int) -> dict:
    """A sticky note large enough that a board of ``NOTES`` of them is kept."""
    text = f"{number} " + "n" * NOTE_CHARS
    box = {"x": 0, "y": 0, "w": 80, "h": 80, "z": number}
    return {"id": f"n{number}", "type": "sticky", "text": text, **box}


async def joined(server: Server, board: dict) -> Client:
    """A client with the board's snapshot read."""
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["edit_token"])
    await client.receive_type("snapshot")
    return client


async def snapshot_on_join(server: Server, board: dict) -> dict:
    """The snapshot a new client gets on joining."""
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["view_token"])
    snapshot = await client.receive_type("snapshot")
    await client.close()
    return snapshot


@pytest.mark.asyncio
async def test_large_board_changed_on_another_instance_is_read_again(
    start_server: ServerFactory,
) -> None:
    reader, writer = start_server(), start_server()
    board = create_board(writer.url)
    author = await joined(writer, board)
    for start in range(0, NOTES, 10):
        await author.operate(*(add(f"o{n}", note(n)) for n in range(start, start + 10)))
    first = await snapshot_on_join(reader, board)
    again = await snapshot_on_join(reader, board)

    await author.operate(update("edit", "n0", text="changed"), delete("del", "n1"))
    changed = await snapshot_on_join(reader, board)
    url = f"{reader.url}/api/boards/{board['id']}"
    read = httpx.get(url, headers=bearer(board["view_token"])).json()

    assert len(first["elements"]) == NOTES
    assert len(json.dumps(first["elements"])) > SNAPSHOT_CACHE_MIN_CHARS
    assert again == first
    assert changed["seq"] == first["seq"] + 2 == read["seq"]
    assert changed["elements"][0]["text"] == "changed"
    assert [e["id"] for e in changed["elements"][:2]] == ["n0", "n2"]
    assert read["elements"] == changed["elements"]
    await author.close()


@pytest.mark.asyncio
async def test_large_board_deleted_on_another_instance_is_not_served(
    start_server: ServerFactory,
) -> None:
    reader, writer = start_server(), start_server()
    board = create_board(writer.url)
    author = await joined(writer, board)
    for start in range(0, NOTES, 10):
        await author.operate(*(add(f"o{n}", note(n)) for n in range(start, start + 10)))
    await author.close()
    assert len((await snapshot_on_join(reader, board))["elements"]) == NOTES

    httpx.delete(
        f"{writer.url}/api/boards/{board['id']}", headers=bearer(board["edit_token"])
    )
    client = await Client.open(reader.ws_url(board["id"]))
    await client.send({"type": "join", "token": board["view_token"]})

    assert (await client.receive())["code"] == "board_deleted"
    await client.connection.wait_closed()
    assert client.close_code == 4404
    url = f"{reader.url}/api/boards/{board['id']}"
    assert httpx.get(url, headers=bearer(board["view_token"])).status_code == 404
