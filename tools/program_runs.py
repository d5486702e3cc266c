"""The Pulumi program under mocks, for every stack and every implemented cloud.

This reuses the program's own test harness (`tests/infra/pulumi_harness.py`) and the
fakes its `conftest.py` registers, so the plan summaries and the policy checks see
exactly what the program's tests see. A cloud counts as implemented once the program
lists it in `SUPPORTED_CLOUDS`; its stacks are then covered with nothing to change
here.
"""

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HARNESS_DIR = ROOT / "tests" / "infra"
HARNESS_CONFTEST = HARNESS_DIR / "conftest.py"
PROGRAM_DIR = ROOT / "infra"


def _on_path() -> None:
    for path in (PROGRAM_DIR, HARNESS_DIR):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def harness_fixtures() -> ModuleType:
    """The harness's conftest module, which registers the clouds' fakes on import.

    Under pytest, the copy pytest already loaded is reused when it can be found;
    otherwise it is loaded once under its own name (registering twice is harmless).
    """
    _on_path()
    for module in list(sys.modules.values()):
        if Path(getattr(module, "__file__", "") or "") == HARNESS_CONFTEST:
            return module
    spec = importlib.util.spec_from_file_location(
        "whiteboard_harness_fixtures", HARNESS_CONFTEST
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {HARNESS_CONFTEST}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def harness() -> ModuleType:
    """The program's test harness (`pulumi_harness`), its fixtures' fakes
    registered."""
    harness_fixtures()
    import pulumi_harness

    return pulumi_harness


def stacks() -> tuple[str, ...]:
    """The program's stacks, as the harness knows them."""
    return tuple(harness().STACKS)


def implemented_clouds() -> tuple[str, ...]:
    """The clouds the program deploys to today: accepted by its configuration, with
    a `deploy` in the cloud's package and fakes for the harness (a cloud still
    being written lacks one of them)."""
    register_cloud_fakes = harness().register_cloud_fakes
    from whiteboard_infra.config.common import SUPPORTED_CLOUDS

    implemented = []
    for cloud in SUPPORTED_CLOUDS:
        module = f"whiteboard_infra.{cloud}"
        if importlib.util.find_spec(module) is None:
            continue
        has_deploy = hasattr(importlib.import_module(module), "deploy")
        if has_deploy and register_cloud_fakes(cloud):
            implemented.append(cloud)
    return tuple(implemented)


def stack_cloud_pairs() -> list[tuple[str, str]]:
    """Every (stack, cloud) the program declares."""
    return [(stack, cloud) for cloud in implemented_clouds() for stack in stacks()]


def program_run(stack: str, cloud: str) -> Any:
    """The program for `stack` on `cloud`, as `pulumi up` declares it under mocks
    (the harness's `ProgramRun`, cached once per process and shared with the
    program's own tests)."""
    return harness().cached_run(stack, cloud, False)


def fresh_run(stack: str, cloud: str, overrides: dict[str, Any]) -> Any:
    """The program for `stack` on `cloud` with some settings overridden (not cached)."""
    return harness().run_program(stack, cloud=cloud, overrides=overrides)


def component_run(declare: Any) -> Any:
    """Resources declared by `declare()`, under the same mocks."""
    return harness().run_components(declare)


def all_runs() -> Iterator[tuple[str, str, Any]]:
    """(stack, cloud, run) for every pair."""
    for stack, cloud in stack_cloud_pairs():
        yield stack, cloud, program_run(stack, cloud)
