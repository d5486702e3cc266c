"""Runs the Pulumi program, or single components, under recording mocks.

`run_program(stack, cloud=..., preview=...)` runs `infra/` the way Pulumi's Python
language host does (chdir into `infra/`, `runpy.run_path(".")`) with the config
Pulumi would pass: the Pulumi.yaml defaults, then `Pulumi.<stack>.yaml`, then the
test's overrides and secrets. `run_components(build)` runs any function that
declares resources. Both return a `ProgramRun` holding every registered resource
(type, name, inputs, mocked outputs, parent, options) and the resolved outputs.

Mocks return realistic computed outputs per resource type from the fake modules
registered with `register_fakes` (see `fakes_aws.py`); with `preview=True` they
return only the inputs, so computed values stay unknown as in `pulumi preview`.
"""

import asyncio
import importlib
import os
import runpy
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.rpc import _special_secret_sig as _SECRET_SIG
from pulumi.runtime.rpc import _special_sig_key as _SIG_KEY
from pulumi.runtime.rpc import deserialize_properties
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
PROJECT = "whiteboard"
STACKS = ("staging", "prod")


class UnknownValue:
    """Stands for an output that is unknown during a preview."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = UnknownValue()


def is_unknown(value: Any) -> bool:
    """Whether a recorded input is unknown (computed later), as in a preview."""
    return isinstance(value, pulumi.output.Unknown)


def is_secret(value: Any) -> bool:
    """Whether a recorded input was sent to the engine marked secret."""
    return isinstance(value, dict) and value.get(_SIG_KEY) == _SECRET_SIG


def unwrap(value: Any) -> Any:
    """A recorded input with its secret marking removed."""
    return value["value"] if is_secret(value) else value


class Fakes(Protocol):
    """What a cloud's fake module provides to the mocks."""

    def outputs(self, type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """Computed outputs of a created resource (merged over its inputs)."""
        ...

    def resource_id(self, type_: str, name: str, inputs: dict[str, Any]) -> str:
        """The id the cloud would assign."""
        ...

    def call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        """The result of a data-source invoke."""
        ...


_FAKES: dict[str, Fakes] = {}


def register_fakes(package: str, fakes: Fakes) -> None:
    """Use `fakes` for resource types and invokes of `package` (e.g. "aws")."""
    _FAKES[package] = fakes


SHARED_PACKAGES = ("random", "docker")
"""Packages every cloud's program uses; `fakes_aws.AwsFakes` fakes them for all."""


def register_cloud_fakes(cloud: str) -> bool:
    """Register the fakes the tests run `cloud`'s program with, where a package has
    none yet: the `*Fakes` class of `fakes_<cloud>.py` for its `PACKAGE` (the
    cloud's name when it sets none), and `AwsFakes` for `SHARED_PACKAGES`.
    False when there is no `fakes_<cloud>.py`."""
    try:
        module = importlib.import_module(f"fakes_{cloud}")
    except ModuleNotFoundError:
        return False
    (cloud_fakes,) = [
        value
        for name, value in vars(module).items()
        if name.endswith("Fakes") and isinstance(value, type)
    ]
    from fakes_aws import AwsFakes

    wanted: dict[str, Callable[[], Fakes]] = {
        getattr(module, "PACKAGE", cloud): cloud_fakes,
        **dict.fromkeys(SHARED_PACKAGES, AwsFakes),
    }
    for package, fakes in wanted.items():
        if package not in _FAKES:
            register_fakes(package, fakes())
    return True


def _fakes_for(token: str) -> Fakes | None:
    package = token.split(":")[0]
    if package == "pulumi" and token.startswith("pulumi:providers:"):
        package = token.removeprefix("pulumi:providers:")
    return _FAKES.get(package)


@dataclass
class Registered:
    """One resource as the engine saw it."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str
    custom: bool
    protect: bool
    ignore_changes: list[str]
    provider: str

    def __getitem__(self, key: str) -> Any:
        """An input by its camelCase name, as the provider receives it."""
        return self.inputs[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.inputs.get(key, default)


@dataclass
class ProgramRun:
    """What one run declared: resources, component outputs, stack outputs."""

    preview: bool
    resources: list[Registered] = field(default_factory=list)
    component_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)

    def of_type(self, type_: str) -> list[Registered]:
        """Every resource of a type token, e.g. `aws:ecs/service:Service`."""
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name_contains: str = "") -> Registered:
        """The single resource of a type whose name contains `name_contains`."""
        found = [r for r in self.of_type(type_) if name_contains in r.name]
        assert len(found) == 1, f"{len(found)} {type_} named *{name_contains}*"
        return found[0]

    def by_urn(self, urn: str) -> Registered:
        return next(r for r in self.resources if r.urn == urn)

    def children(self, parent: Registered) -> list[Registered]:
        return [r for r in self.resources if r.parent == parent.urn]

    def ancestors(self, resource: Registered) -> list[Registered]:
        """Parents of `resource`, nearest first, up to (not including) the stack."""
        chain = []
        while resource.parent and not _is_stack(resource.parent):
            resource = self.by_urn(resource.parent)
            chain.append(resource)
        return chain


def _is_stack(urn: str) -> bool:
    return urn.split("::")[2].split("$")[-1] == "pulumi:pulumi:Stack"


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, preview: bool) -> None:
        self.preview = preview

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[Any, dict]:
        fakes = _fakes_for(args.typ)
        if self.preview:
            # A preview knows only inputs: ids and computed outputs stay unknown.
            # A provider that answers in another shape than it is asked in (a list of
            # identities comes back as a map) reshapes them with `preview_state`.
            reshape = getattr(fakes, "preview_state", None)
            state = reshape(args.typ, dict(args.inputs)) if reshape else args.inputs
            return None, dict(state)
        if fakes is None:
            return f"{args.name}-id", dict(args.inputs)
        state = {**args.inputs, **fakes.outputs(args.typ, args.name, args.inputs)}
        return fakes.resource_id(args.typ, args.name, state), state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, Any]:
        fakes = _fakes_for(args.token)
        if fakes is None:
            raise AssertionError(f"no fake for invoke {args.token}")
        return fakes.call(args.token, dict(args.args)), []


class _RecordingMonitor(MockMonitor):
    """The SDK's mock monitor, also keeping parents, options and component outputs."""

    def __init__(self, mocks: _Mocks, run: ProgramRun) -> None:
        super().__init__(mocks)
        self.run = run

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        registration = self.resources[response.urn]
        self.run.resources.append(
            Registered(
                urn=response.urn,
                type=request.type,
                name=request.name,
                id=registration.id or "",
                inputs=deserialize_properties(request.object),
                outputs=dict(registration.state),
                parent=request.parent,
                custom=request.custom,
                protect=bool(request.protect),
                ignore_changes=list(request.ignoreChanges),
                provider=request.provider,
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = deserialize_properties(request.outputs)
        self.run.component_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)


def _flat(values: Mapping[str, Any], namespace: str) -> dict[str, str]:
    """Config values as Pulumi passes them to a program: strings, namespaced keys."""
    flat = {}
    for key, value in values.items():
        if isinstance(value, dict) and "default" in value:
            value = value["default"]
        elif isinstance(value, dict) and "type" in value:
            continue  # declared without a default: the stack must set it
        full = key if ":" in key else f"{namespace}:{key}"
        flat[full] = _config_string(value)
    return flat


def _config_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        import json

        return json.dumps(value)
    return str(value)


def project_file() -> dict[str, Any]:
    """Pulumi.yaml, parsed."""
    return yaml.safe_load((ROOT / "Pulumi.yaml").read_text())


def stack_file(stack: str) -> dict[str, Any]:
    """Pulumi.<stack>.yaml, parsed."""
    return yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text()) or {}


def stack_config(
    stack: str,
    *,
    cloud: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The config Pulumi gives `stack`'s program: project defaults, stack file,
    then `cloud` (as `whiteboard:cloud`) and `overrides` (keys with or without the
    `whiteboard:` namespace; a value of None removes the key)."""
    config = _flat(project_file().get("config", {}), PROJECT)
    config |= _flat(stack_file(stack).get("config", {}), PROJECT)
    changes = dict(overrides or {})
    if cloud is not None:
        changes["cloud"] = cloud
    for key, value in changes.items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        if value is None:
            config.pop(full, None)
        else:
            config[full] = _config_string(value)
    return config


@contextmanager
def _working_directory(path: Path) -> Any:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def ensure_event_loop() -> None:
    """Give the main thread an event loop again if something took it away: the
    SDK's mocks wait on the current loop, which an earlier `asyncio.run()` (an
    async test, a tool) leaves unset."""
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())


def _run(
    declare: Callable[[], Any],
    *,
    stack: str,
    preview: bool,
    config: Mapping[str, str],
    secret_keys: list[str],
) -> ProgramRun:
    run = ProgramRun(preview=preview)
    mocks = _Mocks(preview)

    ensure_event_loop()

    # Start from a clean runtime: no root stack, no pending outputs, this config.
    pulumi_settings.ROOT.set(None)
    pulumi_settings.SETTINGS.outputs.clear()
    pulumi.runtime.set_all_config(dict(config), secret_keys)
    pulumi.runtime.set_mocks(
        mocks,
        project=PROJECT,
        stack=stack,
        preview=preview,
        monitor=_RecordingMonitor(mocks, run),
    )

    returned: dict[str, Any] = {}

    def program() -> None:
        result = declare()
        if isinstance(result, dict):
            returned.update(result)

    # run_pulumi_func re-raises the program's error after all outstanding work.
    _sync_await(run_pulumi_func(program))

    root = pulumi_settings.get_root_resource()
    exported = dict(getattr(root, "outputs", {}))
    run.outputs, run.secret_outputs = _sync_await(_resolve(exported | returned))
    return run


async def _resolve(values: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    resolved: dict[str, Any] = {}
    secret: set[str] = set()
    for name, value in values.items():
        output = pulumi.Output.from_input(value)
        known = await output.is_known()
        if await output.is_secret():
            secret.add(name)
        resolved[name] = await output.future() if known else UNKNOWN
    await asyncio.sleep(0)
    return resolved, secret


def _secret_config(secrets: Mapping[str, str] | None) -> tuple[dict[str, str], list]:
    full = {
        (key if ":" in key else f"{PROJECT}:{key}"): value
        for key, value in (secrets or {}).items()
    }
    return full, sorted(full)


def run_program(
    stack: str,
    *,
    cloud: str | None = None,
    preview: bool = False,
    overrides: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
) -> ProgramRun:
    """Run `infra/__main__.py` for `stack` as `pulumi up` (or `pulumi preview`,
    with `preview=True`) would, and return what it declared and exported.

    `secrets` are set as secret config keys, as `pulumi config set --secret` does.
    The program's own error (e.g. `ConfigError`) propagates.
    """
    config = stack_config(stack, cloud=cloud, overrides=overrides)
    secret_values, secret_keys = _secret_config(secrets)

    def program() -> None:
        with _working_directory(INFRA):
            runpy.run_path(".", run_name="__main__")

    return _run(
        program,
        stack=stack,
        preview=preview,
        config=config | secret_values,
        secret_keys=secret_keys,
    )


_RUNS: dict[tuple[str, str, bool], ProgramRun] = {}


def cached_run(stack: str, cloud: str, preview: bool = False) -> ProgramRun:
    """`run_program(stack, cloud=cloud, preview=preview)`, run once per process:
    tests that only inspect a run share it."""
    key = (stack, cloud, preview)
    if key not in _RUNS:
        _RUNS[key] = run_program(stack, cloud=cloud, preview=preview)
    return _RUNS[key]


def run_components(
    declare: Callable[[], Mapping[str, Any] | None],
    *,
    stack: str = "staging",
    preview: bool = False,
) -> ProgramRun:
    """Run `declare` (which builds components directly, from typed arguments) under
    the same mocks. A mapping it returns is resolved into `ProgramRun.outputs`."""
    return _run(
        lambda: declare(),
        stack=stack,
        preview=preview,
        config={},
        secret_keys=[],
    )


def load_stack_config(
    stack: str,
    *,
    cloud: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
) -> Any:
    """The program's `load_config()` for `stack`, with config set as in
    `run_program`; returns the `StackConfig` or raises its `ConfigError`."""
    from whiteboard_infra.config import load_config

    config = stack_config(stack, cloud=cloud, overrides=overrides)
    secret_values, secret_keys = _secret_config(secrets)
    pulumi.runtime.set_all_config(config | secret_values, secret_keys)
    return load_config()
