"""The harness itself: it must run the program whatever ran before it."""

import asyncio

from pulumi_harness import run_program


def test_program_runs_after_an_earlier_asyncio_run_cleared_the_loop() -> None:
    # What asyncio.run() leaves behind when it returns: no current event loop.
    asyncio.set_event_loop(None)

    run = run_program("staging", cloud="aws")

    assert run.of_type("aws:ecs/service:Service")
