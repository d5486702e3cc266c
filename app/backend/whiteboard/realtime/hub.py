"""Fan-out between instances through PostgreSQL LISTEN/NOTIFY.

Each instance keeps one dedicated connection to the writer that listens on two
channels: board changes (operations, renames, deletions, revoked links) and live
traffic. Instances share no memory: every change, including this instance's own,
reaches local connections through a notification. Operation notifications carry the
operations inline when they fit, or else a seq range that is read back once per
instance. Notifications arrive in commit order, which for one board is ``seq`` order.
Both kinds reach a board's connections in frames (``whiteboard.realtime.frames``).
The listener connection also sends this instance's live notifications, so they never
wait for a pooled connection held by a board write.
"""

import asyncio
import random
import time
from collections import defaultdict
from typing import Any, Protocol

import asyncpg
import orjson
import structlog

from whiteboard import store
from whiteboard.config import Settings
from whiteboard.db import Database, connect_kwargs
from whiteboard.metrics import (
    FANOUT_LATENCY,
    LISTENER_CONNECTED,
    NOTIFICATIONS,
    watch_event_loop,
)
from whiteboard.realtime.frames import Frame, FrameClock, LiveText, SharedOps
from whiteboard.realtime.live import read_live

log = structlog.get_logger(__name__)

LISTENER_RETRY_SECONDS = 1.0
# A notification takes a millisecond; one that takes this long is not coming back.
NOTIFY_TIMEOUT_SECONDS = 2.0
# How the listener connection shows in pg_stat_activity.
LISTENER_APPLICATION_NAME = "whiteboard-listener"


class Subscriber(Protocol):
    """What the hub needs from a connection on this instance."""

    board_id: str
    client_id: str
    generation: int

    def deliver_frame(self, frame: Frame) -> None: ...
    def send(self, message: dict[str, Any]) -> None: ...
    def close(self, code: int, message: dict[str, Any] | None = None) -> None: ...
    def resync(self) -> None: ...


