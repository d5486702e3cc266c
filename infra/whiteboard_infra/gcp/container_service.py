"""ContainerService: the backend and the frontend on Cloud Run (v2).

Creates, for each of the two services, its own service account (the frontend's
may do nothing; the backend's may read exactly its two secrets), and the Cloud Run
service. Both accept traffic only from the load balancer
(INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER) and skip the invoker IAM check, since the
app is public behind it. Both have a startup and a liveness probe on `/healthz`;
neither uses `/readyz` for liveness, so a database outage never restarts them.

The backend runs min-max instances with CPU always allocated (its LISTEN/NOTIFY
listener works between requests), reaches the database through direct VPC egress
into the subnet, and reads the database password and the secret key from Secret
Manager. WebSockets: Cloud Run counts an open WebSocket as one request in
progress, so the request concurrency is the number of sockets an instance holds,
and the request timeout (at most 3600 s) is the longest a socket lives before
Cloud Run closes it and the client reconnects. Session affinity sends a client
back to the instance it used before, as long as that instance has room.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

from whiteboard_infra.config.common import POSTGRES_PORT
from whiteboard_infra.contract import (
    BACKEND_PORT,
    FRONTEND_PORT,
    LIVENESS_PATH,
    SECRET_VARIABLES,
    backend_environment,
)

FRONTEND_CONCURRENCY = 250
FRONTEND_MAX_INSTANCES = 10

# The external Application Load Balancer appends two entries to X-Forwarded-For,
# "<client>,<load balancer>": the client is second from the right, and anything
# further left came from the client itself.
TRUSTED_PROXY_HOPS = 2

# Cloud Run resolves names through the metadata server; nginx needs it spelled out.
_METADATA_RESOLVER = "169.254.169.254"


def service_name(prefix: str, role: str) -> str:
    """The Cloud Run service name of `role` ("backend" or "frontend"); the load
    balancer refers to the services by it before they exist."""
    return f"{prefix}-{role}"


@dataclass(frozen=True)
class InstanceSize:
    """vCPUs and memory of one instance."""

    cpu: int
    memory_mib: int


@dataclass(frozen=True)
class ContainerServiceArgs:
    """Arguments of `ContainerService`."""

    name: str
    """Prefix of every resource name; services are `<name>-backend`, `-frontend`."""

    region: str
    network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    """Where the backend's direct VPC egress takes its addresses."""

    backend_image: pulumi.Input[str]
    frontend_image: pulumi.Input[str]
    secret_ids: dict[str, pulumi.Input[str]]
    """Secret Manager ids by the secret names in the contract's
    `SECRET_VARIABLES`."""

    app_url: pulumi.Input[str]
    """The app's public URL: the one origin browsers may open WebSockets from."""

    database_host: pulumi.Input[str]
    database_reader_hosts: pulumi.Input[list[str]]
    database_name: str
    database_user: str
    database_port: int = POSTGRES_PORT
    """The writer's port (default 5432)."""

    database_pool_size: int = 5
    """`DATABASE_POOL_SIZE` (default 5)."""

    backend: InstanceSize = InstanceSize(cpu=1, memory_mib=1024)
    """Size of a backend instance (default 1 vCPU, 1024 MiB)."""

    frontend: InstanceSize = InstanceSize(cpu=1, memory_mib=512)
    """Size of a frontend instance (default 1 vCPU, 512 MiB)."""

    backend_min_instances: int = 2
    """Backend instances kept warm (default 2)."""

    backend_max_instances: int = 10
    """Most backend instances Cloud Run starts (default 10)."""

    backend_concurrency: int = 1000
    """Open requests, WebSockets included, per backend instance (default 1000)."""

    request_timeout_seconds: int = 3600
    """Longest request, and so longest WebSocket (default and most: 3600)."""

    frontend_min_instances: int = 2
    """Frontend instances kept warm (default 2; at most 10 run)."""

    environment: str = "staging"
    log_level: str = "info"
    shutdown_grace_seconds: int = 8
    """`SHUTDOWN_GRACE_SECONDS`: below Cloud Run's 10 s before SIGKILL (default 8)."""

    deletion_protection: bool = False
    """Refuse to delete the services (default False, so staging can be destroyed)."""


