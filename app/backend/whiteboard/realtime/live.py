"""Ephemeral traffic (live stroke points, cursors, departures) between instances.

Nothing here is stored. Messages are collected for one display frame and cursors
for the presence interval (coalesced to the newest position per client); each
frame's messages go out in as few ``pg_notify`` calls as fit the payload limit,
outside any write transaction, so they never queue behind board writes.

Each message is encoded once, here. A notification is a JSON array of
``[board_id, client_id, message_text]`` entries: receiving instances read the board
and the author and pass the text on untouched.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import structlog

from whiteboard.realtime.frames import next_tick
from whiteboard.store import LIVE_CHANNEL, NOTIFY_PAYLOAD_MAX_BYTES

log = structlog.get_logger(__name__)


def live_entry(board_id: str, message: dict[str, Any]) -> bytes:
    """One message as an entry of a live notification."""
    text = orjson.dumps(message).decode()
    return orjson.dumps([board_id, message.get("client_id"), text])


def read_live(payload: str) -> list[tuple[str, str | None, str]]:
    """The entries of a live notification: board, author, message text."""
    return [(board, author, text) for board, author, text in orjson.loads(payload)]


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
        self._entries: list[bytes] = []
        self._cursors: dict[tuple[str, str], bytes] = {}
        self._task: asyncio.Task[None] | None = None

    def publish(self, board_id: str, message: dict[str, Any]) -> bool:
        """Queue a message for the board's viewers on every instance; False, and
        nothing queued, when it cannot fit a notification on its own."""
        entry = live_entry(board_id, message)
        if len(entry) + 2 >= NOTIFY_PAYLOAD_MAX_BYTES:
            return False
        self._entries.append(entry)
        return True

    def publish_cursor(self, board_id: str, message: dict[str, Any]) -> None:
        """Queue a presence message; a newer one from the same client replaces it."""
        self._cursors[(board_id, message["client_id"])] = live_entry(board_id, message)

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
        entries, self._entries = self._entries, []
        if cursors:
            entries += self._cursors.values()
            self._cursors = {}
        for payload in _packed(entries):
            await self._notify(LIVE_CHANNEL, payload)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            await asyncio.sleep(next_tick(now, self._frame_seconds) - now)
            self._frames += 1
            try:
                await self.flush(cursors=self._frames % self._presence_frames == 0)
            except Exception as error:  # the relay must outlive any failed send
                log.warning("live messages dropped", error=repr(error))


def _packed(entries: list[bytes]) -> list[str]:
    """JSON arrays of entries, each below the notification payload limit."""
    payloads: list[str] = []
    batch: list[bytes] = []
    size = 2
    for entry in entries:
        if batch and size + len(entry) + 1 >= NOTIFY_PAYLOAD_MAX_BYTES:
            payloads.append(f"[{b','.join(batch).decode()}]")
            batch, size = [], 2
        batch.append(entry)
        size += len(entry) + 1
    if batch:
        payloads.append(f"[{b','.join(batch).decode()}]")
    return payloads
