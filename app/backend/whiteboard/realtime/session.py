"""One client on one board: join first, then operations, live strokes and cursors.

Every refused message is answered with an ``error`` to this client only; the
connection stays open unless the refusal says otherwise.
"""

import asyncio
import random
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from fastapi import WebSocket, WebSocketDisconnect

from whiteboard import store
from whiteboard.links import Grant, new_client_id
from whiteboard.metrics import CONNECTIONS, OPERATIONS, REFUSED_MESSAGES
from whiteboard.ratelimit import TokenBucket
from whiteboard.realtime.frames import Frame
from whiteboard.realtime.messages import (
    AddOp,
    Cursor,
    DeleteOp,
    Join,
    Ops,
    Ping,
    Stroke,
    UpdateOp,
    User,
)
from whiteboard.realtime.outbox import Encoded, OpsDelivery, Outbox
from whiteboard.realtime.parsing import Refused, parse_message, parse_ops
from whiteboard.services import Services

log = structlog.get_logger(__name__)

JOIN_TIMEOUT_SECONDS = 10.0
# A client's operation batches being written at once; its further messages wait.
BATCHES_IN_FLIGHT = 4


@dataclass
class _Answer:
    """An ops message waiting for its write, and what to answer it with."""

    written: "asyncio.Future[store.BatchOutcome]"
    valid: list[AddOp | UpdateOp | DeleteOp]
    results: list[dict[str, Any] | None]


