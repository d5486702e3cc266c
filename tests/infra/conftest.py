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
  type); preview runs return only inputs. `register_cloud_fakes(cloud)` registers
  what the tests use for a cloud's whole program: `fakes_<cloud>.py`'s fakes, and
  `AwsFakes` for the `random` and `docker` packages every cloud shares.

- `cached_run(stack, cloud, preview)` is `run_program` run once per session for
  tests that only inspect the result.

Fixtures below: `stack` (each stack name), `program_run` (the AWS program for
that stack, deployed), `preview_run` (as a preview) and `any_run` (both in turn).

A GCP or Azure test module registers its fakes (`register_fakes("gcp", ...)`),
then calls `run_program(stack, cloud="gcp")` for each of `STACKS`.
"""

from collections.abc import Iterator

import pytest
from pulumi_harness import STACKS, ProgramRun, cached_run, register_cloud_fakes

register_cloud_fakes("aws")


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


@pytest.fixture(params=[False, True], ids=["up", "preview"])
def any_run(request: pytest.FixtureRequest, stack: str) -> ProgramRun:
    """The AWS program for `stack`, deployed and as a preview, in turn."""
    return cached_run(stack, "aws", preview=request.param)
