"""Results as a short markdown summary (the README shows the latest one)."""

from typing import Any


def _latency(summary: dict[str, Any] | None) -> str:
    if summary is None:
        return "none delivered"
    return " / ".join(
        f"{summary[key]:.0f}" for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")
    )


def _frames(plan: dict[str, Any]) -> str:
    if not plan.get("batch"):
        return "one per message"
    frame = plan.get("frame_ms")
    return f"batched, {frame} ms" if frame else "batched"


def _load_rows(runs: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| clients (drawing) | frames | live ops/s | deliveries/s "
        "| live p50/p95/p99/max ms | stored p50/p95/p99/max ms | missed ops "
        "| dropped conns | CPU % instances / postgres / load "
        "| CPU µs per delivery instances / load | KiB per conn "
        "| sends late p99 ms "
        "| write queued / transaction / fan-out / loop lag mean ms, races % "
        "| load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        plan, live, stored, cpu = (
            run["plan"],
            run["live"],
            run["stored"],
            run["cpu_percent"],
        )
        drawing = round(plan["clients"] * plan["drawing_fraction"])
        missed = live["incomplete"] + stored["incomplete"]
        memory = "/".join(f"{kib:.0f}" for kib in run["rss_kib_per_connection"])
        load = run["load_average_before"][0], run["load_average_after"][0]
        per = run["cpu_us_per_delivery"]
        lateness = [late["p99_ms"] for late in run.get("send_lateness", []) if late]
        late = f"{max(lateness):.0f}" if lateness else "-"
        rows.append(
            f"| {run['connected']}/{plan['clients']} ({drawing}) "
            f"| {_frames(plan)} "
            f"| {live['operations_per_second']:.0f} "
            f"| {live['deliveries_per_second'] + stored['deliveries_per_second']:.0f} "
            f"| {_latency(live['latency'])} | {_latency(stored['latency'])} "
            f"| {missed} of {live['sent'] + stored['sent']} "
            f"| {run['dropped_connections'] + run['connect_failures']} "
            f"| {cpu['instances']:.0f} / {cpu['postgres']:.0f} / {cpu['load']:.0f} "
            f"| {per['instances']:.1f} / {per['load']:.1f} "
            f"| {memory} | {late} | {_stages(run.get('server_stages_ms'))} "
            f"| {load[0]} → {load[1]} |"
        )
    return rows


def _stages(stages: dict[str, float | None] | None) -> str:
    if not stages:
        return "-"
    keys = ("write_queued", "write_transaction", "fanout", "loop_lag")
    means = " / ".join("-" if stages[k] is None else f"{stages[k]:.0f}" for k in keys)
    races = stages.get("race_percent")
    return f"{means}, {'-' if races is None else f'{races:.0f}'}"


def _snapshot_rows(results: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| elements | snapshot MiB | first open ms | open median ms | open max ms "
        "| received / parsed median ms | load avg |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        mib = result["snapshot_bytes"] / 2**20
        first = result["open_ms_each"][0]
        stages = f"{result['received_ms_median']:.0f} / {result['parse_ms_median']:.0f}"
        rows.append(
            f"| {result['elements']:,} | {mib:.1f} | {first:.0f} "
            f"| {result['open_ms_median']:.0f} | {result['open_ms_max']:.0f} "
            f"| {stages} | {result['load_average'][0]} |"
        )
    return rows


def _infra_rows(results: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| stack | cloud | status | resources | evaluate s | process s | load avg |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        status = result["status"]
        if status != "ok":
            status += f": {result.get('error', '')}"[:90].replace("|", "/")
        rows.append(
            f"| {result['stack']} | {result['cloud']} | {status} "
            f"| {result.get('resources', '')} | {result.get('evaluate_seconds', '')} "
            f"| {result['process_seconds']} | {result['load_average'][0]} |"
        )
    total = sum(result["process_seconds"] for result in results)
    evaluated = sum(1 for result in results if result["status"] == "ok")
    rows.append(f"| all | | {evaluated} of {len(results)} ok | | | {total:.1f} | |")
    return rows


def markdown(results: dict[str, Any]) -> str:
    """The summary of one ``python -m benchmarks`` run."""
    machine = results["machine"]
    lines = [
        f"Run {results['started_at']} at commit `{results['commit']}` on "
        f"{machine['cpus']} CPUs; load average (1 min) at start "
        f"{machine['load_average_start'][0]}, at end {machine['load_average_end'][0]}.",
        "",
    ]
    if results.get("load"):
        lines += ["**Drawing on one board**", "", *_load_rows(results["load"]), ""]
    if results.get("snapshot"):
        lines += ["**Opening a board**", "", *_snapshot_rows(results["snapshot"]), ""]
    if results.get("infra"):
        lines += ["**Pulumi graphs under mocks**", "", *_infra_rows(results["infra"])]
    return "\n".join(lines).rstrip() + "\n"
