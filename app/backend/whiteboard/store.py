"""Boards, elements and the operation log in PostgreSQL (asyncpg, no ORM).

Every change that others must see is announced with ``pg_notify`` in the same
transaction, on the ``OPS_CHANNEL``; the notification is sent when the transaction
commits, in commit order.
"""

import json
import time
from dataclasses import dataclass
from typing import Any

import asyncpg

from whiteboard.config import Settings
from whiteboard.links import new_board_id
from whiteboard.realtime.apply import BoardChanges, Rejected
from whiteboard.realtime.messages import AddOp, DeleteOp, UpdateOp

OPS_CHANNEL = "whiteboard_ops"
LIVE_CHANNEL = "whiteboard_live"
# PostgreSQL refuses payloads of 8000 bytes or more; keep a margin.
NOTIFY_PAYLOAD_MAX_BYTES = 7_900

SELECT_BOARD = (
    "SELECT id, name, created_at, seq, link_generation FROM boards WHERE id = $1"
)


class BoardGone(Exception):
    """The board does not exist (any more)."""


@dataclass
class BatchOutcome:
    """What happened to each operation of a batch, in order."""

    results: list[dict[str, Any]]
    applied: list[dict[str, Any]]


async def init_connection(conn: asyncpg.Connection) -> None:
    """Exchange jsonb values as Python objects."""
    await conn.set_type_codec(
        "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
    )


def board_public(row: asyncpg.Record) -> dict[str, Any]:
    """A board row as BoardPublic fields, ready for JSON."""
    return {
        "id": row["id"],
        "name": row["name"],
        "created_at": row["created_at"].isoformat(),
        "seq": row["seq"],
    }


async def notify(conn: asyncpg.Connection, event: dict[str, Any]) -> None:
    """Announce ``event`` to every instance when the current transaction commits."""
    payload = json.dumps(event, default=str)
    await conn.execute("SELECT pg_notify($1, $2)", OPS_CHANNEL, payload)


async def create_board(pool: asyncpg.Pool, name: str) -> asyncpg.Record:
    """Insert a new, empty board."""
    return await pool.fetchrow(
        "INSERT INTO boards (id, name) VALUES ($1, $2) "
        "RETURNING id, name, created_at, seq, link_generation",
        new_board_id(),
        name,
    )


async def get_board(pool: asyncpg.Pool, board_id: str) -> asyncpg.Record | None:
    """A board's row, or None."""
    return await pool.fetchrow(SELECT_BOARD, board_id)


async def rename_board(pool: asyncpg.Pool, board_id: str, name: str) -> asyncpg.Record:
    """Rename a board and tell its viewers."""
    async with pool.acquire() as conn, conn.transaction():
        row = await conn.fetchrow(
            "UPDATE boards SET name = $2 WHERE id = $1 "
            "RETURNING id, name, created_at, seq, link_generation",
            board_id,
            name,
        )
        if row is None:
            raise BoardGone(board_id)
        await notify(conn, {"k": "board", "b": board_id, "board": board_public(row)})
    return row


async def delete_board(pool: asyncpg.Pool, board_id: str) -> None:
    """Delete a board with its elements and log, and tell its viewers."""
    async with pool.acquire() as conn, conn.transaction():
        deleted = await conn.fetchval(
            "DELETE FROM boards WHERE id = $1 RETURNING id", board_id
        )
        if deleted is None:
            raise BoardGone(board_id)
        await notify(conn, {"k": "deleted", "b": board_id})


async def reissue_links(pool: asyncpg.Pool, board_id: str) -> int:
    """Move a board to a new link generation, revoking every older token."""
    async with pool.acquire() as conn, conn.transaction():
        generation = await conn.fetchval(
            "UPDATE boards SET link_generation = link_generation + 1 "
            "WHERE id = $1 RETURNING link_generation",
            board_id,
        )
        if generation is None:
            raise BoardGone(board_id)
        await notify(conn, {"k": "links", "b": board_id, "g": generation})
    return int(generation)


async def read_elements(conn: asyncpg.Connection, board_id: str) -> list[Any]:
    """The live elements of a board, bottom of the stack first."""
    rows = await conn.fetch(
        "SELECT body FROM elements WHERE board_id = $1 AND body IS NOT NULL "
        "ORDER BY (body->>'z')::float8, id",
        board_id,
    )
    return [row["body"] for row in rows]


