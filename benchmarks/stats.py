"""Percentiles and the delivery bookkeeping behind every latency figure.

A delivery is one client receiving one operation. Each load process keeps, per
operation, how many of its clients received it and when the last one did; the
parent merges the processes' books and judges an operation delivered only once
every other client on the board has it.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# An operation's key: the op_id of a stored operation, or "stroke_id@x" for live
# points (the first point's x coordinate is unique within a stroke).
OpKey = str


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values already in ascending order."""
    if not sorted_values:
        raise ValueError("no values")
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction {fraction} is outside 0..1")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Summary:
    """The spread of a set of delays, in milliseconds."""

    count: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of_seconds(cls, delays_seconds: Iterable[float]) -> "Summary | None":
        """Summarise delays given in seconds; None when there are none."""
        ordered = sorted(delay * 1000 for delay in delays_seconds)
        if not ordered:
            return None
        return cls(
            count=len(ordered),
            p50_ms=round(percentile(ordered, 0.50), 2),
            p95_ms=round(percentile(ordered, 0.95), 2),
            p99_ms=round(percentile(ordered, 0.99), 2),
            max_ms=round(ordered[-1], 2),
        )


@dataclass
class DeliveryBook:
    """What one process's clients sent and received, by operation key.

    Times are ``time.monotonic()`` readings, comparable across processes on one
    machine (Linux's monotonic clock is system-wide).
    """

    sent: dict[OpKey, float] = field(default_factory=dict)
    # Key -> [clients that received it, time of the last receipt].
    received: dict[OpKey, list[float]] = field(default_factory=dict)

    def record_sent(self, key: OpKey, at: float) -> None:
        """One client sent the operation ``key`` at ``at``."""
        self.sent[key] = at

    def record_received(self, key: OpKey, at: float) -> None:
        """One client received ``key`` at ``at``."""
        entry = self.received.get(key)
        if entry is None:
            self.received[key] = [1, at]
        else:
            entry[0] += 1
            if at > entry[1]:
                entry[1] = at

    def export(self) -> dict[str, Any]:
        """Plain data to send to the parent process."""
        return {"sent": self.sent, "received": self.received}


@dataclass(frozen=True)
class DeliveryOutcome:
    """Operations judged over every process's books."""

    sent: int
    complete: int
    incomplete: int
    deliveries: int
    missing_deliveries: int
    latency: Summary | None


def merge_books(books: Iterable[dict[str, Any]], receivers: int) -> DeliveryOutcome:
    """Judge every sent operation: delivered once ``receivers`` clients have it.

    ``receivers`` is the number of clients that should get each operation (every
    client on the board but its sender). The delay of a complete operation runs
    from its sending to the last receipt; receipts of unknown keys are ignored.
    """
    sent: dict[OpKey, float] = {}
    counts: dict[OpKey, int] = {}
    last: dict[OpKey, float] = {}
    for book in books:
        sent.update(book["sent"])
        for key, (count, at) in book["received"].items():
            counts[key] = counts.get(key, 0) + int(count)
            last[key] = max(last.get(key, at), at)

    delays = []
    incomplete = 0
    deliveries = 0
    missing = 0
    for key, sent_at in sent.items():
        count = counts.get(key, 0)
        deliveries += min(count, receivers)
        if count >= receivers:
            delays.append(last[key] - sent_at if receivers else 0.0)
        else:
            incomplete += 1
            missing += receivers - count
    return DeliveryOutcome(
        sent=len(sent),
        complete=len(delays),
        incomplete=incomplete,
        deliveries=deliveries,
        missing_deliveries=missing,
        latency=Summary.of_seconds(delays),
    )
