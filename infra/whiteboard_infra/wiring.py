"""What every cloud's `deploy` does the same way with the validated configuration:
secrets handed on, the app's build context, prebuilt images, the database hosts
the backend connects to, the databases' host:port endpoints, and the outputs it
returns.
"""

import os
from pathlib import Path
from typing import Protocol

import pulumi

from whiteboard_infra.config.common import POSTGRES_PORT, CommonSettings
from whiteboard_infra.deploy import DeployOutputs

APP_DIRECTORY = Path(__file__).resolve().parents[2] / "app"


class PublicEntry(Protocol):
    """A cloud's load balancer, as the outputs see it."""

    @property
    def app_url(self) -> pulumi.Output[str]: ...
    @property
    def websocket_url(self) -> pulumi.Output[str]: ...


class DatabaseEndpoints(Protocol):
    """A cloud's database, as the outputs see it."""

    @property
    def writer_endpoint(self) -> pulumi.Output[str]: ...
    @property
    def reader_endpoints(self) -> pulumi.Output[list[str]]: ...


def reveal(secret: object) -> str | None:
    """The supplied value of a `SecretStr` setting, or None when it is unset (the
    cloud's `Secrets` then generates one); it is wrapped as a Pulumi secret again
    as soon as it reaches a resource."""
    value = getattr(secret, "get_secret_value", None)
    return value() if value else None


def app_directory() -> str:
    """The Docker build context of the images. Pulumi runs the program in `infra/`;
    a path relative to that keeps the context the same on every machine, so it
    does not show up as a change."""
    return os.path.relpath(APP_DIRECTORY)


def prebuilt_images(common: CommonSettings) -> dict[str, str]:
    """Image references to deploy instead of building, by role; "" builds."""
    return {"backend": common.backend_image, "frontend": common.frontend_image}


def database_hosts(
    common: CommonSettings,
    writer_host: pulumi.Input[str],
    reader_hosts: pulumi.Input[list[str]],
) -> tuple[pulumi.Input[str], pulumi.Input[list[str]]]:
    """The writer and the replicas the backend connects to: the stack's own, or
    only `databaseHostOverride` when it is set."""
    if common.database_override_host:
        return common.database_override_host, []
    return writer_host, reader_hosts


def postgres_endpoint(host: str) -> str:
    """host:port of a managed PostgreSQL server."""
    return f"{host}:{POSTGRES_PORT}"


def postgres_endpoints(
    writer_host: pulumi.Output[str], reader_hosts: pulumi.Output[list[str]]
) -> tuple[pulumi.Output[str], pulumi.Output[list[str]]]:
    """host:port of the writer and of each replica, from their host names."""
    return (
        writer_host.apply(postgres_endpoint),
        reader_hosts.apply(lambda hosts: [postgres_endpoint(host) for host in hosts]),
    )


def deploy_outputs(entry: PublicEntry, database: DatabaseEndpoints) -> DeployOutputs:
    """What `deploy` returns: the public URLs and the database's endpoints."""
    return DeployOutputs(
        app_url=entry.app_url,
        websocket_url=entry.websocket_url,
        database_writer_endpoint=database.writer_endpoint,
        database_reader_endpoints=database.reader_endpoints,
    )
