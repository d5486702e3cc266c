"""The markdown summary, from made-up results."""

import bench_root  # noqa: F401 (the root's benchmarks package)

from benchmarks.report import markdown


def made_up_results() -> dict:
    latency = {
        "count": 10,
        "p50_ms": 12.0,
        "p95_ms": 30.0,
        "p99_ms": 45.4,
        "max_ms": 60.0,
    }
    outcome = {
        "sent": 10,
        "incomplete": 1,
        "latency": latency,
        "operations_per_second": 20.0,
        "deliveries_per_second": 380.0,
    }
    run = {
        "plan": {"clients": 20, "drawing_fraction": 0.1, "batch": True, "frame_ms": 16},
        "connected": 20,
        "live": outcome,
        "stored": outcome | {"latency": None},
        "cpu_percent": {"instances": 50.0, "postgres": 5.0, "load": 40.0},
        "cpu_us_per_delivery": {"instances": 2.5, "postgres": 0.1, "load": 3.0},
        "rss_kib_per_connection": [40.0, 42.0],
        "load_average_before": [0.5, 0.4, 0.3],
        "load_average_after": [1.5, 0.6, 0.4],
        "dropped_connections": 0,
        "connect_failures": 1,
        "server_stages_ms": {
            "write_queued": 3.4,
            "write_transaction": 8.0,
            "fanout": None,
            "loop_lag": 1.2,
            "race_percent": 12.5,
        },
    }
    infra = [
        {
            "stack": "staging",
            "cloud": "aws",
            "status": "ok",
            "resources": 70,
            "evaluate_seconds": 3.0,
            "process_seconds": 5.0,
            "load_average": [1, 1, 1],
        },
        {
            "stack": "prod",
            "cloud": "azure",
            "status": "failed",
            "error": "a|b",
            "process_seconds": 2.0,
            "load_average": [1, 1, 1],
        },
    ]
    return {
        "started_at": "2026-01-01T00:00:00Z",
        "commit": "abc1234",
        "machine": {
            "cpus": 2,
            "load_average_start": [0.5, 0, 0],
            "load_average_end": [1.5, 0, 0],
        },
        "load": [run],
        "snapshot": [
            {
                "elements": 20_000,
                "snapshot_bytes": 10 * 2**20,
                "open_ms_each": [325.4, 190.0, 201.0],
                "open_ms_median": 201.0,
                "open_ms_max": 325.4,
                "received_ms_median": 63.2,
                "parse_ms_median": 129.0,
                "load_average": [1.2, 1, 1],
            }
        ],
        "infra": infra,
    }


def test_load_row_shows_latency_misses_and_drops():
    text = markdown(made_up_results())

    assert (
        "| 20/20 (2) | batched, 16 ms | 20 | 760 | 12 / 30 / 45 / 60 | none delivered"
        in text
    )
    assert "| 2 of 20 | 1 |" in text
    assert (
        "| 50 / 5 / 40 | 2.5 / 3.0 | 40/42 | - | 3 / 8 / - / 1, 12 | 0.5 → 1.5 |"
        in text
    )


def test_infra_rows_keep_the_table_intact_and_total_the_time():
    text = markdown(made_up_results())

    assert "failed: a/b" in text
    assert "| all | | 1 of 2 ok | | | 7.0 | |" in text


def test_snapshot_row_shows_the_first_open_apart_from_the_median():
    text = markdown(made_up_results())

    assert "| 20,000 | 10.0 | 325 | 201 | 325 | 63 / 129 | 1.2 |" in text
