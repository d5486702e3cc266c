"""The one error a bad stack configuration raises."""

import pulumi


class ConfigError(pulumi.RunError):
    """A stack setting is refused.

    The message is one line that names the key, the value and what is allowed.
    `pulumi.RunError` makes Pulumi print just that line, without a traceback.
    """


def refuse(key: str, value: object, allowed: str) -> ValueError:
    """The error for `whiteboard:<key>=<value>`, in the shape every check uses."""
    return ValueError(f"whiteboard:{key}={value} is refused: {allowed}")
