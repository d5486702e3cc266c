"""Board writes straight against PostgreSQL: racing writers, a stale write."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from backend_client import create_board
from backend_servers import Server
from whiteboard import store
from whiteboard.config import Settings
from whiteboard.realtime.apply import BoardChanges
from whiteboard.realtime.messages import OP, AddOp, DeleteOp, UpdateOp
from whiteboard.store import ops as board_ops

pytestmark = pytest.mark.asyncio

LIMITS = Settings()


def rect_add(op_id: str, element_id: str) -> AddOp | UpdateOp | DeleteOp:
    element = {"id": element_id, "type": "rect", "x": 0, "y": 0, "w": 1, "h": 1}
    return OP.validate_python({"op_id": op_id, "kind": "add", "element": element})


@asynccontextmanager
async def two_pools(server: Server) -> AsyncIterator[list[asyncpg.Pool]]:
    """Two pools on the shared servers' database, as two instances would have."""
    env = server.env
    made = [
        await asyncpg.create_pool(
            host=env["DATABASE_HOST"],
            port=int(env["DATABASE_PORT"]),
            user=env["DATABASE_USER"],
            database=env["DATABASE_NAME"],
            init=store.init_connection,
            min_size=1,
            max_size=2,
        )
        for _ in range(2)
    ]
    try:
        yield made
    finally:
        for pool in made:
            await pool.close()


async def test_writers_racing_on_one_board_each_apply_once_in_one_order(
    server: Server,
) -> None:
    board_id = create_board(server.url)["id"]
    async with two_pools(server) as pools:
        await _race(board_id, pools)


async def _race(board_id: str, pools: list[asyncpg.Pool]) -> None:

    async def writer(number: int) -> list[store.BatchOutcome]:
        pool = pools[number % 2]
        ops = [rect_add(f"w{number}o{i}", f"w{number}e{i}") for i in range(10)]
        return [
            (await store.apply_batches(pool, board_id, [(f"c{number}", [op])], LIMITS))[
                0
            ]
            for op in ops
        ]

    written = await asyncio.gather(*(writer(number) for number in range(6)))

    seqs = sorted(
        result["seq"] for outcomes in written for o in outcomes for result in o.results
    )
    assert seqs == list(range(1, 61))
    async with pools[0].acquire() as conn:
        row = await conn.fetchrow(
            "SELECT seq, element_count FROM boards WHERE id = $1", board_id
        )
        logged = await conn.fetchval(
            "SELECT count(*) FROM ops WHERE board_id = $1", board_id
        )
    assert (row["seq"], row["element_count"], logged) == (60, 60, 60)


async def test_a_write_based_on_a_stale_read_changes_nothing(server: Server) -> None:
    board_id = create_board(server.url)["id"]
    async with two_pools(server) as pools:
        await _stale_write(board_id, pools)


async def _stale_write(board_id: str, pools: list[asyncpg.Pool]) -> None:
    await store.apply_batches(
        pools[0], board_id, [("c", [rect_add("o1", "a")])], LIMITS
    )

    # Changes computed as if the board were still empty (seq 0).
    changes = BoardChanges(0, 0, 0, {}, LIMITS)
    applied = [changes.apply(rect_add("o2", "b"), "c")]
    async with pools[1].acquire() as conn:
        written = await board_ops._write_changes(conn, board_id, 0, changes, applied)
        row = await conn.fetchrow("SELECT seq FROM boards WHERE id = $1", board_id)
        ids = await conn.fetch("SELECT id FROM elements WHERE board_id = $1", board_id)
    assert written is False
    assert row["seq"] == 1
    assert [record["id"] for record in ids] == ["a"]
