"""Boards, elements and the operation log in PostgreSQL (asyncpg, no ORM).

Every change that others must see is announced with ``pg_notify`` in the same
transaction, on ``OPS_CHANNEL``; notifications go out when the transaction commits,
in commit order.
"""

from whiteboard.store.boards import (
    create_board,
    current_seq,
    delete_board,
    get_board,
    reissue_links,
    rename_board,
)
from whiteboard.store.common import (
    LIVE_CHANNEL,
    NOTIFY_PAYLOAD_MAX_BYTES,
    OPS_CHANNEL,
    BoardGone,
    board_public,
    init_connection,
    notify,
)
from whiteboard.store.ops import Batch, BatchOutcome, apply_batches
from whiteboard.store.reads import read_for_join, read_ops, read_snapshot

__all__ = [
    "LIVE_CHANNEL",
    "NOTIFY_PAYLOAD_MAX_BYTES",
    "OPS_CHANNEL",
    "Batch",
    "BatchOutcome",
    "BoardGone",
    "apply_batches",
    "board_public",
    "create_board",
    "current_seq",
    "delete_board",
    "get_board",
    "init_connection",
    "notify",
    "read_for_join",
    "read_ops",
    "read_snapshot",
    "reissue_links",
    "rename_board",
]
