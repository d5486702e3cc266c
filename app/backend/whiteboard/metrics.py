"""Prometheus metrics of this instance, served at /metrics."""

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
NOTIFICATIONS = Counter(
    "whiteboard_notifications_total",
    "PostgreSQL notifications received, by channel and form (inline or pointer)",
    ["channel", "form"],
)
LISTENER_CONNECTED = Gauge(
    "whiteboard_listener_connected", "1 while the LISTEN connection is up"
)