class ContainerService(pulumi.ComponentResource):
    """The backend and the frontend as Cloud Run services behind the load balancer."""

    backend: gcp.cloudrunv2.Service
    frontend: gcp.cloudrunv2.Service
    service_accounts: dict[str, gcp.serviceaccount.Account]
    backend_service_name: pulumi.Output[str]
    frontend_service_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: ContainerServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:gcp:ContainerService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.service_accounts = {
            role: gcp.serviceaccount.Account(
                f"{name}-{role}",
                account_id=f"{args.name}-{role}",
                display_name=f"{args.name} {role} on Cloud Run",
                opts=child,
            )
            for role in ("backend", "frontend")
        }
        backend_account = self.service_accounts["backend"]

        # Each secret is readable by the backend alone, one binding per secret.
        readable = [
            gcp.secretmanager.SecretIamMember(
                f"{name}-backend-reads-{secret}",
                secret_id=args.secret_ids[secret],
                role="roles/secretmanager.secretAccessor",
                member=backend_account.member,
                opts=child,
            )
            for secret in SECRET_VARIABLES.values()
        ]

        self.backend = gcp.cloudrunv2.Service(
            f"{name}-backend",
            name=service_name(args.name, "backend"),
            location=args.region,
            ingress="INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
            invoker_iam_disabled=True,
            deletion_protection=args.deletion_protection,
            template={
                "service_account": backend_account.email,
                "execution_environment": "EXECUTION_ENVIRONMENT_GEN2",
                "scaling": {
                    "min_instance_count": args.backend_min_instances,
                    "max_instance_count": args.backend_max_instances,
                },
                "max_instance_request_concurrency": args.backend_concurrency,
                "timeout": f"{args.request_timeout_seconds}s",
                "session_affinity": True,
                "vpc_access": {
                    "network_interfaces": [
                        {"network": args.network_id, "subnetwork": args.subnet_id}
                    ],
                    "egress": "PRIVATE_RANGES_ONLY",
                },
                "containers": [
                    {
                        "name": "backend",
                        "image": args.backend_image,
                        # Cloud Run sets PORT from this and refuses it in `envs`.
                        "ports": {"name": "http1", "container_port": BACKEND_PORT},
                        "envs": [*_backend_plain_env(args), *_secret_env(args)],
                        "resources": _resources(args.backend, cpu_idle=False),
                        **_probes(BACKEND_PORT),
                    }
                ],
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=readable),
        )

        self.frontend = gcp.cloudrunv2.Service(
            f"{name}-frontend",
            name=service_name(args.name, "frontend"),
            location=args.region,
            ingress="INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
            invoker_iam_disabled=True,
            deletion_protection=args.deletion_protection,
            template={
                "service_account": self.service_accounts["frontend"].email,
                "execution_environment": "EXECUTION_ENVIRONMENT_GEN2",
                "scaling": {
                    "min_instance_count": args.frontend_min_instances,
                    "max_instance_count": FRONTEND_MAX_INSTANCES,
                },
                "max_instance_request_concurrency": FRONTEND_CONCURRENCY,
                "containers": [
                    {
                        "name": "frontend",
                        "image": args.frontend_image,
                        "ports": {"name": "http1", "container_port": FRONTEND_PORT},
                        "envs": [
                            {"name": "NGINX_RESOLVER", "value": _METADATA_RESOLVER}
                        ],
                        "resources": _resources(args.frontend, cpu_idle=True),
                        **_probes(FRONTEND_PORT),
                    }
                ],
            },
            opts=child,
        )

        self.backend_service_name = self.backend.name
        self.frontend_service_name = self.frontend.name
        self.register_outputs(
            {
                "backend_service": self.backend_service_name,
                "frontend_service": self.frontend_service_name,
                "backend_service_account": backend_account.email,
            }
        )


def _backend_plain_env(args: ContainerServiceArgs) -> list[Any]:
    # Cloud Run sets PORT itself from the container's port.
    plain = backend_environment(
        args,
        database_host=args.database_host,
        database_reader_hosts=args.database_reader_hosts,
        trusted_proxy_hops=TRUSTED_PROXY_HOPS,
        allowed_origin=args.app_url,
    )
    return [{"name": key, "value": value} for key, value in plain.items()]


def _secret_env(args: ContainerServiceArgs) -> list[Any]:
    return [
        {
            "name": variable,
            "value_source": {
                "secret_key_ref": {
                    "secret": args.secret_ids[secret],
                    "version": "latest",
                }
            },
        }
        for variable, secret in SECRET_VARIABLES.items()
    ]


def _resources(size: InstanceSize, *, cpu_idle: bool) -> Any:
    return {
        "limits": {"cpu": str(size.cpu), "memory": f"{size.memory_mib}Mi"},
        "cpu_idle": cpu_idle,
        "startup_cpu_boost": True,
    }


def _probes(port: int) -> Any:
    """Startup and liveness probes on the liveness path, which never touches the
    database; startup allows two minutes for migrations to begin."""
    check = {"path": LIVENESS_PATH, "port": port}
    return {
        "startup_probe": {
            "http_get": check,
            "period_seconds": 5,
            "timeout_seconds": 3,
            "failure_threshold": 24,
        },
        "liveness_probe": {
            "http_get": check,
            "period_seconds": 15,
            "timeout_seconds": 5,
            "failure_threshold": 3,
        },
    }
