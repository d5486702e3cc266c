"""Registry: ECR repositories for the two images, and the images themselves.

Creates one repository per image (scanned on push, old untagged images expired),
and for each image either builds `app/<image>` with Docker and pushes it
(pulumi-docker), or takes the prebuilt reference the stack supplies (what CI
passes). Services refer to pushed images by digest, so a new build rolls out and an
unchanged one does not.
"""

import re
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from whiteboard_infra.app_images import IMAGES, image_references, push_image

_ECR_REFERENCE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    r"/(?P<repository>[a-z0-9._/-]+?)(?:[:@].*)?$"
)


def ecr_repository_arn(reference: str) -> str | None:
    """The ARN of the ECR repository an image reference points into, or None for an
    image elsewhere (a public registry)."""
    match = _ECR_REFERENCE.match(reference)
    if match is None:
        return None
    return (
        f"arn:aws:ecr:{match['region']}:{match['account']}:repository/"
        f"{match['repository']}"
    )


_KEEP_IMAGES = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "keep the 20 newest images",
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": 20,
            },
            "action": {"type": "expire"},
        }
    ]
}


@dataclass(frozen=True)
class RegistryArgs:
    """Arguments of `Registry`."""

    name: str
    """Prefix of every repository name."""

    app_directory: str
    """Path of `app/` (holding `backend/` and `frontend/` with Dockerfiles), relative
    to the working directory Pulumi runs the program in."""

    prebuilt_images: dict[str, str] = field(default_factory=dict)
    """Image references by image name ("backend", "frontend") to use instead of
    building; default: build both."""

    force_delete: bool = True
    """Let `pulumi destroy` delete repositories that still hold images (default)."""


class Registry(pulumi.ComponentResource):
    """ECR repositories and the images that run in them."""

    repositories: dict[str, aws.ecr.Repository]
    repository_arns: list[pulumi.Output[str]]
    """Repositories the services pull from: this stack's, and the ECR repositories
    that prebuilt image references name (CI pushes to a shared one)."""
    images: dict[str, pulumi.Output[str]]
    """The reference each service runs, by image name."""

    def __init__(
        self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:aws:Registry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.repositories = {}
        for image in IMAGES:
            repository = aws.ecr.Repository(
                f"{name}-{image}",
                name=f"{args.name}/{image}",
                image_scanning_configuration={"scan_on_push": True},
                image_tag_mutability="MUTABLE",
                encryption_configurations=[{"encryption_type": "AES256"}],
                force_delete=args.force_delete,
                opts=child,
            )

            aws.ecr.LifecyclePolicy(
                f"{name}-{image}",
                repository=repository.name,
                policy=pulumi.Output.json_dumps(_KEEP_IMAGES),
                opts=child,
            )
            self.repositories[image] = repository

        self.images = image_references(
            args.prebuilt_images,
            lambda image: self._build(
                name, image, self.repositories[image], args.app_directory
            ),
        )

        prebuilt_arns = {
            arn
            for reference in args.prebuilt_images.values()
            if reference and (arn := ecr_repository_arn(reference))
        }
        self.repository_arns = [repo.arn for repo in self.repositories.values()]
        self.repository_arns += [
            pulumi.Output.from_input(a) for a in sorted(prebuilt_arns)
        ]
        self.register_outputs(
            {
                "repository_urls": {
                    image: repo.repository_url
                    for image, repo in self.repositories.items()
                },
                "images": self.images,
            }
        )

    def _build(
        self,
        name: str,
        image: str,
        repository: aws.ecr.Repository,
        app_directory: str,
    ) -> pulumi.Output[str]:
        credentials = aws.ecr.get_authorization_token_output(
            registry_id=repository.registry_id,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        return push_image(
            f"{name}-{image}",
            app_directory,
            image,
            image_name=repository.repository_url.apply(lambda url: f"{url}:latest"),
            registry={
                "server": repository.repository_url,
                "username": credentials.user_name,
                "password": pulumi.Output.secret(credentials.password),
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
