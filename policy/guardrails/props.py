"""Reading resource properties and stack names the same way on every cloud.

The Pulumi engine hands a policy the resource's inputs under their schema names
(camelCase), with numbers as floats. Nested values may be dicts, lists or the policy
SDK's read-only proxies of them, so these helpers only use `Mapping` and `Sequence`.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

PRODUCTION_STACKS = frozenset({"prod"})
"""Stacks held to the production rules (7-day backups, deletion protection)."""

WORLD_CIDRS = frozenset({"0.0.0.0/0", "::/0"})

LOAD_BALANCER_PORTS = frozenset({80, 443})
"""The only ports that may be open to the whole internet: the load balancer's."""


def stack_of(urn: str) -> str:
    """The stack named in a URN such as `urn:pulumi:prod::whiteboard::type::name`."""
    head = urn.split("::", 1)[0]
    return head.rsplit(":", 1)[-1]


def is_production(urn: str) -> bool:
    """Whether the resource belongs to a production stack."""
    return stack_of(urn) in PRODUCTION_STACKS


def dig(value: Any, *path: str | int) -> Any:
    """The value at `path` inside nested mappings and lists, or None if absent."""
    for step in path:
        if isinstance(step, int):
            if not is_list(value) or step >= len(value):
                return None
            value = value[step]
        elif isinstance(value, Mapping):
            value = value.get(step)
        else:
            return None
    return value


def is_list(value: Any) -> bool:
    """A list-like value (not a string)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def items(value: Any) -> list[Any]:
    """The elements of a list-like value; an absent value gives no elements."""
    return list(value) if is_list(value) else []


def is_true(value: Any) -> bool:
    """True for a boolean true, or the string "true" some providers use."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def number(value: Any) -> float | None:
    """A numeric property (the engine sends floats), or None if unset."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def json_list(value: Any) -> list[Any]:
    """A property that AWS takes as a JSON document (ECS container definitions)."""
    if isinstance(value, str):
        decoded = json.loads(value)
        return items(decoded)
    return items(value)


def is_backend(name: str) -> bool:
    """Whether a resource runs the backend, by the program's naming convention."""
    return "backend" in name.lower()
