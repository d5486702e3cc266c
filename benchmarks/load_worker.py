"""One load process: an asyncio loop carrying many WebSocket clients of one board.

Every client joins and then counts what it receives; drawing clients also send
live stroke points at a fixed rate and, at the end of each stroke, the stroke as
an ``add`` operation, the way the frontend does. Phases are driven by the parent
(``benchmarks.load``) through a queue and two events.
"""

import asyncio
import random
import time
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, WebSocketException

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
    # Offer permessage-deflate, as browsers do (the server then compresses every
    # frame for every client).
    compression: bool = False
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
    live, stored, counters = DeliveryBook(), DeliveryBook(), Counters()
    gate = asyncio.Semaphore(plan.connect_concurrency)
    joined = await asyncio.gather(
        *(_join(spec, plan, token, gate, counters) for spec in specs)
    )
    clients = [(spec, conn) for spec, conn in zip(specs, joined, strict=True) if conn]
    queue.put(("connected", counters.connected, counters.connect_failures))

    await asyncio.get_running_loop().run_in_executor(None, go.wait)
    begin = float(start_at.value)
    stop = begin + plan.duration_seconds
    receivers = [
        asyncio.create_task(_receive(spec, pair, live, stored, counters))
        for spec, pair in clients
    ]
    senders = [
        _draw(spec, pair, plan, live, stored, counters, begin, stop)
        for spec, pair in clients
        if spec.drawing
    ]
    await asyncio.gather(*senders)
    await asyncio.sleep(max(0.0, stop + plan.drain_seconds - time.monotonic()))

    for task in receivers:
        task.cancel()
    await asyncio.gather(*receivers, return_exceptions=True)
    lateness = Summary.of_seconds(counters.send_lateness_seconds)
    queue.put(
        (
            "done",
            live.export(),
            stored.export(),
            counters.dropped,
            counters.refusals,
            lateness.__dict__ if lateness else None,
        )
    )
    await asyncio.gather(
        *(conn.close() for _, (conn, _) in clients), return_exceptions=True
    )


async def _join(
    spec: ClientSpec,
    plan: LoadPlan,
    token: str,
    gate: asyncio.Semaphore,
    counters: Counters,
) -> tuple[ClientConnection, str] | None:
    """Connect and join; the connection and this client's id, once it has the board."""
    async with gate:
        try:
            conn = await connect(
                spec.ws_url,
                compression="deflate" if plan.compression else None,
                max_size=2**24,
                open_timeout=CONNECT_TIMEOUT_SECONDS,
                close_timeout=CLOSE_TIMEOUT_SECONDS,
            )
            user = {"name": f"bench {spec.index}", "color": "#1e1e1e"}
            join: dict[str, Any] = {"type": "join", "token": token, "user": user}
            if plan.batch:  # only then: older servers refuse the field
                join["batch"] = True
            await conn.send(orjson.dumps(join).decode())
            client_id, kinds = "", []
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                while "snapshot" not in kinds:
                    for message in unpacked(orjson.loads(await conn.recv())):
                        kinds.append(message["type"])
                        if message["type"] == "welcome":
                            client_id = message["client_id"]
                        elif message["type"] in ("error", "reconnect"):
                            raise RuntimeError(f"refused at join: {message}")
        except (OSError, TimeoutError, RuntimeError, WebSocketException) as error:
            counters.connect_failures.append(f"client {spec.index}: {error!r}")
            return None
    counters.connected += 1
    return conn, client_id


def unpacked(frame: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages of one frame: a ``batch`` holds several, in order."""
    messages: list[dict[str, Any]] = (
        frame["messages"] if frame["type"] == "batch" else [frame]
    )
    return messages


async def _receive(
    spec: ClientSpec,
    conn_and_id: tuple[ClientConnection, str],
    live: DeliveryBook,
    stored: DeliveryBook,
    counters: Counters,
) -> None:
    """Note the arrival time of every operation from another client."""
    conn, me = conn_and_id
    try:
        while True:
            # Bytes, not text: orjson reads UTF-8 itself, a decoding step saved.
            frame = await conn.recv(decode=False)
            now = time.monotonic()
            _note(orjson.loads(frame), me, now, live, stored, counters)
    except ConnectionClosed as closed:
        counters.dropped.append(f"client {spec.index}: {closed!r}")


def _note(
    message: dict[str, Any],
    me: str,
    now: float,
    live: DeliveryBook,
    stored: DeliveryBook,
    counters: Counters,
) -> None:
    kind = message["type"]
    if kind == "stroke":
        if message["client_id"] == me:
            return  # a client's own live points come back in shared frames
        live.record_received(f"{message['stroke_id']}@{message['points'][0][0]}", now)
    elif kind == "ops":
        for op in message["ops"]:
            if op["client_id"] != me:
                stored.record_received(op["op_id"], now)
    elif kind == "batch":
        for inner in message["messages"]:
            _note(inner, me, now, live, stored, counters)
    elif kind in ("error", "reconnect"):
        code = message.get("code", kind)
        counters.refusals[code] = counters.refusals.get(code, 0) + 1


async def _draw(
    spec: ClientSpec,
    conn_and_id: tuple[ClientConnection, str],
    plan: LoadPlan,
    live: DeliveryBook,
    stored: DeliveryBook,
    counters: Counters,
    begin: float,
    stop: float,
) -> None:
    """Send live points at the plan's rate; finish each stroke with an ``add``."""
    conn, _ = conn_and_id
    interval = 1 / plan.messages_per_second
    due = begin + random.uniform(0, interval)  # noqa: S311 (spreads the clients)
    stroke, sent_in_stroke = 0, 0
    points: list[list[float]] = []
    try:
        while due < stop:
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
            message = {"type": "stroke", "stroke_id": stroke_id, "points": fresh}
            live.record_sent(f"{stroke_id}@{first_x}", time.monotonic())
            await conn.send(orjson.dumps(message).decode())
            points += fresh
            sent_in_stroke += 1

            if sent_in_stroke == plan.messages_per_stroke:
                element: dict[str, Any] = {"id": stroke_id, "type": "stroke"}
                element |= {"points": points, "z": float(spec.index * 100_000 + stroke)}
                op_id = f"{stroke_id}a"
                add = {"op_id": op_id, "kind": "add", "element": element}
                stored.record_sent(op_id, time.monotonic())
                await conn.send(orjson.dumps({"type": "ops", "ops": [add]}).decode())
                stroke, sent_in_stroke, points = stroke + 1, 0, []
            due += interval
    except ConnectionClosed:
        return  # counted by the receiving side
