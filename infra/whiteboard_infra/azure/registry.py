"""Registry: an Azure Container Registry for the two images, and the images.

Creates the registry with its admin user disabled: container apps pull with a
managed identity that holds AcrPull on it (see `ContainerService`), and nothing
holds a registry password. For each image it either builds `app/<image>` and
pushes it (pulumi-docker), or takes the prebuilt reference the stack supplies
(what CI passes). A build pushes with the credentials Docker already holds for the
registry (`az acr login --name <registry>`), since there is no admin password to
hand it. Apps refer to pushed images by digest, so a new build rolls out and an
unchanged one does not.
"""

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import containerregistry

from whiteboard_infra.app_images import image_references, push_image


@dataclass(frozen=True)
class RegistryArgs:
    """Arguments of `Registry`."""

    registry_name: pulumi.Input[str]
    """5-50 letters and digits, unique in Azure."""

    resource_group_name: pulumi.Input[str]
    location: str

    app_directory: str
    """Path of `app/` (holding `backend/` and `frontend/` with Dockerfiles), relative
    to the working directory Pulumi runs the program in."""

    prebuilt_images: dict[str, str] = field(default_factory=dict)
    """Image references by image name ("backend", "frontend") to use instead of
    building; default: build both."""

    sku: str = "Basic"
    """Registry tier: Basic, Standard or Premium (default Basic)."""


class Registry(pulumi.ComponentResource):
    """A container registry without admin credentials, and the images to run."""

    registry: containerregistry.Registry
    registry_id: pulumi.Output[str]
    login_server: pulumi.Output[str]
    images: dict[str, pulumi.Output[str]]
    """The reference each app runs, by image name."""

    def __init__(
        self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:azure:Registry", name, None, opts)

        self.registry = containerregistry.Registry(
            f"{name}-registry",
            registry_name=args.registry_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku={"name": args.sku},
            admin_user_enabled=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.registry_id = self.registry.id
        self.login_server = self.registry.login_server

        self.images = image_references(
            args.prebuilt_images,
            lambda image: self._build(name, image, args.app_directory),
        )

        self.register_outputs(
            {
                "registry_id": self.registry_id,
                "login_server": self.login_server,
                "images": self.images,
            }
        )

    def _build(self, name: str, image: str, app_directory: str) -> pulumi.Output[str]:
        return push_image(
            f"{name}-{image}",
            app_directory,
            image,
            image_name=self.login_server.apply(
                lambda server: f"{server}/whiteboard/{image}:latest"
            ),
            registry={"server": self.login_server},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.registry]),
        )
