"""Run every benchmark and write the results to benchmarks/results/.

    .venv/bin/python -m benchmarks            # everything, full size
    .venv/bin/python -m benchmarks --quick    # a small run, to check the tools
    .venv/bin/python -m benchmarks --only load --clients 100 200 --profile

All servers run on 127.0.0.1 and are stopped at the end. ``latest.json`` and
``latest.md`` are overwritten; a copy of the JSON is kept per run.
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import infra_graphs, snapshot
from benchmarks.load import run_load
from benchmarks.load_worker import LoadPlan
from benchmarks.procstat import load_average
from benchmarks.report import markdown
from benchmarks.servers import BACKEND_DIR, ROOT, running_stack

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PARTS = ("load", "snapshot", "infra")

log = logging.getLogger("benchmarks")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--only", choices=PARTS, nargs="+", default=list(PARTS))
    parser.add_argument("--quick", action="store_true", help="small sizes, short")
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 250, 500])
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--drawing-fraction", type=float, default=0.1)
    parser.add_argument("--rate", type=float, default=20.0, help="messages/s")
    parser.add_argument(
        "--stroke-messages",
        type=int,
        default=20,
        help="live messages per stroke before its add operation",
    )
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    parser.add_argument("--processes", type=int, default=2, help="load processes")
    parser.add_argument("--profile", action="store_true", help="py-spy instance 0")
    parser.add_argument(
        "--no-batch", action="store_true", help="clients join without batch frames"
    )
    parser.add_argument(
        "--frame-ms", type=int, default=16, help="the servers' BATCH_FRAME_MS"
    )
    parser.add_argument(
        "--backend-dir", type=Path, default=BACKEND_DIR, help="app/backend to run"
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the servers' logs and raw profiles in this folder",
    )
    return parser.parse_args()


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH)
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _run_load(args: argparse.Namespace, work_dir: Path) -> list[dict[str, Any]]:
    runs = []
    client_counts = [20] if args.quick else args.clients
    for clients in client_counts:
        plan = LoadPlan(
            clients=clients,
            drawing_fraction=args.drawing_fraction,
            messages_per_second=args.rate,
            messages_per_stroke=args.stroke_messages,
            duration_seconds=5.0 if args.quick else args.duration,
            processes=args.processes,
            batch=not args.no_batch,
            frame_ms=args.frame_ms,
        )
        log.info("load: %d clients on %d instances", clients, args.instances)
        runs.append(
            run_load(
                plan, args.instances, work_dir, args.profile, args.backend_dir.resolve()
            )
        )
    return runs


def _run_snapshot(args: argparse.Namespace, work_dir: Path) -> list[dict[str, Any]]:
    sizes = (200, 1_000) if args.quick else snapshot.BOARD_SIZES
    results = []
    backend_dir = args.backend_dir.resolve()
    with running_stack(1, work_dir / "logs", backend_dir=backend_dir) as stack:
        for size in sizes:
            log.info("snapshot: %d elements", size)
            (result,) = snapshot.measure(stack, (size,))
            results.append(result | {"load_average": load_average()})
    return results


def _run_infra(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    for cloud in infra_graphs.CLOUDS:
        for stack in infra_graphs.STACKS:
            log.info("infra: %s on %s", stack, cloud)
            result = infra_graphs.measure_one(stack, cloud)
            results.append(result | {"load_average": load_average()})
    return results


def main() -> None:
    """Run the chosen benchmarks and write their results."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    args = _arguments()
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    results: dict[str, Any] = {
        "started_at": started,
        "commit": _commit(),
        "quick": args.quick,
        "backend_dir": str(args.backend_dir.resolve()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average_start": load_average(),
        },
    }
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="whiteboard-bench-") as work:
        work_dir = Path(work)
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            work_dir = args.keep
        if "load" in args.only:
            results["load"] = _run_load(args, work_dir)
        if "snapshot" in args.only:
            results["snapshot"] = _run_snapshot(args, work_dir)
        if "infra" in args.only:
            results["infra"] = _run_infra(args)
    results["machine"]["load_average_end"] = load_average()
    results["seconds"] = round(time.monotonic() - began, 1)

    args.results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2) + "\n"
    stamp = started.replace(":", "").replace("-", "")
    (args.results_dir / f"run-{stamp}.json").write_text(text)
    (args.results_dir / "latest.json").write_text(text)
    (args.results_dir / "latest.md").write_text(markdown(results))
    log.info("results in %s", args.results_dir)


if __name__ == "__main__":
    main()
