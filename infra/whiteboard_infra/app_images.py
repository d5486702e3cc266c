"""The two images the platform runs, chosen and built the same way on every cloud.

Each service runs the prebuilt reference the stack supplies (what CI passes) or,
without one, an image built from `app/<image>` (its Dockerfile, for linux/amd64)
and pushed with pulumi-docker. Services refer to a pushed image by digest, so a
new build rolls out and an unchanged one does not. Each cloud's `Registry` says
where an image is pushed and how the push signs in.
"""

from collections.abc import Callable, Mapping
from pathlib import Path

import pulumi
import pulumi_docker as docker

IMAGES = ("backend", "frontend")
"""The images, named like their directories under `app/`."""


def image_references(
    prebuilt_images: Mapping[str, str],
    build: Callable[[str], pulumi.Output[str]],
) -> dict[str, pulumi.Output[str]]:
    """The reference each service runs, by image: the prebuilt one where the stack
    names it, else what `build(image)` pushes."""
    references = {}
    for image in IMAGES:
        prebuilt = prebuilt_images.get(image)
        references[image] = (
            pulumi.Output.from_input(prebuilt) if prebuilt else build(image)
        )
    return references


def push_image(
    resource_name: str,
    app_directory: str,
    image: str,
    *,
    image_name: pulumi.Input[str],
    registry: docker.RegistryArgsDict,
    opts: pulumi.ResourceOptions,
) -> pulumi.Output[str]:
    """Build `app/<image>` for linux/amd64, push it as `image_name` with the
    `registry` sign-in, and return the pushed image's digest reference."""
    context = str(Path(app_directory) / image)
    built = docker.Image(
        resource_name,
        image_name=image_name,
        build={
            "context": context,
            "dockerfile": str(Path(context) / "Dockerfile"),
            "platform": "linux/amd64",
        },
        registry=registry,
        opts=opts,
    )
    return built.repo_digest
