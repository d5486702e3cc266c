"""Applying batches of operations: read, apply, then one conditional write.

A write reads the board's state (its ``seq``, counters, the operations and elements
the batches touch) in one statement, applies the batches here, and writes everything
with its notification in one more statement, which commits on its own. That write
only takes effect if the board's ``seq`` is still the one read; if another write
came first, it is tried again on the new state. No lock is held while this instance
works, so a board's writers wait on each other only for the write itself. After a
few lost races the write takes the board's row lock first, so it cannot lose again.
"""

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from whiteboard.config import Settings
from whiteboard.metrics import BOARD_WRITE_RACES
from whiteboard.realtime.apply import BoardChanges, Rejected
from whiteboard.realtime.messages import AddOp, DeleteOp, UpdateOp
from whiteboard.store.common import NOTIFY_PAYLOAD_MAX_BYTES, OPS_CHANNEL, BoardGone

# Writes tried without the row lock before one with it.
UNLOCKED_ATTEMPTS = 3

# The board's counters, the operation ids already applied and the current bodies of
# the elements the batches touch (null for a deleted one): one snapshot.
READ_STATE = """
SELECT
    seq,
    element_count,
    size_bytes,
    (SELECT coalesce(jsonb_object_agg(op_id, seq), '{}') FROM ops
     WHERE board_id = $1 AND op_id = ANY($2)) AS seen,
    (SELECT coalesce(jsonb_object_agg(id, body), '{}') FROM elements
     WHERE board_id = $1 AND id = ANY($3)) AS elements
FROM boards WHERE id = $1
"""

# Every write and the notification, in one statement, only if the board is still at
# the seq read ($12): otherwise the counters update matches no row, and with it
# every insert and the notification. A single statement commits when it ends.
WRITE_CHANGES = """
WITH counters AS (
    UPDATE boards SET seq = $7, element_count = $8, size_bytes = $9
    WHERE id = $1 AND seq = $12
    RETURNING id
), changed_elements AS (
    INSERT INTO elements (board_id, id, body)
    SELECT $1, e.id, e.body
    FROM unnest($2::text[], $3::jsonb[]) AS e (id, body), counters
    ON CONFLICT (board_id, id) DO UPDATE SET body = EXCLUDED.body
), logged_ops AS (
    INSERT INTO ops (board_id, seq, op_id, body)
    SELECT $1, o.seq, o.op_id, o.body
    FROM unnest($4::bigint[], $5::text[], $6::jsonb[]) AS o (seq, op_id, body),
        counters
)
SELECT pg_notify($10, $11) FROM counters
"""


@dataclass
class BatchOutcome:
    """What happened to each operation of a batch, in order."""

    results: list[dict[str, Any]]
    applied: list[dict[str, Any]]


Batch = tuple[str, Sequence[AddOp | UpdateOp | DeleteOp]]


async def apply_batches(
    pool: asyncpg.Pool, board_id: str, batches: Sequence[Batch], limits: Settings
) -> list[BatchOutcome]:
    """Apply batches (each a client id and its operations), in order, at once;
    log them and announce them in one notification."""
    async with pool.acquire() as conn:
        for _ in range(UNLOCKED_ATTEMPTS):
            outcomes = await _attempt(conn, board_id, batches, limits)
            if outcomes is not None:
                return outcomes
            BOARD_WRITE_RACES.inc()
        async with conn.transaction():
            await conn.execute(
                "SELECT 1 FROM boards WHERE id = $1 FOR UPDATE", board_id
            )
            outcomes = await _attempt(conn, board_id, batches, limits)
    if outcomes is None:
        raise RuntimeError(f"board {board_id} changed while locked")
    return outcomes


async def _attempt(
    conn: asyncpg.Connection,
    board_id: str,
    batches: Sequence[Batch],
    limits: Settings,
) -> list[BatchOutcome] | None:
    """Apply the batches to the board as it is now; None if another write came
    first."""
    ops = [op for _, batch in batches for op in batch]
    element_ids = list(
        {op.element.id if isinstance(op, AddOp) else op.element_id for op in ops}
    )
    state = await conn.fetchrow(
        READ_STATE, board_id, [op.op_id for op in ops], element_ids
    )
    if state is None:
        raise BoardGone(board_id)
    seen: dict[str, int] = state["seen"]
    changes = BoardChanges(
        seq=state["seq"],
        element_count=state["element_count"],
        size_bytes=state["size_bytes"],
        elements=state["elements"],
        limits=limits,
    )
    outcomes = [_apply(changes, seen, client_id, batch) for client_id, batch in batches]
    applied = [op for outcome in outcomes for op in outcome.applied]
    if applied and not await _write_changes(
        conn, board_id, state["seq"], changes, applied
    ):
        return None
    return outcomes


def _apply(
    changes: BoardChanges,
    seen: dict[str, int],
    client_id: str,
    ops: Sequence[AddOp | UpdateOp | DeleteOp],
) -> BatchOutcome:
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
    return outcome


async def _write_changes(
    conn: asyncpg.Connection,
    board_id: str,
    read_seq: int,
    changes: BoardChanges,
    applied: list[dict[str, Any]],
) -> bool:
    """Write the changes if the board is still at ``read_seq``; whether it was."""
    # Small batches travel inside the notification; large ones as a pointer.
    event = {"k": "ops", "b": board_id, "from": applied[0]["seq"] - 1}
    event |= {"to": changes.seq, "t": time.time()}
    inline = json.dumps({**event, "ops": applied})
    payload = inline if len(inline) < NOTIFY_PAYLOAD_MAX_BYTES else json.dumps(event)

    changed = sorted(changes.changed)
    written = await conn.fetch(
        WRITE_CHANGES,
        board_id,
        changed,
        [changes.elements[key] for key in changed],
        [op["seq"] for op in applied],
        [op["op_id"] for op in applied],
        applied,
        changes.seq,
        changes.element_count,
        changes.size_bytes,
        OPS_CHANNEL,
        payload,
        read_seq,
    )
    return len(written) == 1