async def read_snapshot(
    pool: asyncpg.Pool, board_id: str
) -> tuple[asyncpg.Record, list[Any]] | None:
    """A board and its elements as of one moment, or None."""
    async with (
        pool.acquire() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        board = await conn.fetchrow(SELECT_BOARD, board_id)
        if board is None:
            return None
        return board, await read_elements(conn, board_id)


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


async def apply_batch(
    pool: asyncpg.Pool,
    board_id: str,
    client_id: str,
    ops: list[AddOp | UpdateOp | DeleteOp],
    limits: Settings,
) -> BatchOutcome:
    """Apply a batch in one transaction, log it, and announce it."""
    op_ids = [op.op_id for op in ops]
    element_ids = list(
        {op.element.id if isinstance(op, AddOp) else op.element_id for op in ops}
    )

    async with pool.acquire() as conn, conn.transaction():
        # The row lock orders all writers of one board, on every instance.
        board = await conn.fetchrow(
            "SELECT seq, element_count, size_bytes FROM boards WHERE id = $1 "
            "FOR UPDATE",
            board_id,
        )
        if board is None:
            raise BoardGone(board_id)
        seen: dict[str, int] = dict(
            await conn.fetch(
                "SELECT op_id, seq FROM ops WHERE board_id = $1 AND op_id = ANY($2)",
                board_id,
                op_ids,
            )
        )
        rows = await conn.fetch(
            "SELECT id, body FROM elements WHERE board_id = $1 AND id = ANY($2)",
            board_id,
            element_ids,
        )
        changes = BoardChanges(
            seq=board["seq"],
            element_count=board["element_count"],
            size_bytes=board["size_bytes"],
            elements={row["id"]: row["body"] for row in rows},
            limits=limits,
        )

        outcome = BatchOutcome(results=[], applied=[])
        for op in ops:
            if op.op_id in seen:
                result = {"status": "duplicate", "seq": seen[op.op_id]}
            else:
                try:
                    applied = changes.apply(op, client_id)
                except Rejected as refusal:
                    result = {"status": "rejected", "code": refusal.code}
                    result["message"] = refusal.message
                else:
                    seen[op.op_id] = applied["seq"]
                    outcome.applied.append(applied)
                    result = {"status": "applied", "seq": applied["seq"]}
            outcome.results.append({"op_id": op.op_id, **result})

        if outcome.applied:
            await _write_changes(conn, board_id, changes, outcome.applied)
    return outcome


async def _write_changes(
    conn: asyncpg.Connection,
    board_id: str,
    changes: BoardChanges,
    applied: list[dict[str, Any]],
) -> None:
    await conn.executemany(
        "INSERT INTO elements (board_id, id, body) VALUES ($1, $2, $3) "
        "ON CONFLICT (board_id, id) DO UPDATE SET body = EXCLUDED.body",
        [(board_id, key, changes.elements[key]) for key in changes.changed],
    )
    await conn.executemany(
        "INSERT INTO ops (board_id, seq, op_id, body) VALUES ($1, $2, $3, $4)",
        [(board_id, op["seq"], op["op_id"], op) for op in applied],
    )
    await conn.execute(
        "UPDATE boards SET seq = $2, element_count = $3, size_bytes = $4 WHERE id = $1",
        board_id,
        changes.seq,
        changes.element_count,
        changes.size_bytes,
    )

    # Small batches travel inside the notification; large ones as a pointer.
    event = {"k": "ops", "b": board_id, "from": applied[0]["seq"] - 1}
    event |= {"to": changes.seq, "t": time.time()}
    inline = json.dumps({**event, "ops": applied})
    payload = inline if len(inline) < NOTIFY_PAYLOAD_MAX_BYTES else json.dumps(event)
    await conn.execute("SELECT pg_notify($1, $2)", OPS_CHANNEL, payload)


async def read_for_join(
    pool: asyncpg.Pool, board_id: str, last_seq: int | None, replay_limit: int
) -> tuple[asyncpg.Record, list[Any] | None, list[Any] | None] | None:
    """A board with either its elements or the ops after ``last_seq``, or None.

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
        return board, await read_elements(conn, board_id), None


async def current_seq(pool: asyncpg.Pool, board_id: str) -> int | None:
    """A board's newest sequence number, or None when it is gone."""
    seq = await pool.fetchval("SELECT seq FROM boards WHERE id = $1", board_id)
    return None if seq is None else int(seq)
