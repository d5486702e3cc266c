"""Registry: an Artifact Registry repository for the two images, and the images.

Creates one Docker repository in the region (keeping the 20 newest versions of
each image, deleting the rest), and for each image either builds `app/<image>`
with Docker and pushes it (pulumi-docker, signing in with the deployer's own
access token), or takes the prebuilt reference the stack supplies (what CI
passes). Services run pushed images by digest, so a new build rolls out and an
unchanged one does not.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from whiteboard_infra.app_images import image_references, push_image

KEEP_VERSIONS = 20


@dataclass(frozen=True)
class RegistryArgs:
    """Arguments of `Registry`."""

    name: str
    """The repository id."""

    region: str
    """Where the repository lives (the services' region, so pulls stay local)."""

    app_directory: str
    """Path of `app/` (holding `backend/` and `frontend/` with Dockerfiles), relative
    to the working directory Pulumi runs the program in."""

    prebuilt_images: dict[str, str] = field(default_factory=dict)
    """Image references by image name ("backend", "frontend") to use instead of
    building; default: build both."""


class Registry(pulumi.ComponentResource):
    """An Artifact Registry repository and the images the services run."""

    repository: gcp.artifactregistry.Repository
    repository_url: pulumi.Output[str]
    """`<region>-docker.pkg.dev/<project>/<repository>`."""
    images: dict[str, pulumi.Output[str]]
    """The reference each service runs, by image name."""

    def __init__(
        self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:gcp:Registry", name, None, opts)

        self.repository = gcp.artifactregistry.Repository(
            f"{name}-images",
            repository_id=args.name,
            location=args.region,
            format="DOCKER",
            description=f"Container images of {args.name}",
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                {
                    "id": "keep-newest",
                    "action": "KEEP",
                    "most_recent_versions": {"keep_count": KEEP_VERSIONS},
                },
                {
                    "id": "delete-older",
                    "action": "DELETE",
                    "condition": {"tag_state": "ANY", "older_than": "2592000s"},
                },
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.repository_url = pulumi.Output.concat(
            self.repository.location,
            "-docker.pkg.dev/",
            self.repository.project,
            "/",
            self.repository.repository_id,
        )

        self.images = image_references(
            args.prebuilt_images, lambda image: self._build(name, image, args)
        )

        self.register_outputs(
            {"repository_url": self.repository_url, "images": self.images}
        )

    def _build(self, name: str, image: str, args: RegistryArgs) -> pulumi.Output[str]:
        client = gcp.organizations.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        return push_image(
            f"{name}-{image}",
            args.app_directory,
            image,
            image_name=self.repository_url.apply(lambda url: f"{url}/{image}:latest"),
            registry={
                "server": f"{args.region}-docker.pkg.dev",
                "username": "oauth2accesstoken",
                "password": pulumi.Output.secret(client.access_token),
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
