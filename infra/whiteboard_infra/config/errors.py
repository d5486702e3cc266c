"""The one error a bad stack configuration raises."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pulumi

HIDDEN = "(secret)"
"""What a refusal shows instead of the value of a key the stack keeps secret."""

_secret_keys: ContextVar[frozenset[str]] = ContextVar(
    "whiteboard_secret_keys", default=frozenset()
)


class ConfigError(pulumi.RunError):
    """A stack setting is refused.

    The message is one line that names the key, the value and what is allowed.
    `pulumi.RunError` makes Pulumi print just that line, without a traceback.
    """


@contextmanager
def secret_keys(keys: Iterable[str]) -> Iterator[None]:
    """While validating, show `(secret)` for these keys' values in every refusal."""
    token = _secret_keys.set(frozenset(keys))
    try:
        yield
    finally:
        _secret_keys.reset(token)


def shown(key: str, value: object) -> str:
    """A setting's value as a refusal may print it: on one line, quoted when it
    holds a line break or another unprintable character or starts or ends with
    white space."""
    if key in _secret_keys.get():
        return HIDDEN
    text = str(value)
    if text.isprintable() and text == text.strip():
        return text
    return repr(text)


def one_line(text: str) -> str:
    """`text` with every unprintable character (a line break, say) escaped."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def setting(key: str, value: object) -> str:
    """`whiteboard:<key>=<value>`, for a refusal that names another setting."""
    return f"whiteboard:{key}={shown(key, value)}"


def refuse(key: str, value: object, allowed: str) -> ValueError:
    """The error for `whiteboard:<key>=<value>`, in the shape every check uses.

    When the key is secret, its value is hidden in `allowed` too (a name built
    from it, say).
    """
    text = str(value)
    if key in _secret_keys.get() and text:
        allowed = allowed.replace(text, HIDDEN)
    return ValueError(f"{setting(key, value)} is refused: {one_line(allowed)}")