class Session:
    """The server side of one WebSocket connection."""

    def __init__(self, websocket: WebSocket, services: Services, board_id: str):
        self.services = services
        self.settings = services.settings
        self.board_id = board_id
        self.client_id = new_client_id()
        self.generation = 0
        self.grant: Grant | None = None
        self.user = User()
        self.outbox = Outbox(
            websocket,
            services.db,
            board_id,
            self.client_id,
            self.settings.send_queue_messages,
        )
        self._websocket = websocket
        rate, burst = self.settings.messages_per_second, self.settings.message_burst
        self._bucket = TokenBucket(rate, burst)
        self._cursor_bucket = TokenBucket(rate, burst)
        # Operations cost work by the number, whatever the number of messages.
        self._ops_bucket = TokenBucket(
            self.settings.ops_per_second, self.settings.ops_burst
        )
        self._last_rate_error = 0.0
        # Every ops message not yet answered, in the order it came: answers go out
        # in that order, whichever write ends first.
        self._unanswered: deque[_Answer] = deque()

    # What the hub calls.
    def deliver_frame(self, frame: Frame) -> None:
        """Pass on the board's live messages and applied operations."""
        self.outbox.deliver_frame(frame)

    def send(self, message: dict[str, Any]) -> None:
        """Pass on a board message once the client has joined."""
        if self.grant is not None:
            self.outbox.put(message)

    def close(self, code: int, message: dict[str, Any] | None = None) -> None:
        """Send ``message``, then close."""
        self.outbox.close(code, message)

    def resync(self) -> None:
        """Catch up from the operation log (after missed notifications)."""
        self.outbox.put(OpsDelivery(catch_up=True))

    async def run(self) -> None:
        """Serve the connection until either side closes it."""
        sender = asyncio.create_task(self.outbox.run())
        opened = time.monotonic()
        CONNECTIONS.inc()
        log.info("connection opened", board_id=self.board_id, client_id=self.client_id)
        close_code = None
        try:
            await self._receive_loop()
        except WebSocketDisconnect as disconnect:
            close_code = disconnect.code
        finally:
            self.services.hub.unsubscribe(self)
            if self.grant is not None:
                left = {"type": "left", "client_id": self.client_id}
                self.services.relay.publish(self.board_id, left)
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
            CONNECTIONS.dec()
            log.info(
                "connection closed",
                board_id=self.board_id,
                client_id=self.client_id,
                role=self.grant.role if self.grant else None,
                close_code=close_code,
                duration_seconds=round(time.monotonic() - opened, 3),
            )

    async def _receive_loop(self) -> None:
        """Handle the client's messages one by one until it disconnects."""
        while True:
            waiting = self.grant is None and not self.outbox.closing
            timeout = JOIN_TIMEOUT_SECONDS if waiting else None
            try:
                frame = await asyncio.wait_for(self._websocket.receive(), timeout)
            except TimeoutError:
                self._refuse(Refused("not_joined", "join within 10 seconds"), 1008)
                continue
            if frame["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(frame.get("code", 1000))
            if self.outbox.closing:
                continue
            try:
                await self._handle(frame.get("text"))
            except Refused as refusal:
                self._refuse(refusal)
            except (OSError, asyncpg.PostgresError) as error:
                log.error("database error", board_id=self.board_id, error=str(error))
                after_ms = random.randint(500, 3000)  # noqa: S311
                self.outbox.close(1012, {"type": "reconnect", "after_ms": after_ms})

    def _refuse(self, refusal: Refused, close_code: int | None = None) -> None:
        REFUSED_MESSAGES.labels(refusal.code).inc()
        if refusal.code == "rate_limited":
            # One error a second is enough; more would feed the flood.
            if time.monotonic() - self._last_rate_error < 1:
                return
            self._last_rate_error = time.monotonic()
        log.info("message refused", board_id=self.board_id, code=refusal.code)
        error = {"type": "error", "code": refusal.code, "message": refusal.message}
        if close_code is None:
            self.outbox.put(error)
        else:
            self.outbox.close(close_code, error)

    async def _handle(self, text: str | None) -> None:
        message = parse_message(text, self.settings.max_message_bytes)
        # Cursors have a bucket of their own, so moving the mouse while drawing
        # does not eat into the budget of strokes and operations.
        bucket = self._cursor_bucket if isinstance(message, Cursor) else self._bucket
        if not bucket.take():
            raise Refused("rate_limited", "too many messages; slow down")

        if isinstance(message, Join):
            await self._join(message)
        elif self.grant is None:
            raise Refused("not_joined", "send join first")
        elif isinstance(message, Ops):
            await self._ops(message, self.grant)
        elif isinstance(message, Stroke):
            self._stroke(message, self.grant)
        elif isinstance(message, Cursor):
            self._cursor(message)
        elif isinstance(message, Ping):
            self.outbox.put({"type": "pong"})

    async def _join(self, message: Join) -> None:
        if self.grant is not None:
            raise Refused("bad_message", "already joined")
        if self.services.hub.draining:
            after_ms = random.randint(0, 2000)  # noqa: S311
            self.outbox.close(1012, {"type": "reconnect", "after_ms": after_ms})
            return
        grant = self.services.signer.verify(message.token)
        if grant is None or grant.board_id != self.board_id:
            self._refuse(Refused("bad_token", "this link is not valid"), 1008)
            return

        self.services.hub.subscribe(self)
        state = await store.read_for_join(
            self.services.db.writer,
            self.board_id,
            message.last_seq,
            self.settings.replay_limit,
        )
        if state is None:
            self._refuse(Refused("board_deleted", "this board does not exist"), 4404)
            return
        board, elements, replay = state
        if board["link_generation"] != grant.generation:
            self._refuse(Refused("bad_token", "this link was revoked"), 1008)
            return

        self.grant, self.generation, self.user = grant, grant.generation, message.user
        self.outbox.batch = message.batch
        welcome = {"type": "welcome", "client_id": self.client_id, "role": grant.role}
        self.outbox.put({**welcome, "board": store.board_public(board)})
        if replay is None:
            # The elements come as JSON text from the database: spliced, not parsed.
            snapshot = f'{{"type":"snapshot","seq":{board["seq"]:d},"elements":'
            self.outbox.put(Encoded([f"{snapshot}{elements}}}"]))
            self.outbox.release(board["seq"])
        else:
            self.outbox.release(message.last_seq or 0)
            self.outbox.put(OpsDelivery(replay))

    async def _ops(self, message: Ops, grant: Grant) -> None:
        if not grant.can_edit:
            raise Refused("read_only", "this link can only view the board")
        if len(message.ops) > self.settings.max_batch_ops:
            limit = self.settings.max_batch_ops
            raise Refused("too_large", f"a batch holds at most {limit} operations")

        if not self._ops_bucket.take(len(message.ops)):
            rate = self.settings.ops_per_second
            raise Refused("rate_limited", f"at most {rate:g} operations a second")

        valid, results = parse_ops(message.ops)
        if not valid:
            nothing: asyncio.Future[store.BatchOutcome]
            nothing = asyncio.get_running_loop().create_future()
            nothing.set_result(store.BatchOutcome(results=[], applied=[]))
            self._unanswered.append(_Answer(nothing, valid, results))
            self._answer_in_order()
            return
        # The receiving goes on while the batch is written; the ack follows.
        written = self.services.writers.submit(self.board_id, self.client_id, valid)
        self._unanswered.append(_Answer(written, valid, results))
        written.add_done_callback(lambda _: self._answer_in_order())
        writing = [a.written for a in self._unanswered if not a.written.done()]
        if len(writing) >= BATCHES_IN_FLIGHT:
            await asyncio.wait(writing, return_when=asyncio.FIRST_COMPLETED)

    def _answer_in_order(self) -> None:
        """Answer the ops messages whose writes ended, up to the first still going."""
        while self._unanswered and self._unanswered[0].written.done():
            self._acknowledge(self._unanswered.popleft())

    def _acknowledge(self, answer: _Answer) -> None:
        """Answer a written batch: an ack, or the error that stopped it."""
        written, valid, results = answer.written, answer.valid, answer.results
        if written.cancelled():
            # Cut short at shutdown: whether it landed is unknown, so the client
            # re-sends it elsewhere (a duplicate if it did).
            after_ms = random.randint(500, 3000)  # noqa: S311
            self.outbox.close(1012, {"type": "reconnect", "after_ms": after_ms})
            return
        error = written.exception()
        if isinstance(error, store.BoardGone):
            self._refuse(Refused("board_deleted", "this board was deleted"), 4404)
        elif isinstance(error, asyncpg.DataError):
            # Validation should have caught it; say so per operation rather than
            # dropping the connection, which a resending client would repeat.
            log.error("batch not stored", board_id=self.board_id, error=str(error))
            refused = {"status": "rejected", "code": "bad_message"}
            refused["message"] = "the database refused a value in this batch"
            ids = iter(op.op_id for op in valid)
            answers = [r or {"op_id": next(ids), **refused} for r in results]
            self.outbox.put({"type": "ack", "results": answers})
        elif error is not None:
            log.error("database error", board_id=self.board_id, error=str(error))
            after_ms = random.randint(500, 3000)  # noqa: S311
            self.outbox.close(1012, {"type": "reconnect", "after_ms": after_ms})
        else:
            applied = iter(written.result().results)
            merged = [result or next(applied) for result in results]
            for result in merged:
                OPERATIONS.labels(result["status"]).inc()
            self.outbox.put({"type": "ack", "results": merged})

    def _stroke(self, message: Stroke, grant: Grant) -> None:
        if not grant.can_edit:
            raise Refused("read_only", "this link can only view the board")
        if len(message.points) > self.settings.max_live_points:
            limit = self.settings.max_live_points
            raise Refused("too_large", f"send at most {limit} live points at once")
        live = {"type": "stroke", "client_id": self.client_id}
        live |= message.model_dump(
            mode="json", include={"stroke_id", "points", "style"}
        )
        if not self.services.relay.publish(self.board_id, live):
            raise Refused("too_large", "these live points do not fit one message")

    def _cursor(self, message: Cursor) -> None:
        presence = {"type": "presence", "client_id": self.client_id}
        presence |= self.user.model_dump() | {"x": message.x, "y": message.y}
        self.services.relay.publish_cursor(self.board_id, presence)
