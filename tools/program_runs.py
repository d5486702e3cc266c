"""The Pulumi program under mocks, for every stack and every implemented cloud.

This reuses the program's own test harness (`tests/infra/pulumi_harness.py`) and the
fakes its `conftest.py` registers, so the plan summaries and the policy checks see
exactly what the program's tests see. A cloud counts as implemented once the program
lists it in `SUPPORTED_CLOUDS`; its stacks are then covered with nothing to change
here.
"""

import asyncio
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

CLOUD_PACKAGES = {"aws": ("aws",), "gcp": ("gcp",), "azure": ("azure-native", "azure")}
"""The Pulumi packages whose resources each cloud's program declares."""


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


def stacks() -> tuple[str, ...]:
    """The program's stacks, as the harness knows them."""
    harness_fixtures()
    import pulumi_harness

    return tuple(pulumi_harness.STACKS)


def _fakes_registered(cloud: str) -> bool:
    """Whether the harness can fake `cloud`'s resources, registering the fakes of
    `tests/infra/fakes_<cloud>.py` (its `*Fakes` class, for its `PACKAGE`) when
    the harness's conftest did not."""
    import pulumi_harness

    packages = CLOUD_PACKAGES.get(cloud, (cloud,))
    if any(pulumi_harness._fakes_for(f"{package}:m:T") for package in packages):
        return True
    if not (HARNESS_DIR / f"fakes_{cloud}.py").exists():
        return False
    module = importlib.import_module(f"fakes_{cloud}")
    classes = [value for name, value in vars(module).items() if name.endswith("Fakes")]
    if len(classes) != 1:
        return False
    pulumi_harness.register_fakes(getattr(module, "PACKAGE", cloud), classes[0]())
    return True


def implemented_clouds() -> tuple[str, ...]:
    """The clouds the program deploys to today: accepted by its configuration, with
    a `deploy` in the cloud's package and fakes for the harness (a cloud still
    being written lacks one of them)."""
    harness_fixtures()
    from whiteboard_infra.config.common import SUPPORTED_CLOUDS

    implemented = []
    for cloud in SUPPORTED_CLOUDS:
        module = f"whiteboard_infra.{cloud}"
        if importlib.util.find_spec(module) is None:
            continue
        if hasattr(importlib.import_module(module), "deploy") and _fakes_registered(
            cloud
        ):
            implemented.append(cloud)
    return tuple(implemented)


def stack_cloud_pairs() -> list[tuple[str, str]]:
    """Every (stack, cloud) the program declares."""
    return [(stack, cloud) for cloud in implemented_clouds() for stack in stacks()]


def ensure_event_loop() -> None:
    """Give the main thread an event loop again if something took it away.

    The Pulumi SDK's mocks wait on `asyncio.get_event_loop()`, which raises once an
    earlier `asyncio.run()` (or an async test) has cleared the current loop.
    """
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())


def program_run(stack: str, cloud: str) -> Any:
    """The program for `stack` on `cloud`, as `pulumi up` declares it under mocks
    (the harness's `ProgramRun`, cached once per process and shared with the
    program's own tests)."""
    harness_fixtures()
    ensure_event_loop()
    import pulumi_harness

    return pulumi_harness.cached_run(stack, cloud, False)


def fresh_run(stack: str, cloud: str, overrides: dict[str, Any]) -> Any:
    """The program for `stack` on `cloud` with some settings overridden (not cached)."""
    harness_fixtures()
    ensure_event_loop()
    import pulumi_harness

    return pulumi_harness.run_program(stack, cloud=cloud, overrides=overrides)


def component_run(declare: Any) -> Any:
    """Resources declared by `declare()`, under the same mocks."""
    harness_fixtures()
    ensure_event_loop()
    import pulumi_harness

    return pulumi_harness.run_components(declare)


def all_runs() -> Iterator[tuple[str, str, Any]]:
    """(stack, cloud, run) for every pair."""
    for stack, cloud in stack_cloud_pairs():
        yield stack, cloud, program_run(stack, cloud)
