"""Reading a board's elements and its operation log."""

from typing import Any

import asyncpg

from whiteboard.store.common import SELECT_BOARD
from whiteboard.store.snapshots import SnapshotCache

# The stack order (z, then id) comes from the elements_stack_order index. A board
# holding most of the table would otherwise be sorted row by row, its stored JSON
# text with it, which spills to disk for large boards; the index never does.
PREFER_STACK_ORDER_INDEX = "SET LOCAL enable_sort = off"

# Large boards opened again at the same seq (a reconnecting crowd) are read once.
snapshots = SnapshotCache()


async def read_elements_json(conn: asyncpg.Connection, board_id: str) -> str:
    """The live elements of a board as one JSON array, in stack order.

    PostgreSQL joins the JSON text it stored with each element, so a large board
    is neither rendered again nor decoded and encoded here on its way to a client.
    Call it inside a transaction.
    """
    await conn.execute(PREFER_STACK_ORDER_INDEX)
    joined: str | None = await conn.fetchval(
        "SELECT string_agg(body_text, ',' ORDER BY z, id) "
        "FROM elements WHERE board_id = $1 AND body IS NOT NULL",
        board_id,
    )
    # The brackets are added here: in SQL each would copy the whole text again.
    return f"[{joined or ''}]"


async def read_snapshot(
    pool: asyncpg.Pool, board_id: str
) -> tuple[asyncpg.Record, str] | None:
    """A board and its elements (a JSON array) as of one moment, or None."""
    async with (
        pool.acquire() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        board = await conn.fetchrow(SELECT_BOARD, board_id)
        if board is None:
            return None
        return board, await _elements_json_at(conn, board)


async def _elements_json_at(conn: asyncpg.Connection, board: asyncpg.Record) -> str:
    """The elements of ``board`` at the seq of its row, read in this transaction."""
    kept = snapshots.get(board["id"], board["seq"])
    if kept is not None:
        return kept
    elements = await read_elements_json(conn, board["id"])
    snapshots.put(board["id"], board["seq"], elements)
    return elements


async def read_ops(
    pool: asyncpg.Pool | asyncpg.Connection, board_id: str, after: int, upto: int
) -> list[Any]:
    """Applied operations with ``after < seq <= upto``, in order."""
    rows = await pool.fetch(
        "SELECT body FROM ops WHERE board_id = $1 AND seq > $2 AND seq <= $3 "
        "ORDER BY seq",
        board_id,
        after,
        upto,
    )
    return [row["body"] for row in rows]


async def read_for_join(
    pool: asyncpg.Pool, board_id: str, last_seq: int | None, replay_limit: int
) -> tuple[asyncpg.Record, str | None, list[Any] | None] | None:
    """A board with either its elements (a JSON array) or the ops after
    ``last_seq``, or None.

    The ops come when ``last_seq`` is at most ``replay_limit`` behind; the elements
    (a snapshot) otherwise. Both are read as of one moment.
    """
    async with (
        pool.acquire() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        board = await conn.fetchrow(SELECT_BOARD, board_id)
        if board is None:
            return None
        if last_seq is not None and 0 <= board["seq"] - last_seq <= replay_limit:
            return (
                board,
                None,
                await read_ops(conn, board_id, last_seq, board["seq"]),
            )
        return board, await _elements_json_at(conn, board), None
