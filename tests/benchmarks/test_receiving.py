"""How a load client books what it receives, and how profiles are summarised."""

import bench_root  # noqa: F401 (the root's benchmarks package)
import orjson

from benchmarks.load_worker import Counters, Parser, arrivals, book
from benchmarks.profile import summarise
from benchmarks.stats import DeliveryBook


def test_live_points_are_keyed_by_stroke_and_first_x():
    live, stored = DeliveryBook(), DeliveryBook()
    stroke = {"type": "stroke", "stroke_id": "c3s1", "points": [[15.0, 3.0, 0.5]]}

    book(arrivals(stroke), "me", 4.0, live, stored, Counters())

    assert live.received == {"c3s1@15.0": [1, 4.0]}


def test_own_live_points_are_not_counted_as_deliveries():
    live, stored = DeliveryBook(), DeliveryBook()
    mine = {"type": "stroke", "client_id": "me", "stroke_id": "a", "points": [[0.0]]}
    theirs = {"type": "stroke", "client_id": "x", "stroke_id": "b", "points": [[1.0]]}

    both = {"type": "batch", "messages": [mine, theirs]}
    book(arrivals(both), "me", 3.0, live, stored, Counters())

    assert live.received == {"b@1.0": [1, 3.0]}


def test_a_frame_shared_by_clients_is_parsed_once_and_booked_for_each():
    live, stored, counters = DeliveryBook(), DeliveryBook(), Counters()
    parse = Parser()
    stroke = {"type": "stroke", "client_id": "x", "stroke_id": "s", "points": [[2.0]]}
    text = orjson.dumps(stroke)

    first = parse(text)
    second = parse(bytes(bytearray(text)))  # an equal text, received by another
    book(first, "a", 1.0, live, stored, counters)
    book(second, "b", 1.5, live, stored, counters)

    assert second is first
    assert live.received == {"s@2.0": [2, 1.5]}


def test_own_operations_are_not_counted_as_deliveries():
    live, stored = DeliveryBook(), DeliveryBook()
    ops = {
        "type": "ops",
        "ops": [
            {"op_id": "mine", "client_id": "me"},
            {"op_id": "theirs", "client_id": "them"},
        ],
    }

    book(arrivals(ops), "me", 1.0, live, stored, Counters())

    assert stored.received == {"theirs": [1, 1.0]}


def test_batched_messages_are_booked_one_by_one():
    live, stored, counters = DeliveryBook(), DeliveryBook(), Counters()
    inner = [
        {"type": "stroke", "stroke_id": "a", "points": [[0.0, 0.0]]},
        {"type": "stroke", "stroke_id": "b", "points": [[5.0, 0.0]]},
        {"type": "error", "code": "rate_limited", "message": "slow down"},
    ]

    frame = {"type": "batch", "messages": inner}
    book(arrivals(frame), "me", 2.0, live, stored, counters)

    assert set(live.received) == {"a@0.0", "b@5.0"}
    assert counters.refusals == {"rate_limited": 1}


def test_profile_shares_count_self_and_inclusive_samples_per_function():
    lines = [
        "thread (1);run (server.py:10);send (outbox.py:5);dumps (json.py:1) 6",
        "thread (1);run (server.py:10);send (outbox.py:7) 2",
        "thread (1);run (server.py:12);loads (json.py:3) 2",
    ]

    summary = summarise(lines)

    assert summary["samples"] == 10
    assert summary["self"][0] == {"function": "dumps (json.py)", "percent": 60.0}
    inclusive = {row["function"]: row["percent"] for row in summary["inclusive"]}
    assert inclusive["run (server.py)"] == 100.0
    assert inclusive["send (outbox.py)"] == 80.0
