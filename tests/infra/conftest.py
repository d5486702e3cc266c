"""Fixtures for the Pulumi program's tests; the machinery is in `pulumi_harness.py`.

Harness API, for every cloud's tests:

- `run_program(stack, cloud=None, preview=False, overrides=None, secrets=None)`
  runs `infra/__main__.py` as Pulumi's Python language host does, with the config
  of `Pulumi.yaml` defaults + `Pulumi.<stack>.yaml` + `cloud` + `overrides`
  (`{"backendMaxInstances": 4}`; None deletes a key) + `secrets` (set as secret
  config keys). Returns a `ProgramRun`: `.resources` (each a `Registered` with
  `.type .name .inputs .outputs .parent .protect .ignore_changes`, and `r["key"]`
  for an input by its camelCase name), `.of_type(token)`, `.one(token, name_part)`,
  `.children(r)`, `.ancestors(r)`, `.component_outputs[urn]` (what each component
  passed to `register_outputs`), `.outputs` (stack outputs, `UNKNOWN` when a
  preview cannot know them) and `.secret_outputs`.
- `run_components(declare, stack="staging", preview=False)` runs a function that
  builds components from typed arguments; a mapping it returns lands in `.outputs`.
- `load_stack_config(stack, cloud=None, overrides=None, secrets=None)` returns the
  program's validated `StackConfig`, or raises its one-line `ConfigError`.
- `register_fakes(package, fakes)` plugs in realistic outputs for a cloud's
  resource types and invokes (`fakes_aws.AwsFakes` is the example: one method per
  type); preview runs return only inputs.

Fixtures below: `program_run` (staging and prod, deployed, run once per session),
`preview_run` (the same as a preview) and `stack` (each stack name).

A GCP or Azure test module registers its fakes (`register_fakes("gcp", ...)`),
then calls `run_program(stack, cloud="gcp")` for each of `STACKS`.
"""

from collections.abc import Iterator

import pytest
from fakes_aws import AwsFakes
from pulumi_harness import STACKS, ProgramRun, register_fakes, run_program

register_fakes("aws", AwsFakes())
register_fakes("random", AwsFakes())
register_fakes("docker", AwsFakes())

_RUNS: dict[tuple[str, str, bool], ProgramRun] = {}


def cached_run(stack: str, cloud: str, preview: bool) -> ProgramRun:
    """One `run_program` per (stack, cloud, preview) per session: runs are slow-ish
    and read-only, so tests that only inspect them share one."""
    key = (stack, cloud, preview)
    if key not in _RUNS:
        _RUNS[key] = run_program(stack, cloud=cloud, preview=preview)
    return _RUNS[key]


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> Iterator[str]:
    """Each stack name in turn: `staging`, `prod`."""
    yield request.param


@pytest.fixture
def program_run(stack: str) -> ProgramRun:
    """The AWS program for `stack`, deployed under mocks (shared per session)."""
    return cached_run(stack, "aws", preview=False)


@pytest.fixture
def preview_run(stack: str) -> ProgramRun:
    """The AWS program for `stack` as a preview: computed outputs are unknown."""
    return cached_run(stack, "aws", preview=True)
