"""Running the pack without the Pulumi engine, over resources described in Python.

The tests use this to check each policy against one resource, and to check the whole
pack against every stack the program declares under mocks. It calls the same
`validate` functions the engine calls, with the same argument types.
"""

import asyncio
import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from guardrails import POLICIES


@dataclass(frozen=True)
class PlannedResource:
    """One resource as the program declares it: its inputs, stack and options."""

    resource_type: str
    name: str
    props: Mapping[str, Any]
    stack: str
    project: str = "whiteboard"
    protect: bool = False

    @property
    def urn(self) -> str:
        return (
            f"urn:pulumi:{self.stack}::{self.project}"
            f"::{self.resource_type}::{self.name}"
        )

    def options(self) -> PolicyResourceOptions:
        return PolicyResourceOptions(
            protect=self.protect,
            ignore_changes=[],
            delete_before_replace=None,
            aliases=[],
            custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
            additional_secret_outputs=[],
        )


@dataclass(frozen=True)
class Violation:
    """A policy's complaint about one resource (or about the stack, with no URN)."""

    policy: str
    urn: str | None
    message: str

    def __str__(self) -> str:
        return f"[{self.policy}] {self.urn or 'stack'}: {self.message}"


@dataclass
class _Collector:
    policy: str
    default_urn: str | None
    found: list[Violation] = field(default_factory=list)

    def __call__(self, message: str, urn: str | None = None) -> None:
        self.found.append(Violation(self.policy, urn or self.default_urn, message))


def _finish(result: Any) -> None:
    if inspect.isawaitable(result):
        asyncio.run(_await(result))


async def _await(result: Any) -> None:
    await result


def evaluate(
    resources: Iterable[PlannedResource], policies: Iterable[Policy] = POLICIES
) -> list[Violation]:
    """Every violation the policies report for these resources."""
    planned = list(resources)
    violations: list[Violation] = []

    for policy in policies:
        if isinstance(policy, ResourceValidationPolicy):
            for resource in planned:
                report = _Collector(policy.name, resource.urn)
                args = ResourceValidationArgs(
                    resource.resource_type,
                    resource.props,
                    resource.urn,
                    resource.name,
                    resource.options(),
                    None,
                )
                _finish(policy.validate(args, report))
                violations.extend(report.found)

        elif isinstance(policy, StackValidationPolicy):
            stack_resources = [
                PolicyResource(
                    resource.resource_type,
                    resource.props,
                    resource.urn,
                    resource.name,
                    resource.options(),
                    None,
                    None,
                    [],
                    {},
                )
                for resource in planned
            ]
            report = _Collector(policy.name, None)
            _finish(policy.validate(StackValidationArgs(stack_resources), report))
            violations.extend(report.found)

    return violations
