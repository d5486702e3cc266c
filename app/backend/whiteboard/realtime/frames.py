"""A board's shared traffic on one instance, gathered per display frame.

Live messages (strokes, cursors, departures) and applied operations reach every
instance through notifications. Each board gathers them until the next frame tick
(every ``BATCH_FRAME_MS``, at the same moment of the clock for every board) and then
hands one ``Frame`` to each of its connections on this instance. The frame is encoded
once: a connection that joined with ``batch`` and already holds every earlier
operation is sent that one text as it is.
"""

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson


class SharedOps:
    """Applied operations handed to every connection of a board, encoded once."""

    def __init__(self, ops: list[dict[str, Any]]) -> None:
        self.ops = ops
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The ``ops`` message holding all of them."""
        if self._text is None:
            self._text = orjson.dumps({"type": "ops", "ops": self.ops}).decode()
        return self._text


@dataclass(frozen=True)
class LiveText:
    """A live message as JSON text, and the client it came from."""

    author: str | None
    text: str


Part = LiveText | SharedOps


class Frame:
    """One frame's messages for one board, in the order they arrived."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts
        ops = [op for part in parts if isinstance(part, SharedOps) for op in part.ops]
        seqs = [op["seq"] for op in ops]
        self.first_seq: int | None = seqs[0] if seqs else None
        self.last_seq: int | None = seqs[-1] if seqs else None
        # Operations arrive in seq order; a frame whose own are not one unbroken
        # run is never sent as it is.
        self.gapless = not seqs or seqs == list(range(seqs[0], seqs[-1] + 1))

    def follows(self, last_seq: int) -> bool:
        """Whether a client holding operations up to ``last_seq`` can take this
        frame as it is: nothing in it already held, nothing before it missing."""
        if self.first_seq is None:
            return True
        return self.gapless and self.first_seq == last_seq + 1

    @cached_property
    def texts(self) -> list[str]:
        """Every message of the frame as JSON text."""
        return [part.text for part in self.parts]

    @cached_property
    def text(self) -> str:
        """The frame as one WebSocket message: a ``batch`` when it holds several."""
        if len(self.texts) == 1:
            return self.texts[0]
        return batch_text(self.texts)


def next_tick(now: float, frame_seconds: float) -> float:
    """The next frame boundary of the loop's clock after ``now``: every instance's
    frames and live relay fall on the same boundaries."""
    return now + frame_seconds - now % frame_seconds


def batch_text(texts: list[str]) -> str:
    """A ``batch`` message holding ``texts`` in order."""
    return f'{{"type":"batch","messages":[{",".join(texts)}]}}'


class FrameClock:
    """Gathers parts per board and flushes them all at the next frame tick."""

    def __init__(
        self, frame_seconds: float, deliver: Callable[[str, Frame], None]
    ) -> None:
        self._frame_seconds = frame_seconds
        self._deliver = deliver
        self._pending: dict[str, list[Part]] = defaultdict(list)
        self._scheduled: asyncio.TimerHandle | None = None

    def add(self, board_id: str, part: Part) -> None:
        """Queue ``part`` for the board's next frame."""
        self._pending[board_id].append(part)
        if self._scheduled is None:
            loop = asyncio.get_running_loop()
            tick = next_tick(loop.time(), self._frame_seconds)
            self._scheduled = loop.call_at(tick, self.flush)

    def flush(self) -> None:
        """Hand every board's gathered parts to its connections now."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        pending, self._pending = self._pending, defaultdict(list)
        for board_id, parts in pending.items():
            self._deliver(board_id, Frame(parts))
