"""One load process: an asyncio loop carrying many WebSocket clients of one board.

Every client joins and then books what it receives; drawing clients also send live
stroke points at a fixed rate and, at the end of each stroke, the stroke as an
``add`` operation, the way the frontend does. Phases are driven by the parent
(``benchmarks.load``) through a queue and two events.

Clients are picows listeners: each received frame is a callback, with no task per
client. The clients of one instance receive the same frame text, so a process parses
each distinct frame once and books it for every client that has it.
"""

import asyncio
import random
import time
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

import orjson
from picows import (
    WSCloseCode,
    WSError,
    WSFrame,
    WSListener,
    WSMsgType,
    WSTransport,
    ws_connect,
)

from benchmarks.stats import DeliveryBook, Summary

CONNECT_TIMEOUT_SECONDS = 30.0
CLOSE_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class LoadPlan:
    """The workload; every field is one knob of the run."""

    clients: int = 500
    drawing_fraction: float = 0.1
    messages_per_second: float = 20.0
    points_per_message: int = 5
    messages_per_stroke: int = 20
    duration_seconds: float = 30.0
    drain_seconds: float = 3.0
    processes: int = 2
    connect_concurrency: int = 25
    # Join with ``batch``: several server messages per frame.
    batch: bool = True
    # The servers' BATCH_FRAME_MS; None leaves their default.
    frame_ms: int | None = 16


@dataclass(frozen=True)
class ClientSpec:
    """One client: its number, the instance it connects to, whether it draws."""

    index: int
    ws_url: str
    drawing: bool


@dataclass
class Counters:
    """What went wrong or late in this process."""

    connected: int = 0
    connect_failures: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)
    send_lateness_seconds: list[float] = field(default_factory=list)


# Frames parsed per process: the same text reaches every client of an instance.
PARSED_FRAMES_KEPT = 512