class Hub:
    """Local connections by board, fed from PostgreSQL notifications."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self._settings = settings
        self._db = db
        self._boards: dict[str, set[Subscriber]] = defaultdict(set)
        self._events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._listener: asyncpg.Connection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._frames = FrameClock(settings.batch_frame_ms / 1000, self._deliver_frame)
        self.draining = False

    @property
    def listening(self) -> bool:
        """Whether notifications are being received."""
        return self._listener is not None and not self._listener.is_closed()

    @property
    def connection_count(self) -> int:
        """Connections open on this instance."""
        return sum(len(subscribers) for subscribers in self._boards.values())

    async def start(self) -> None:
        """Open the listener connection and start dispatching."""
        await self._listen()
        self._tasks.append(asyncio.create_task(self._dispatch()))
        self._tasks.append(asyncio.create_task(self._watch_listener()))
        # The lag of this instance's loop delays every delivery: measured here.
        self._tasks.append(asyncio.create_task(watch_event_loop()))

    async def stop(self) -> None:
        """Stop dispatching and close the listener connection."""
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._listener is not None:
            await self._listener.close(timeout=2)

    async def notify(self, channel: str, payload: str) -> None:
        """Send a notification, on the listener connection while it is up."""
        listener = self._listener
        if listener is None or listener.is_closed():
            await self._db.writer.execute("SELECT pg_notify($1, $2)", channel, payload)
            return
        try:
            await asyncio.wait_for(
                listener.execute("SELECT pg_notify($1, $2)", channel, payload),
                NOTIFY_TIMEOUT_SECONDS,
            )
        except TimeoutError:
            # A connection that died unnoticed may never answer: give it up.
            listener.terminate()
            raise
        finally:
            # Cut off in the middle of a statement, asyncpg may close the
            # connection without calling its termination listeners.
            if listener.is_closed():
                self._on_listener_lost(listener)

    def subscribe(self, subscriber: Subscriber) -> None:
        """Start delivering a board's changes to a connection."""
        self._boards[subscriber.board_id].add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Stop delivering to a connection."""
        subscribers = self._boards.get(subscriber.board_id, set())
        subscribers.discard(subscriber)
        if not subscribers:
            self._boards.pop(subscriber.board_id, None)

    async def drain(self, max_delay_ms: int) -> None:
        """Ask every connection to reconnect elsewhere, then wait for them to end."""
        self.draining = True
        for subscribers in list(self._boards.values()):
            for subscriber in list(subscribers):
                after_ms = random.randint(0, max_delay_ms)  # noqa: S311
                subscriber.close(1012, {"type": "reconnect", "after_ms": after_ms})
        while self._boards:
            await asyncio.sleep(0.05)

    async def _listen(self) -> None:
        options = connect_kwargs(self._settings)
        named = {"application_name": LISTENER_APPLICATION_NAME}
        options["server_settings"] = options.get("server_settings", {}) | named
        conn = await asyncpg.connect(**options)
        await store.init_connection(conn)
        await conn.add_listener(store.OPS_CHANNEL, self._on_ops_notification)
        await conn.add_listener(store.LIVE_CHANNEL, self._on_live_notification)
        conn.add_termination_listener(self._on_listener_lost)
        self._listener = conn
        LISTENER_CONNECTED.set(1)

    def _on_listener_lost(self, conn: asyncpg.Connection) -> None:
        if conn is not self._listener:
            return  # already noticed, or an earlier connection
        LISTENER_CONNECTED.set(0)
        if self._stopping:
            return
        self._listener = None
        log.error("listener connection lost")
        self._tasks.append(asyncio.create_task(self._relisten()))

    async def _watch_listener(self) -> None:
        """Notice a listener connection that closed without telling its listeners
        (asyncpg skips them when the connection dies in the middle of a statement)."""
        while True:
            await asyncio.sleep(LISTENER_RETRY_SECONDS)
            listener = self._listener
            if listener is not None and listener.is_closed():
                self._on_listener_lost(listener)

    async def _relisten(self) -> None:
        while True:
            await asyncio.sleep(LISTENER_RETRY_SECONDS)
            try:
                await self._listen()
            except Exception as error:  # keep trying, whatever stopped this one
                log.warning("listener reconnect failed", error=repr(error))
                continue
            break
        # Notifications sent while disconnected are lost: catch up from the log.
        log.info("listener reconnected")
        for subscribers in list(self._boards.values()):
            for subscriber in list(subscribers):
                subscriber.resync()

    def _on_ops_notification(
        self, conn: object, pid: int, channel: str, payload: str
    ) -> None:
        self._events.put_nowait(orjson.loads(payload))

    def _on_live_notification(
        self, conn: object, pid: int, channel: str, payload: str
    ) -> None:
        NOTIFICATIONS.labels(channel="live", form="inline").inc()
        for board_id, author, text in read_live(payload):
            if board_id in self._boards:
                self._frames.add(board_id, LiveText(author, text))

    def _deliver_frame(self, board_id: str, frame: Frame) -> None:
        for subscriber in list(self._boards.get(board_id, ())):
            subscriber.deliver_frame(frame)

    async def _dispatch(self) -> None:
        while True:
            event = await self._events.get()
            try:
                await self._handle(event)
            except Exception:
                # Connections notice the gap on their next delivery and catch up.
                log.exception("dispatch failed", board_id=event.get("b"))

    async def _handle(self, event: dict[str, Any]) -> None:
        board_id = event["b"]
        subscribers = list(self._boards.get(board_id, ()))
        kind = event["k"]
        if kind == "ops":
            NOTIFICATIONS.labels("ops", "inline" if "ops" in event else "pointer").inc()
        if not subscribers:
            return

        if kind == "ops":
            ops = event.get("ops")
            if ops is None:
                ops = await store.read_ops(
                    self._db.writer, board_id, event["from"], event["to"]
                )
            if ops:
                self._frames.add(board_id, SharedOps(ops))
            FANOUT_LATENCY.observe(max(0.0, time.time() - event["t"]))
        elif kind == "board":
            for subscriber in subscribers:
                subscriber.send({"type": "board", "board": event["board"]})
        elif kind == "deleted":
            for subscriber in subscribers:
                subscriber.close(4404, {"type": "deleted"})
        elif kind == "links":
            for subscriber in subscribers:
                if subscriber.generation < event["g"]:
                    message = "this link was revoked"
                    error = {"type": "error", "code": "bad_token", "message": message}
                    subscriber.close(1008, error)
