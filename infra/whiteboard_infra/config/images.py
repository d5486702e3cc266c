"""Container image references as Docker parses them, so a stack that passes a
prebuilt image is refused before any service is declared with it."""

import re

_REGISTRY = re.compile(
    r"(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]+)?"
)
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")

NAME_MAX_LENGTH = 255
"""The longest repository name (registry and path) Docker accepts."""

IMAGE_REFERENCE_FORM = "[registry/]name[:tag][@sha256:digest]"
"""The shape of a reference, as a refusal names it."""


def is_image_reference(reference: str) -> bool:
    """Whether `reference` is `[registry/]name[:tag][@sha256:digest]`.

    As in Docker, the first part is a registry only when it holds a dot or a port
    or is `localhost`; the name is lowercase components joined by `/`, each of
    letters and digits with single `.` or `_`, a double `_`, or dashes between.
    """
    name, at, digest = reference.partition("@")
    if at and not _DIGEST.fullmatch(digest):
        return False

    if name.rfind(":") > name.rfind("/"):
        name, _, tag = name.rpartition(":")
        if not _TAG.fullmatch(tag):
            return False

    registry, slash, path = name.partition("/")
    if not (slash and ("." in registry or ":" in registry or registry == "localhost")):
        registry, path = "", name
    if registry and not _REGISTRY.fullmatch(registry):
        return False
    return len(name) <= NAME_MAX_LENGTH and all(
        _PATH_COMPONENT.fullmatch(component) for component in path.split("/")
    )
