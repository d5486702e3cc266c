"""The drawing benchmark: many clients on one board, split across instances.

The parent starts PostgreSQL and the instances, creates a board, and spreads the
clients over load processes (``benchmarks.load_worker``). Once every client has
joined it starts the clock, then measures for each operation the delay until
every other client has it, and the CPU and memory of every process involved.
"""

import logging
import multiprocessing
import time
from dataclasses import asdict
from pathlib import Path
from queue import Empty
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.load_worker import ClientSpec, LoadPlan, run_worker
from benchmarks.procstat import Usage, load_average, usage
from benchmarks.profile import Profiler
from benchmarks.servers import BACKEND_DIR, Stack, running_stack
from benchmarks.stats import merge_books

log = logging.getLogger(__name__)

PHASE_TIMEOUT_SECONDS = 120.0
# Clients start drawing this long after the signal, so every process is waiting.
START_DELAY_SECONDS = 0.5


def client_specs(plan: LoadPlan, stack: Stack, board_id: str) -> list[ClientSpec]:
    """Clients round-robin over instances; each instance gets its share of drawers."""
    every = max(1, round(1 / plan.drawing_fraction)) if plan.drawing_fraction else 0
    count = len(stack.instances)
    return [
        ClientSpec(
            index=index,
            ws_url=stack.instances[index % count].ws_url(board_id),
            drawing=bool(every) and (index // count) % every == 0,
        )
        for index in range(plan.clients)
    ]


def run_load(
    plan: LoadPlan,
    instance_count: int,
    work_dir: Path,
    profile: bool = False,
    backend_dir: Path = BACKEND_DIR,
) -> dict[str, Any]:
    """Run one load test on a fresh stack; its results as plain data."""
    frame = {"BATCH_FRAME_MS": str(plan.frame_ms)} if plan.frame_ms else {}
    logs = work_dir / "logs"
    with running_stack(instance_count, logs, 5, backend_dir, frame) as stack:
        return _measure(plan, stack, work_dir, profile)


def _measure(
    plan: LoadPlan, stack: Stack, work_dir: Path, profile: bool
) -> dict[str, Any]:
    board_id, token = stack.create_board()
    specs = client_specs(plan, stack, board_id)
    instance_pids = [instance.process.pid for instance in stack.instances]
    idle = [usage([pid]) for pid in instance_pids]

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    go = context.Event()
    start_at = context.Value("d", 0.0)
    workers = [
        context.Process(
            target=run_worker,
            args=(plan, specs[number :: plan.processes], token, queue, go, start_at),
            daemon=True,
        )
        for number in range(plan.processes)
    ]
    connect_started = time.monotonic()
    for worker in workers:
        worker.start()
    try:
        connected, failures = 0, []
        for _ in workers:
            _, count, failed = _next(queue, "connected", workers)
            connected += count
            failures += failed
        connect_seconds = time.monotonic() - connect_started
        joined = [usage([pid]) for pid in instance_pids]

        worker_pids = [worker.pid for worker in workers if worker.pid]
        pids = {
            "instances": instance_pids,
            "postgres": stack.postgres_pids(),
            "load": worker_pids,
        }
        start_at.value = time.monotonic() + START_DELAY_SECONDS
        go.set()
        profiler = (
            Profiler.start(instance_pids[0], work_dir, plan.duration_seconds)
            if profile
            else None
        )
        time.sleep(max(0.0, start_at.value - time.monotonic()))
        before = {name: usage(group) for name, group in pids.items()}
        per_instance_before = [usage([pid]) for pid in instance_pids]
        load_before = load_average()
        time.sleep(max(0.0, start_at.value + plan.duration_seconds - time.monotonic()))
        after = {name: usage(group) for name, group in pids.items()}
        per_instance_after = [usage([pid]) for pid in instance_pids]
        load_after = load_average()

        books = [_next(queue, "done", workers) for _ in workers]
    finally:
        for worker in workers:
            worker.join(10)
            if worker.is_alive():
                worker.terminate()
    hot_spots = profiler.finish() if profiler else None

    receivers = connected - 1
    live = merge_books((book[1] for book in books), receivers)
    stored = merge_books((book[2] for book in books), receivers)
    dropped = [reason for book in books for reason in book[3]]
    refusals: dict[str, int] = {}
    for book in books:
        for code, count in book[4].items():
            refusals[code] = refusals.get(code, 0) + count
    seconds = plan.duration_seconds
    per_instance_clients = [
        sum(1 for spec in specs if spec.ws_url.startswith(i.ws_url("")))
        for i in stack.instances
    ]
    return {
        "plan": asdict(plan),
        "instances": len(stack.instances),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "connected": connected,
        "connect_failures": len(failures),
        "connect_failure_examples": failures[:5],
        "connect_seconds": round(connect_seconds, 2),
        "dropped_connections": len(dropped),
        "dropped_examples": dropped[:5],
        "refusals": refusals,
        "live": _outcome(live, seconds),
        "stored": _outcome(stored, seconds),
        "send_lateness": [book[5] for book in books],
        "cpu_percent": {
            name: _percent(before[name], after[name], seconds) for name in pids
        },
        "cpu_percent_per_instance": [
            _percent(b, a, seconds)
            for b, a in zip(per_instance_before, per_instance_after, strict=True)
        ],
        "rss_mib_per_instance": [round(u.rss_bytes / 2**20, 1) for u in joined],
        "rss_kib_per_connection": [
            round((j.rss_bytes - i.rss_bytes) / 1024 / max(1, n), 1)
            for i, j, n in zip(idle, joined, per_instance_clients, strict=True)
        ],
        "server_cpu_ms_per_connection_second": round(
            1000
            * _busy_seconds(before["instances"], after["instances"])
            / max(1, connected)
            / seconds,
            3,
        ),
        # CPU per delivery (one client receiving one operation) over the window:
        # what it would take, in cores, to carry more.
        "cpu_us_per_delivery": {
            name: round(
                1e6
                * _busy_seconds(before[name], after[name])
                / max(1, live.deliveries + stored.deliveries),
                2,
            )
            for name in pids
        },
        "server_stages_ms": server_stages(stack),
        "profile": hot_spots,
    }


# Histograms every instance keeps (see whiteboard.metrics): name, label filter.
STAGES = {
    "write_queued": ("whiteboard_board_write_seconds", {"stage": "queued"}),
    "write_transaction": ("whiteboard_board_write_seconds", {"stage": "transaction"}),
    "fanout": ("whiteboard_fanout_latency_seconds", {}),
    "loop_lag": ("whiteboard_event_loop_lag_seconds", {}),
}


def server_stages(stack: Stack) -> dict[str, float | None]:
    """Mean milliseconds of each server stage over the run, all instances together
    (where a stored operation's delay is spent inside the servers), and the share
    of board writes that lost a race and were tried again, in percent."""
    sums = {stage: [0.0, 0.0] for stage in STAGES}
    races = 0.0
    for instance in stack.instances:
        text = httpx.get(f"{instance.url}/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "whiteboard_board_write_races_total":
                    races += sample.value
                for stage, (name, labels) in STAGES.items():
                    if not labels.items() <= sample.labels.items():
                        continue
                    if sample.name == f"{name}_sum":
                        sums[stage][0] += sample.value
                    elif sample.name == f"{name}_count":
                        sums[stage][1] += sample.value
    stages: dict[str, float | None] = {
        stage: round(1000 * total / count, 2) if count else None
        for stage, (total, count) in sums.items()
    }
    writes = sums["write_transaction"][1]
    stages["race_percent"] = round(100 * races / writes, 1) if writes else None
    return stages


def _next(queue: Any, kind: str, workers: list[Any]) -> Any:
    """The next report of a load process; fails as soon as one has died."""
    deadline = time.monotonic() + PHASE_TIMEOUT_SECONDS
    while True:
        try:
            message = queue.get(timeout=1)
            break
        except Empty:
            dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"load processes failed: {dead}") from None
    if message[0] != kind:
        raise RuntimeError(f"load process sent {message[0]!r}, expected {kind!r}")
    return message


def _outcome(outcome: Any, seconds: float) -> dict[str, Any]:
    result = asdict(outcome)
    result["operations_per_second"] = round(outcome.sent / seconds, 1)
    result["deliveries_per_second"] = round(outcome.deliveries / seconds, 1)
    return result


def _busy_seconds(before: Usage, after: Usage) -> float:
    return after.cpu_seconds - before.cpu_seconds


def _percent(before: Usage, after: Usage, seconds: float) -> float:
    return round(100 * _busy_seconds(before, after) / seconds, 1)
