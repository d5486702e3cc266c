"""Time to evaluate the Pulumi program for every stack and cloud, under mocks.

Each stack x cloud runs in a process of its own (the Pulumi runtime keeps global
state), through the tests' harness ``run_program``, with the fakes the program's
tests use for that cloud (the harness's ``register_cloud_fakes``; ``fakes`` is
false when ``tests/infra/fakes_<cloud>.py`` does not exist). A cloud the program
does not support yet is reported as such; it is measured as soon as it lands.
"""

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HARNESS_DIR = ROOT / "tests" / "infra"
STACKS = ("staging", "prod")
CLOUDS = ("aws", "gcp", "azure")
RUN_TIMEOUT_SECONDS = 300
NOT_SUPPORTED = "not yet supported"


def measure_all() -> list[dict[str, Any]]:
    """One result per stack x cloud, each from a fresh process."""
    return [measure_one(stack, cloud) for cloud in CLOUDS for stack in STACKS]


def measure_one(stack: str, cloud: str) -> dict[str, Any]:
    """Run ``python -m benchmarks.infra_graphs STACK CLOUD`` and read its answer."""
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed module)
        [sys.executable, "-m", "benchmarks.infra_graphs", stack, cloud],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=RUN_TIMEOUT_SECONDS,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError):
        error = (done.stderr or done.stdout).strip().splitlines()[-1:]
        result = {"status": "failed", "error": " ".join(error)}
    result |= {"stack": stack, "cloud": cloud}
    result["process_seconds"] = round(time.monotonic() - started, 2)
    return result


def _evaluate(stack: str, cloud: str) -> dict[str, Any]:
    """Evaluate one graph in this process."""
    sys.path[:0] = [str(HARNESS_DIR), str(ROOT / "infra")]
    started = time.monotonic()
    from pulumi_harness import register_cloud_fakes, run_program

    imported = time.monotonic()
    fakes = register_cloud_fakes(cloud)
    try:
        run = run_program(stack, cloud=cloud)
    except Exception as error:
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        status = "not implemented" if NOT_SUPPORTED in text else "failed"
        error_text = f"{type(error).__name__}: {text}"[:300]
        return {"status": status, "fakes": fakes, "error": error_text}
    finished = time.monotonic()
    return {
        "status": "ok",
        "fakes": fakes,
        "resources": len(run.resources),
        "harness_import_seconds": round(imported - started, 2),
        "evaluate_seconds": round(finished - imported, 2),
    }


if __name__ == "__main__":
    print(json.dumps(_evaluate(sys.argv[1], sys.argv[2])))
