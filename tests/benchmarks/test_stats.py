"""The measurement logic of the benchmarks, on made-up data."""

import bench_root  # noqa: F401 (the root's benchmarks package)
import pytest

from benchmarks.stats import DeliveryBook, Summary, merge_books, percentile


def test_percentile_is_nearest_rank():
    values = [float(n) for n in range(1, 101)]

    assert percentile(values, 0.50) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile(values, 0.0) == 1.0


def test_percentile_of_one_value_is_that_value():
    assert percentile([7.0], 0.99) == 7.0


def test_percentile_refuses_empty_input_and_fractions_outside_0_to_1():
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 99)


def test_summary_converts_seconds_to_milliseconds_whatever_the_order():
    summary = Summary.of_seconds([0.003, 0.001, 0.002, 0.100])

    assert summary == Summary(
        count=4, p50_ms=2.0, p95_ms=100.0, p99_ms=100.0, max_ms=100.0
    )


def test_summary_of_nothing_is_none():
    assert Summary.of_seconds([]) is None


def test_book_keeps_count_and_latest_receipt_per_operation():
    book = DeliveryBook()

    book.record_received("op", 2.0)
    book.record_received("op", 5.0)
    book.record_received("op", 3.0)

    assert book.received == {"op": [3, 5.0]}


def test_delay_runs_from_sending_to_the_last_receipt_across_processes():
    sender = DeliveryBook()
    sender.record_sent("a", 10.0)
    sender.record_received("b", 20.5)
    other = DeliveryBook()
    other.record_sent("b", 20.0)
    other.record_received("a", 10.2)
    other.record_received("a", 10.4)

    outcome = merge_books([sender.export(), other.export()], receivers=2)

    # "a" reached only 2 clients in total, "b" only 1: only "a" is complete.
    assert outcome.sent == 2
    assert outcome.complete == 1
    assert outcome.incomplete == 1
    assert outcome.missing_deliveries == 1
    assert outcome.deliveries == 3
    assert outcome.latency is not None
    assert outcome.latency.max_ms == pytest.approx(400.0)


def test_operation_missing_one_receiver_counts_as_not_delivered():
    first, second = DeliveryBook(), DeliveryBook()
    for key, sent_at in [("x", 1.0), ("y", 2.0)]:
        first.record_sent(key, sent_at)
        first.record_received(key, sent_at + 0.01)
        second.record_received(key, sent_at + 0.03)
    second.record_received("x", 1.05)

    outcome = merge_books([first.export(), second.export()], receivers=3)

    assert (outcome.complete, outcome.incomplete) == (1, 1)
    assert outcome.latency is not None
    assert outcome.latency.p50_ms == pytest.approx(50.0)


def test_receipts_of_operations_never_sent_are_ignored():
    book = DeliveryBook()
    book.record_sent("sent", 1.0)
    book.record_received("sent", 1.5)
    book.record_received("stray", 9.0)

    outcome = merge_books([book.export()], receivers=1)

    assert outcome.sent == outcome.complete == outcome.deliveries == 1
