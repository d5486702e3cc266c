"""Applying batches of operations: one transaction, logged, then announced."""

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from whiteboard.config import Settings
from whiteboard.realtime.apply import BoardChanges, Rejected
from whiteboard.realtime.messages import AddOp, DeleteOp, UpdateOp
from whiteboard.store.common import NOTIFY_PAYLOAD_MAX_BYTES, OPS_CHANNEL, BoardGone

# Operation ids already applied, and the current bodies of the elements a batch
# touches (null for a deleted one), as two JSON objects.
READ_KNOWN = """
SELECT
    (SELECT coalesce(jsonb_object_agg(op_id, seq), '{}') FROM ops
     WHERE board_id = $1 AND op_id = ANY($2)) AS seen,
    (SELECT coalesce(jsonb_object_agg(id, body), '{}') FROM elements
     WHERE board_id = $1 AND id = ANY($3)) AS elements
"""

# Every write of a batch and its notification in one statement: one round trip
# while the lock is held. The notification goes out when the transaction commits.
WRITE_CHANGES = """
WITH changed_elements AS (
    INSERT INTO elements (board_id, id, body)
    SELECT $1, id, body FROM unnest($2::text[], $3::jsonb[]) AS e (id, body)
    ON CONFLICT (board_id, id) DO UPDATE SET body = EXCLUDED.body
), logged_ops AS (
    INSERT INTO ops (board_id, seq, op_id, body)
    SELECT $1, seq, op_id, body
    FROM unnest($4::bigint[], $5::text[], $6::jsonb[]) AS o (seq, op_id, body)
), counters AS (
    UPDATE boards SET seq = $7, element_count = $8, size_bytes = $9 WHERE id = $1
    RETURNING id
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
    """Apply batches (each a client id and its operations), in order, in one
    transaction; log them and announce them in one notification."""
    ops = [op for _, batch in batches for op in batch]
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
        # Read after taking the lock, so earlier batches' changes are visible.
        known = await conn.fetchrow(READ_KNOWN, board_id, op_ids, element_ids)
        seen: dict[str, int] = known["seen"]
        changes = BoardChanges(
            seq=board["seq"],
            element_count=board["element_count"],
            size_bytes=board["size_bytes"],
            elements=known["elements"],
            limits=limits,
        )
        outcomes = [
            _apply(changes, seen, client_id, batch) for client_id, batch in batches
        ]
        applied = [op for outcome in outcomes for op in outcome.applied]
        if applied:
            await _write_changes(conn, board_id, changes, applied)
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
    changes: BoardChanges,
    applied: list[dict[str, Any]],
) -> None:
    # Small batches travel inside the notification; large ones as a pointer.
    event = {"k": "ops", "b": board_id, "from": applied[0]["seq"] - 1}
    event |= {"to": changes.seq, "t": time.time()}
    inline = json.dumps({**event, "ops": applied})
    payload = inline if len(inline) < NOTIFY_PAYLOAD_MAX_BYTES else json.dumps(event)

    changed = sorted(changes.changed)
    await conn.execute(
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
    )
