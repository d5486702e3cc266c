"""What every part of the store shares: channels, row shapes, notifications."""

import json
from typing import Any

import asyncpg

OPS_CHANNEL = "whiteboard_ops"
LIVE_CHANNEL = "whiteboard_live"
# PostgreSQL refuses payloads of 8000 bytes or more; keep a margin.
NOTIFY_PAYLOAD_MAX_BYTES = 7_900

SELECT_BOARD = (
    "SELECT id, name, created_at, seq, link_generation FROM boards WHERE id = $1"
)


class BoardGone(Exception):
    """The board does not exist (any more)."""


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
