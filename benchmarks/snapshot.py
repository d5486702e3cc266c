"""Time to open a board: connect, join, and have the whole snapshot parsed.

Boards are filled through the WebSocket ``ops`` path in full batches, with a mix
of strokes, rectangles and sticky notes, then opened several times each by a new
client through the real join path.
"""

import asyncio
import gc
import json
import statistics
import time
from dataclasses import dataclass
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

from benchmarks.servers import Stack

BOARD_SIZES = (1_000, 10_000, 20_000)
OPENS_PER_BOARD = 5
BATCH_OPS = 100
STROKE_POINTS = 30
# The fill runs through several connections, each paced under the default
# per-connection operation rate (OPS_PER_SECOND, 200), so it is never refused.
FILL_CLIENTS = 8
FILL_OPS_PER_SECOND_PER_CLIENT = 180


def element(number: int) -> dict[str, Any]:
    """The ``number``-th element of a test board: half strokes, then boxes, notes."""
    x, y = float(number % 200 * 40), float(number // 200 * 40)
    base = {"id": f"e{number}", "z": float(number)}
    if number % 4 in (0, 1):
        points = [[x + step, y + step % 7, 0.5] for step in range(STROKE_POINTS)]
        return base | {"type": "stroke", "points": points}
    if number % 4 == 2:
        return base | {"type": "rect", "x": x, "y": y, "w": 30.0, "h": 20.0}
    text = f"note {number}: remember to check the figures"
    return (
        base | {"type": "sticky", "x": x, "y": y, "w": 80.0, "h": 80.0} | {"text": text}
    )


async def fill(url: str, token: str, count: int) -> None:
    """Add ``count`` elements through ``FILL_CLIENTS`` clients, waiting for acks."""
    starts = list(range(0, count, BATCH_OPS))
    await asyncio.gather(
        *(
            _fill_batches(url, token, count, starts[client::FILL_CLIENTS])
            for client in range(FILL_CLIENTS)
        )
    )


async def _fill_batches(url: str, token: str, count: int, starts: list[int]) -> None:
    seconds_per_batch = BATCH_OPS / FILL_OPS_PER_SECOND_PER_CLIENT
    async with connect(url, compression=None, max_size=2**26) as conn:
        await _join(conn, token)
        for start in starts:
            began = time.monotonic()
            ops = [
                {"op_id": f"o{n}", "kind": "add", "element": element(n)}
                for n in range(start, min(count, start + BATCH_OPS))
            ]
            await conn.send(json.dumps({"type": "ops", "ops": ops}))
            while True:
                message = json.loads(await conn.recv())
                if message["type"] == "ack":
                    break
                if message["type"] == "error":
                    raise RuntimeError(f"fill refused: {message}")
            refused = [r for r in message["results"] if r["status"] != "applied"]
            if refused:
                raise RuntimeError(f"fill refused: {refused[0]}")
            spare = seconds_per_batch - (time.monotonic() - began)
            await asyncio.sleep(max(0.0, spare))


async def _join(conn: ClientConnection, token: str) -> dict[str, Any]:
    join = {"type": "join", "token": token, "last_seq": None}
    await conn.send(json.dumps(join))
    while True:
        message: dict[str, Any] = json.loads(await conn.recv())
        if message["type"] == "snapshot":
            return message
        if message["type"] in ("error", "reconnect"):
            raise RuntimeError(f"join refused: {message}")


@dataclass
class Opened:
    """One opening of a board: its times (seconds from connecting) and size."""

    received: float
    parsed: float
    elements: int
    snapshot_bytes: int


def parse_snapshot(text: str | bytes) -> Any:
    """Decode a whole snapshot as a client would, with orjson.

    The cyclic garbage collector is paused meanwhile: a 20,000-element snapshot
    becomes millions of Python objects, none of them garbage, and collecting
    while they appear would more than double the time this Python client takes.
    """
    gc.disable()
    try:
        return orjson.loads(text)
    finally:
        gc.enable()


async def open_board(url: str, token: str) -> Opened:
    """Connect, join, and have the snapshot received and parsed."""
    started = time.monotonic()
    async with connect(url, compression=None, max_size=2**26) as conn:
        join = {"type": "join", "token": token, "last_seq": None}
        await conn.send(json.dumps(join))
        while True:
            text = await conn.recv()
            received = time.monotonic() - started
            message = parse_snapshot(text)
            if message["type"] == "snapshot":
                return Opened(
                    received=received,
                    parsed=time.monotonic() - started,
                    elements=len(message["elements"]),
                    snapshot_bytes=len(text),
                )


def _median_ms(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1000, 1)


async def _measure(stack: Stack, sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    results = []
    instance = stack.instances[0]
    for size in sizes:
        board_id, token = stack.create_board(f"snapshot {size}")
        url = instance.ws_url(board_id)
        fill_started = time.monotonic()
        await fill(url, token, size)
        fill_seconds = time.monotonic() - fill_started
        opens = [await open_board(url, token) for _ in range(OPENS_PER_BOARD)]
        if any(opened.elements != size for opened in opens):
            raise RuntimeError(f"a snapshot of board {size} was incomplete")
        times_ms = [round(opened.parsed * 1000, 1) for opened in opens]
        results.append(
            {
                "elements": size,
                "snapshot_bytes": opens[0].snapshot_bytes,
                "open_ms_median": round(statistics.median(times_ms), 1),
                "open_ms_max": max(times_ms),
                "open_ms_each": times_ms,
                "received_ms_median": _median_ms([o.received for o in opens]),
                "parse_ms_median": _median_ms([o.parsed - o.received for o in opens]),
                "fill_seconds": round(fill_seconds, 1),
            }
        )
    return results


def measure(stack: Stack, sizes: tuple[int, ...] = BOARD_SIZES) -> list[dict[str, Any]]:
    """Open boards of each size; one result per size."""
    return asyncio.run(_measure(stack, sizes))
