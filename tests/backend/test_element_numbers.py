"""Numbers in elements: a bounded range and precision, counted as stored."""

import asyncpg
import pytest
from backend_client import Client, add, create_board, delete, rect, update
from backend_servers import Server

pytestmark = pytest.mark.asyncio


async def stored_sizes(server: Server, board_id: str) -> tuple[int, int]:
    """The board's counted size and the size of its elements' jsonb text."""
    env = server.env
    conn = await asyncpg.connect(
        host=env["DATABASE_HOST"],
        port=int(env["DATABASE_PORT"]),
        user=env["DATABASE_USER"],
        database=env["DATABASE_NAME"],
    )
    try:
        counted = await conn.fetchval(
            "SELECT size_bytes FROM boards WHERE id = $1", board_id
        )
        stored = await conn.fetchval(
            "SELECT coalesce(sum(octet_length(body::text)), 0) FROM elements "
            "WHERE board_id = $1 AND body IS NOT NULL",
            board_id,
        )
        return int(counted), int(stored)
    finally:
        await conn.close()


async def editor(server: Server) -> tuple[Client, dict]:
    """A fresh board and a client joined to it with the edit link."""
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["edit_token"])
    await client.receive_type("snapshot")
    return client, board


async def test_numbers_beyond_the_canvas_range_are_rejected(server: Server) -> None:
    client, _ = await editor(server)

    results = await client.operate(
        add("far", rect("r1", x=1e300)),
        add("wide", {**rect("r2"), "w": 1e8}),
        add("deep", rect("r3", z=1e300)),
        add("near", rect("r4", x=9_999_999)),
    )

    assert [r["status"] for r in results] == ["rejected"] * 3 + ["applied"]
    assert {r.get("code") for r in results[:3]} == {"bad_message"}
    await client.close()


async def test_tiny_numbers_are_rounded_to_the_stored_precision(
    server: Server,
) -> None:
    client, _ = await editor(server)

    await client.operate(add("tiny", {**rect("r1"), "x": 1e-300, "y": 1.23456}))
    applied = (await client.ops_until(1))[0]["element"]

    assert (applied["x"], applied["y"]) == (0, 1.23)
    await client.close()


async def test_board_size_counts_elements_as_stored_and_never_goes_negative(
    server: Server,
) -> None:
    client, board = await editor(server)
    stroke = {
        "id": "s1",
        "type": "stroke",
        "points": [[1e-300, 2.5e-7, 0.123456], [12345.678, -1e-9]],
        "z": 1e-300,
    }
    sticky = {
        "id": "n1",
        "type": "sticky",
        "x": 0.1 + 0.2,
        "y": 0,
        "w": 100,
        "h": 100,
        "text": 'café ✓ \n\t "quoted" 😀',
        "z": 2,
    }

    await client.operate(add("a1", stroke), add("a2", sticky), add("a3", rect("r1")))
    await client.operate(update("u1", "s1", points=[[3e-300, 0], [1, 1]]))
    await client.operate(update("u2", "n1", text="ok", w=1e-200))
    counted, stored = await stored_sizes(server, board["id"])
    await client.operate(delete("d1", "s1"), delete("d2", "n1"), delete("d3", "r1"))
    emptied = await stored_sizes(server, board["id"])

    assert counted == stored
    assert emptied == (0, 0)
    await client.close()
