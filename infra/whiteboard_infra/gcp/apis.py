"""ProjectApis: the Google Cloud APIs the platform uses, enabled in the project.

Creates one `projects.Service` per API. Every other component waits for them (a
new project answers 403 to calls on an API it has not enabled). Destroying the
stack leaves them enabled: other things in the project may use them.
"""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

APIS = (
    "artifactregistry.googleapis.com",
    "compute.googleapis.com",
    "dns.googleapis.com",
    "monitoring.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
)


@dataclass(frozen=True)
class ProjectApisArgs:
    """Arguments of `ProjectApis`."""

    apis: tuple[str, ...] = APIS
    """Service names to enable (default: every API the platform calls)."""


class ProjectApis(pulumi.ComponentResource):
    """The APIs the platform needs, enabled and left enabled."""

    services: list[gcp.projects.Service]

    def __init__(
        self,
        name: str,
        args: ProjectApisArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:gcp:ProjectApis", name, None, opts)
        self.services = [
            gcp.projects.Service(
                f"{name}-{api.split('.')[0]}",
                service=api,
                disable_on_destroy=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for api in args.apis
        ]
        self.register_outputs({"apis": [s.service for s in self.services]})
