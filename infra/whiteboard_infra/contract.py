"""The contract between the program and the app's containers, the same on every
cloud: ports, health paths, the paths the load balancer sends to the backend, the
backend's environment and the public URLs.

Each cloud decides how a value reaches the container (a task definition, a Cloud
Run `envs` list, a Container Apps `env` list, a secret store reference); the names
and values come from here. The README's "Contract between infrastructure and app"
section lists them.
"""

from collections.abc import Sequence
from typing import Protocol

import pulumi

BACKEND_PORT = 8000
FRONTEND_PORT = 8080
LIVENESS_PATH = "/healthz"
"""Answers while the process serves; never touches the database."""
READINESS_PATH = "/readyz"
"""Answers only when the database does and migrations are applied."""
BACKEND_PATHS = ["/api/*", "/ws/*"]
"""What the load balancer sends to the backend; everything else goes to the
frontend."""

SECRET_VARIABLES = {
    "DATABASE_PASSWORD": "database-password",
    "SECRET_KEY": "secret-key",
}
"""The backend's variables read from the cloud's secret store, by the name of the
secret there (every cloud's `Secrets` stores these two under these names)."""


class BackendSettings(Protocol):
    """The configured part of the backend's environment. `CommonSettings` has it,
    and so does every cloud's `ContainerServiceArgs` that builds the environment."""

    @property
    def database_port(self) -> int: ...
    @property
    def database_name(self) -> str: ...
    @property
    def database_user(self) -> str: ...
    @property
    def database_pool_size(self) -> int: ...
    @property
    def environment(self) -> str: ...
    @property
    def log_level(self) -> str: ...
    @property
    def shutdown_grace_seconds(self) -> int: ...


def backend_environment(
    settings: BackendSettings,
    *,
    database_host: pulumi.Input[str],
    database_reader_hosts: pulumi.Input[Sequence[str]],
    trusted_proxy_hops: int,
    allowed_origin: pulumi.Input[str] | None = None,
    port: int | None = None,
) -> dict[str, pulumi.Input[str]]:
    """The backend's plain (non-secret) variables, in one fixed order.

    `trusted_proxy_hops` is how many entries the cloud's proxies append to
    X-Forwarded-For. `allowed_origin` is the one origin browsers may open
    WebSockets from (left out when None). `port` becomes `PORT`, last; None where
    the platform sets `PORT` itself. Plain values in, plain values out: a cloud
    that writes the environment into a JSON document can call this inside an
    `apply`.
    """
    variables: dict[str, pulumi.Input[str]] = {
        "DATABASE_HOST": database_host,
        "DATABASE_PORT": str(settings.database_port),
        "DATABASE_NAME": settings.database_name,
        "DATABASE_USER": settings.database_user,
        "DATABASE_READER_HOSTS": _comma_separated(database_reader_hosts),
        "DATABASE_SSLMODE": "require",
        "DATABASE_POOL_SIZE": str(settings.database_pool_size),
        "ENVIRONMENT": settings.environment,
        "LOG_LEVEL": settings.log_level,
        "SHUTDOWN_GRACE_SECONDS": str(settings.shutdown_grace_seconds),
    }
    if allowed_origin is not None:
        variables["ALLOWED_ORIGINS"] = allowed_origin
    variables["TRUSTED_PROXY_HOPS"] = str(trusted_proxy_hops)
    if port is not None:
        variables["PORT"] = str(port)
    return variables


def public_urls(
    host: pulumi.Output[str], *, secure: bool
) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """The app's URL and the base of its WebSocket endpoints on `host`: https and
    wss when the entry serves TLS, http and ws when it does not."""
    web, socket = ("https", "wss") if secure else ("http", "ws")
    return (
        host.apply(lambda name: f"{web}://{name}"),
        host.apply(lambda name: f"{socket}://{name}/ws"),
    )


def _comma_separated(hosts: pulumi.Input[Sequence[str]]) -> pulumi.Input[str]:
    if isinstance(hosts, list | tuple) and all(isinstance(h, str) for h in hosts):
        return ",".join(hosts)
    return pulumi.Output.from_input(hosts).apply(",".join)