@dataclass(frozen=True)
class Arrivals:
    """What a frame holds for the books: keys with their authors, refusal codes."""

    live: list[tuple[str, str | None]] = field(default_factory=list)
    stored: list[tuple[str, str | None]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def arrivals(message: dict[str, Any], into: Arrivals | None = None) -> Arrivals:
    """The operations and refusals in one received message, ``batch`` unpacked."""
    found = into if into is not None else Arrivals()
    kind = message["type"]
    if kind == "stroke":
        key = f"{message['stroke_id']}@{message['points'][0][0]}"
        found.live.append((key, message.get("client_id")))
    elif kind == "ops":
        found.stored.extend((op["op_id"], op["client_id"]) for op in message["ops"])
    elif kind == "batch":
        for inner in message["messages"]:
            arrivals(inner, found)
    elif kind in ("error", "reconnect"):
        found.refusals.append(message.get("code", kind))
    return found


def book(
    found: Arrivals,
    me: str,
    now: float,
    live: DeliveryBook,
    stored: DeliveryBook,
    counters: Counters,
) -> None:
    """Book one client's receipt of ``found`` at ``now``; its own messages aside."""
    for key, author in found.live:
        if author != me:
            live.record_received(key, now)
    for key, author in found.stored:
        if author != me:
            stored.record_received(key, now)
    for code in found.refusals:
        counters.refusals[code] = counters.refusals.get(code, 0) + 1


class Parser:
    """Parses each distinct frame text once."""

    def __init__(self) -> None:
        self._parsed: dict[bytes, Arrivals] = {}

    def __call__(self, payload: bytes) -> Arrivals:
        found = self._parsed.get(payload)
        if found is None:
            if len(self._parsed) >= PARSED_FRAMES_KEPT:
                self._parsed.clear()
            found = self._parsed[payload] = arrivals(orjson.loads(payload))
        return found


@dataclass
class Books:
    """Where every client of a process books what it receives."""

    live: DeliveryBook = field(default_factory=DeliveryBook)
    stored: DeliveryBook = field(default_factory=DeliveryBook)
    counters: Counters = field(default_factory=Counters)
    parse: Parser = field(default_factory=Parser)


class LoadClient(WSListener):
    """One client: joins when connected, then books every frame it receives."""

    def __init__(self, spec: ClientSpec, join: bytes, books: Books) -> None:
        self.spec = spec
        self.books = books
        self.client_id = ""
        self.closing = False
        self.transport: WSTransport | None = None
        self.joined: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._join = join
        self._kinds: list[str] = []

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.transport = transport
        transport.send(WSMsgType.TEXT, self._join)

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        if frame.msg_type == WSMsgType.TEXT:
            now = time.monotonic()
            payload = frame.get_payload_as_bytes()
            if not self.joined.done():
                self._joining(orjson.loads(payload))
                return
            books = self.books
            found = books.parse(payload)
            book(found, self.client_id, now, books.live, books.stored, books.counters)
        elif frame.msg_type == WSMsgType.CLOSE:
            if not self.closing:
                code = frame.get_close_code()
                self._lost(f"closed by the server with {code}")
            transport.send_close(frame.get_close_code())
            transport.disconnect()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        if not self.closing:
            self._lost("disconnected")

    def send(self, message: dict[str, Any]) -> None:
        """Send one message, unless the connection is gone."""
        if self.transport is not None and not self.transport.is_disconnected:
            self.transport.send(WSMsgType.TEXT, orjson.dumps(message))

    def close(self) -> None:
        """Close the connection from this side."""
        self.closing = True
        if self.transport is not None and not self.transport.is_disconnected:
            self.transport.send_close(WSCloseCode.OK)
            self.transport.disconnect()

    def _joining(self, frame: dict[str, Any]) -> None:
        messages = frame["messages"] if frame["type"] == "batch" else [frame]
        for message in messages:
            self._kinds.append(message["type"])
            if message["type"] == "welcome":
                self.client_id = message["client_id"]
            elif message["type"] in ("error", "reconnect"):
                self.joined.set_exception(RuntimeError(f"refused at join: {message}"))
                return
        if "snapshot" in self._kinds:
            self.joined.set_result(None)

    def _lost(self, reason: str) -> None:
        self.closing = True
        if self.joined.done():
            self.books.counters.dropped.append(f"client {self.spec.index}: {reason}")
        else:
            self.joined.set_exception(RuntimeError(reason))


def run_worker(
    plan: LoadPlan,
    specs: list[ClientSpec],
    token: str,
    queue: "Queue[Any]",
    go: Event,
    start_at: Any,
) -> None:
    """Process entry point: connect, wait for ``go``, load, report, close."""
    try:
        import uvloop

        uvloop.run(_work(plan, specs, token, queue, go, start_at))
    except ImportError:
        asyncio.run(_work(plan, specs, token, queue, go, start_at))


async def _work(
    plan: LoadPlan,
    specs: list[ClientSpec],
    token: str,
    queue: "Queue[Any]",
    go: Event,
    start_at: Any,
) -> None:
    books = Books()
    gate = asyncio.Semaphore(plan.connect_concurrency)
    joined = await asyncio.gather(
        *(_join(spec, plan, token, gate, books) for spec in specs)
    )
    clients = [client for client in joined if client is not None]
    queue.put(("connected", books.counters.connected, books.counters.connect_failures))

    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    begin = float(start_at.value)
    stop = begin + plan.duration_seconds
    await asyncio.gather(
        *(
            _draw(client, plan, books, begin, stop)
            for client in clients
            if client.spec.drawing
        )
    )
    await asyncio.sleep(max(0.0, stop + plan.drain_seconds - time.monotonic()))

    for client in clients:
        client.closing = True
    lateness = Summary.of_seconds(books.counters.send_lateness_seconds)
    queue.put(
        (
            "done",
            books.live.export(),
            books.stored.export(),
            books.counters.dropped,
            books.counters.refusals,
            lateness.__dict__ if lateness else None,
        )
    )
    for client in clients:
        client.close()
    await asyncio.sleep(CLOSE_TIMEOUT_SECONDS / 4)


async def _join(
    spec: ClientSpec,
    plan: LoadPlan,
    token: str,
    gate: asyncio.Semaphore,
    books: Books,
) -> LoadClient | None:
    """Connect and join; the client, once it has the board."""
    user = {"name": f"bench {spec.index}", "color": "#1e1e1e"}
    join: dict[str, Any] = {"type": "join", "token": token, "user": user}
    if plan.batch:  # only then: older servers refuse the field
        join["batch"] = True
    message = orjson.dumps(join)
    async with gate:
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                _, client = await ws_connect(
                    lambda: LoadClient(spec, message, books),
                    spec.ws_url,
                    max_frame_size=2**26,
                    websocket_handshake_timeout=CONNECT_TIMEOUT_SECONDS,
                )
                await client.joined
        except (OSError, TimeoutError, RuntimeError, WSError) as error:
            books.counters.connect_failures.append(f"client {spec.index}: {error!r}")
            return None
    books.counters.connected += 1
    assert isinstance(client, LoadClient)
    return client


async def _draw(
    client: LoadClient,
    plan: LoadPlan,
    books: Books,
    begin: float,
    stop: float,
) -> None:
    """Send live points at the plan's rate; finish each stroke with an ``add``."""
    spec, counters = client.spec, books.counters
    interval = 1 / plan.messages_per_second
    due = begin + random.uniform(0, interval)  # noqa: S311 (spreads the clients)
    stroke, sent_in_stroke = 0, 0
    points: list[list[float]] = []
    while due < stop and not client.closing:
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        counters.send_lateness_seconds.append(max(0.0, -wait))

        stroke_id = f"c{spec.index}s{stroke}"
        first_x = float(sent_in_stroke * plan.points_per_message)
        fresh = [
            [first_x + step, float(spec.index), 0.5]
            for step in range(plan.points_per_message)
        ]
        books.live.record_sent(f"{stroke_id}@{first_x}", time.monotonic())
        client.send({"type": "stroke", "stroke_id": stroke_id, "points": fresh})
        points += fresh
        sent_in_stroke += 1

        if sent_in_stroke == plan.messages_per_stroke:
            element: dict[str, Any] = {"id": stroke_id, "type": "stroke"}
            element |= {"points": points, "z": float(spec.index * 100_000 + stroke)}
            op_id = f"{stroke_id}a"
            add = {"op_id": op_id, "kind": "add", "element": element}
            books.stored.record_sent(op_id, time.monotonic())
            client.send({"type": "ops", "ops": [add]})
            stroke, sent_in_stroke, points = stroke + 1, 0, []
        due += interval
