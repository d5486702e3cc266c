"""Prometheus metrics of this instance, served at /metrics."""

import asyncio

from prometheus_client import Counter, Gauge, Histogram

CONNECTIONS = Gauge(
    "whiteboard_connections", "WebSocket connections open on this instance"
)
OPERATIONS = Counter(
    "whiteboard_operations_total",
    "Operations received, by outcome (applied, duplicate, rejected)",
    ["status"],
)
REFUSED_MESSAGES = Counter(
    "whiteboard_refused_messages_total",
    "Client messages refused with an error, by error code",
    ["code"],
)
FANOUT_LATENCY = Histogram(
    "whiteboard_fanout_latency_seconds",
    "From the commit of an operation batch to its hand-over to local connections",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
BOARD_WRITES = Histogram(
    "whiteboard_board_write_seconds",
    "Operation batches: waiting for the board's earlier writes on this instance "
    "(queued), then the transaction that applies them (transaction)",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
BOARD_WRITE_RACES = Counter(
    "whiteboard_board_write_races_total",
    "Board writes tried again because another write of the board came first",
)
NOTIFICATIONS = Counter(
    "whiteboard_notifications_total",
    "PostgreSQL notifications received, by channel and form (inline or pointer)",
    ["channel", "form"],
)
LISTENER_CONNECTED = Gauge(
    "whiteboard_listener_connected", "1 while the LISTEN connection is up"
)
EVENT_LOOP_LAG = Histogram(
    "whiteboard_event_loop_lag_seconds",
    "How late a timer set for every 100 ms fires: how long ready work waits its turn",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)

LAG_PROBE_SECONDS = 0.1


async def watch_event_loop() -> None:
    """Observe the event loop's lag until cancelled."""
    loop = asyncio.get_running_loop()
    while True:
        due = loop.time() + LAG_PROBE_SECONDS
        await asyncio.sleep(LAG_PROBE_SECONDS)
        EVENT_LOOP_LAG.observe(max(0.0, loop.time() - due))
