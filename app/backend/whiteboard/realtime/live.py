"""Ephemeral traffic (live stroke points, cursors, departures) between instances.

Nothing here is stored. Messages are collected for one display frame and cursors
for the presence interval (coalesced to the newest position per client); each
frame's messages go out in as few ``pg_notify`` calls as fit the payload limit,
outside any write transaction, so they never queue behind board writes.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

from whiteboard.store import LIVE_CHANNEL, NOTIFY_PAYLOAD_MAX_BYTES

log = structlog.get_logger(__name__)

# Board id, message: what every instance receives for its local connections.
LiveEvent = tuple[str, dict[str, Any]]


class LiveRelay:
    """Batches ephemeral messages of this instance into notifications."""

    def __init__(
        self,
        notify: Callable[[str, str], Awaitable[None]],
        frame_seconds: float,
        presence_seconds: float,
    ) -> None:
        self._notify = notify
        self._frame_seconds = frame_seconds
        # Cursors go out every this many frames.
        self._presence_frames = max(1, round(presence_seconds / frame_seconds))
        self._frames = 0
        self._events: list[LiveEvent] = []
        self._cursors: dict[tuple[str, str], dict[str, Any]] = {}
        self._task: asyncio.Task[None] | None = None

    @staticmethod
    def fits(board_id: str, message: dict[str, Any]) -> bool:
        """Whether one message fits a notification on its own."""
        return len(json.dumps([[board_id, message]])) < NOTIFY_PAYLOAD_MAX_BYTES

    def publish(self, board_id: str, message: dict[str, Any]) -> None:
        """Queue a message for the board's viewers on every instance."""
        self._events.append((board_id, message))

    def publish_cursor(self, board_id: str, message: dict[str, Any]) -> None:
        """Queue a presence message; a newer one from the same client replaces it."""
        self._cursors[(board_id, message["client_id"])] = message

    def start(self) -> None:
        """Start sending every frame."""
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Send what is queued, then stop."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.flush()

    async def flush(self, cursors: bool = True) -> None:
        """Send the queued messages now, and the cursors if ``cursors``."""
        events, self._events = self._events, []
        if cursors:
            events += [(board, cursor) for (board, _), cursor in self._cursors.items()]
            self._cursors = {}
        for payload in _packed(events):
            await self._notify(LIVE_CHANNEL, payload)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            # On the clock's frame boundaries, as the instances' frames are.
            now = loop.time()
            await asyncio.sleep(self._frame_seconds - now % self._frame_seconds)
            self._frames += 1
            try:
                await self.flush(cursors=self._frames % self._presence_frames == 0)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("live messages dropped", error=str(error))


def _packed(events: list[LiveEvent]) -> list[str]:
    """JSON arrays of events, each below the notification payload limit."""
    payloads: list[str] = []
    batch: list[str] = []
    size = 2
    for board_id, message in events:
        item = json.dumps([board_id, message])
        if batch and size + len(item) + 1 >= NOTIFY_PAYLOAD_MAX_BYTES:
            payloads.append("[" + ",".join(batch) + "]")
            batch, size = [], 2
        batch.append(item)
        size += len(item) + 1
    if batch:
        payloads.append("[" + ",".join(batch) + "]")
    return payloads
