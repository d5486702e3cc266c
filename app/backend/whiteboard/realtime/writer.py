"""Writing a board's operations: the batches of this instance's connections, together.

Every write of a board holds the board's row lock, so writes of one board are one at
a time across all instances. Instead of one transaction per batch, each instance
queues the batches of its connections per board and applies everything queued in one
transaction: under load a board sees about one write per instance at a time, not one
per client. Batches of a board are applied in the order they were submitted.
"""

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog

from whiteboard import store
from whiteboard.config import Settings
from whiteboard.metrics import BOARD_WRITES
from whiteboard.realtime.messages import AddOp, DeleteOp, UpdateOp

log = structlog.get_logger(__name__)

# At most this many batches' worth of operations go into one transaction.
BATCHES_PER_WRITE = 10


@dataclass
class _Pending:
    client_id: str
    ops: Sequence[AddOp | UpdateOp | DeleteOp]
    outcome: "asyncio.Future[store.BatchOutcome]"
    submitted: float = field(default_factory=time.monotonic)


class BoardWriters:
    """One queue and one writing task per board with batches waiting."""

    def __init__(self, pool: asyncpg.Pool, settings: Settings) -> None:
        self._pool = pool
        self._settings = settings
        self._queues: dict[str, list[_Pending]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(
        self,
        board_id: str,
        client_id: str,
        ops: Sequence[AddOp | UpdateOp | DeleteOp],
    ) -> "asyncio.Future[store.BatchOutcome]":
        """Queue a batch; the future ends with its outcome or the write's error."""
        outcome: asyncio.Future[store.BatchOutcome]
        outcome = asyncio.get_running_loop().create_future()
        queue = self._queues.get(board_id)
        if queue is None:
            queue = self._queues[board_id] = []
            task = asyncio.create_task(self._write(board_id, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.append(_Pending(client_id, ops, outcome))
        return outcome

    async def stop(self) -> None:
        """Finish the writes under way; refuse nothing already queued."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _write(self, board_id: str, queue: list[_Pending]) -> None:
        try:
            while queue:
                taken = self._take(queue)
                await self._apply(board_id, taken)
        finally:
            # Nothing is awaited between the empty queue and this: a batch
            # submitted later starts a new task.
            self._queues.pop(board_id, None)
            for pending in queue:
                if not pending.outcome.done():
                    pending.outcome.cancel()

    def _take(self, queue: list[_Pending]) -> list[_Pending]:
        limit = self._settings.max_batch_ops * BATCHES_PER_WRITE
        count, size = 0, 0
        for pending in queue:
            if count and size + len(pending.ops) > limit:
                break
            count, size = count + 1, size + len(pending.ops)
        taken = queue[:count]
        del queue[:count]
        return taken

    async def _apply(self, board_id: str, taken: list[_Pending]) -> None:
        batches = [(pending.client_id, pending.ops) for pending in taken]
        started = time.monotonic()
        for pending in taken:
            BOARD_WRITES.labels("queued").observe(started - pending.submitted)
        try:
            outcomes = await store.apply_batches(
                self._pool, board_id, batches, self._settings
            )
            BOARD_WRITES.labels("transaction").observe(time.monotonic() - started)
        except asyncpg.DataError as error:
            if len(taken) == 1:
                _fail(taken, error)
                return
            # One batch holds a value the database refuses: find it, alone.
            for pending in taken:
                await self._apply(board_id, [pending])
            return
        except asyncio.CancelledError:
            for pending in taken:
                pending.outcome.cancel()
            raise
        except Exception as error:  # each waiting session reports it
            _fail(taken, error)
            return
        for pending, outcome in zip(taken, outcomes, strict=True):
            if not pending.outcome.done():
                pending.outcome.set_result(outcome)


def _fail(taken: list[_Pending], error: Exception) -> None:
    for pending in taken:
        if not pending.outcome.done():
            pending.outcome.set_exception(error)
