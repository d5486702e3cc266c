"""Everything sent to one client goes through its outbox, in order, by one task.

Operations are sent gapless and in ``seq`` order: ones the client already has are
skipped, and a gap (a lost notification, say) is filled from the operation log first.

A board's shared traffic comes in ``Frame``s, encoded once per instance. Whatever is
queued when the sending task wakes goes out together: to a client that joined with
``batch`` as one frame (the shared text itself when that is all there is), to others
as one WebSocket message per protocol message.
"""

import asyncio
import json
import random
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import structlog
from fastapi import WebSocket, WebSocketDisconnect

from whiteboard import store
from whiteboard.db import Database
from whiteboard.realtime.frames import Frame, SharedOps, batch_text

log = structlog.get_logger(__name__)


@dataclass
class Close:
    """Close the connection with ``code``."""

    code: int


@dataclass
class Encoded:
    """Messages already encoded as JSON text, in order."""

    texts: list[str]


@dataclass
class OpsDelivery:
    """Applied operations to pass on; ``catch_up`` first fetches anything newer."""

    ops: list[dict[str, Any]] = field(default_factory=list)
    catch_up: bool = False
    shared: SharedOps | None = None


Outgoing = dict[str, Any] | Encoded | Close | OpsDelivery | Frame


class Outbox:
    """The queue of messages for one client and the task that sends them."""

    def __init__(
        self,
        websocket: WebSocket,
        db: Database,
        board_id: str,
        client_id: str,
        limit: int,
    ) -> None:
        self.websocket = websocket
        self.db = db
        self.board_id = board_id
        self.client_id = client_id
        self.limit = limit
        self.last_seq = 0
        self.closing = False
        # Whether the client takes several messages in one ``batch`` frame (and
        # then its own live messages too, which it ignores).
        self.batch = False
        self._queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        # Operations that arrive while the client is joining wait here.
        self._held: list[SharedOps] | None = []

    def put(self, item: Outgoing) -> None:
        """Queue a message; a client that falls too far behind is told to reconnect."""
        if self.closing:
            return
        if self._queue.qsize() >= self.limit:
            while not self._queue.empty():
                self._queue.get_nowait()
            log.warning("send queue overflow", board_id=self.board_id)
            self.close(1012, {"type": "reconnect", "after_ms": random.randint(0, 1000)})  # noqa: S311
            return
        self._queue.put_nowait(item)

    def deliver_frame(self, frame: Frame) -> None:
        """Queue a board frame; until the join completes only its operations are
        kept, to be sent once the client has the board."""
        if self._held is None:
            self.put(frame)
            return
        self._held += [part for part in frame.parts if isinstance(part, SharedOps)]

    def release(self, last_seq: int) -> None:
        """The client now has everything up to ``last_seq``: send what was held."""
        self.last_seq = last_seq
        held, self._held = self._held or [], None
        for shared in held:
            self.put(OpsDelivery(shared.ops, shared=shared))

    def close(self, code: int, message: dict[str, Any] | None = None) -> None:
        """Send ``message`` if given, then close with ``code``."""
        if message is not None:
            self.put(message)
        self.put(Close(code))
        self.closing = True

    async def run(self) -> None:
        """Send queued messages until a Close or the client goes away."""
        try:
            while True:
                items = [await self._queue.get()]
                while not self._queue.empty():
                    items.append(self._queue.get_nowait())
                # The common case: one frame, sent as the text every client shares.
                frame = items[0] if len(items) == 1 else None
                if isinstance(frame, Frame) and self.batch and self._takes(frame):
                    await self.websocket.send_text(frame.text)
                    continue
                texts: list[str] = []
                for item in items:
                    if isinstance(item, Close):
                        await self._send_texts(texts)
                        await self.websocket.close(item.code)
                        return
                    if isinstance(item, Frame):
                        texts += await self._frame_texts(item)
                    elif isinstance(item, OpsDelivery):
                        texts += await self._ops_texts(item)
                    elif isinstance(item, Encoded):
                        texts += item.texts
                    else:
                        texts.append(json.dumps(item, default=str))
                await self._send_texts(texts)
        except (WebSocketDisconnect, RuntimeError, OSError):
            return
        except asyncpg.PostgresError as error:
            log.error("catching up failed", board_id=self.board_id, error=str(error))
            after_ms = random.randint(500, 3000)  # noqa: S311
            await self._send({"type": "reconnect", "after_ms": after_ms})
            await self.websocket.close(1012)

    def _takes(self, frame: Frame) -> bool:
        """Whether ``frame`` goes out whole; if so the client now has its operations."""
        if not frame.follows(self.last_seq):
            return False
        if frame.last_seq is not None:
            self.last_seq = frame.last_seq
        return True

    async def _frame_texts(self, frame: Frame) -> list[str]:
        """A frame's messages for this client, operations gapless."""
        if self.batch and self._takes(frame):
            return frame.texts
        texts: list[str] = []
        for part in frame.parts:
            if isinstance(part, SharedOps):
                texts += await self._ops_texts(OpsDelivery(part.ops, shared=part))
            elif self.batch or part.author != self.client_id:
                texts.append(part.text)
        return texts

    async def _send(self, message: dict[str, Any]) -> None:
        await self.websocket.send_text(json.dumps(message, default=str))

    async def _send_texts(self, texts: list[str]) -> None:
        if self.batch and len(texts) > 1:
            await self.websocket.send_text(batch_text(texts))
            return
        for text in texts:
            await self.websocket.send_text(text)

    async def _ops_texts(self, delivery: OpsDelivery) -> list[str]:
        """The ``ops`` message to send for a delivery, if the client lacks any."""
        ops = [op for op in delivery.ops if op["seq"] > self.last_seq]
        whole = len(ops) == len(delivery.ops)
        if delivery.catch_up or (ops and ops[0]["seq"] > self.last_seq + 1):
            whole = False
            upto = ops[0]["seq"] - 1 if ops else await self._board_seq()
            if upto is None:
                self.close(4404, {"type": "deleted"})
                return []
            missing = await store.read_ops(
                self.db.writer, self.board_id, self.last_seq, upto
            )
            ops = missing + ops
        if not ops:
            return []
        self.last_seq = ops[-1]["seq"]
        if delivery.shared is not None and whole:
            return [delivery.shared.text]
        return [json.dumps({"type": "ops", "ops": ops}, default=str)]

    async def _board_seq(self) -> int | None:
        return await store.current_seq(self.db.writer, self.board_id)
