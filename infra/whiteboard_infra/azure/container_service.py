"""ContainerService: the Container Apps environment and the two apps.

Creates a Log Analytics workspace for the apps' logs; a workload-profiles
environment inside the virtual network with an internal load balancer only (no
public address: the Application Gateway is the way in), and a private DNS zone for
the environment's domain so the gateway resolves the apps' names to it; a managed
identity that may pull from the registry (AcrPull) and read the Key Vault secrets
(Key Vault Secrets User); and the backend and frontend apps.

The backend runs `min_replicas`-`max_replicas` replicas, scaled on concurrent
requests (each open WebSocket counts) and on CPU, whichever asks for more. It
takes its secrets from Key Vault through the identity, answers liveness and
startup probes on /healthz and readiness on /readyz, and keeps each client on one
replica (sticky sessions, which Container Apps offers only in single revision
mode). Both apps admit traffic only from the gateway's subnet.

Idle connections: the environment's ingress closes a request idle for 4 minutes
(only premium ingress on a dedicated workload profile raises that, to at most 30).
The frontend pings every 25 seconds, so an open board's WebSocket is never idle
that long.
"""

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import app, managedidentity, operationalinsights, privatedns

from whiteboard_infra.azure.containers import ingress_fqdn, probes, resources
from whiteboard_infra.azure.roles import (
    ACR_PULL_ROLE,
    KEY_VAULT_SECRETS_USER_ROLE,
    grant,
)
from whiteboard_infra.contract import (
    BACKEND_PORT,
    FRONTEND_PORT,
    LIVENESS_PATH,
    READINESS_PATH,
    SECRET_VARIABLES,
)

WORKLOAD_PROFILE = "Consumption"


@dataclass(frozen=True)
class ContainerServiceArgs:
    """Arguments of `ContainerService`."""

    name: str
    """Prefix of every resource name (apps are `<name>-backend`, `<name>-frontend`)."""

    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: pulumi.Input[str]
    virtual_network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    """The subnet delegated to Microsoft.App/environments, /27 or larger."""

    gateway_subnet_range: str
    """The Application Gateway's subnet: the only source the apps admit."""

    registry_id: pulumi.Input[str]
    registry_server: pulumi.Input[str]
    key_vault_id: pulumi.Input[str]
    secret_urls: dict[str, pulumi.Output[str]]
    """Versionless Key Vault URLs of `database-password` and `secret-key`."""

    backend_image: pulumi.Input[str]
    frontend_image: pulumi.Input[str]
    backend_environment: dict[str, pulumi.Input[str]]
    """Plain environment variables of the backend (no secrets)."""

    backend_cpu_millicores: int = 500
    """CPU of a backend replica (default 500 = half a vCPU); memory is twice it in
    GiB per vCPU."""

    frontend_cpu_millicores: int = 250
    """CPU of a frontend replica (default 250)."""

    min_replicas: int = 2
    """Fewest backend replicas (default 2)."""

    max_replicas: int = 10
    """Most backend replicas (default 10)."""

    concurrent_requests_per_replica: int = 1000
    """Open requests and WebSockets per replica the scaler aims for (default 1000)."""

    cpu_target_percent: int = 60
    """Average CPU use of the replicas the scaler aims for (default 60)."""

    scale_in_cooldown_seconds: int = 300
    """Seconds without load before replicas are removed (default 300)."""

    frontend_replicas: int = 2
    """Frontend replicas, fixed (default 2)."""

    termination_grace_seconds: int = 30
    """Seconds a stopping replica gets between SIGTERM and SIGKILL (default 30)."""

    log_retention_days: int = 30
    """Days Log Analytics keeps the apps' logs, 30-730 (default 30)."""

    zone_redundant: bool = False
    """Spread the environment over availability zones (default False)."""

    tags: dict[str, str] = field(default_factory=dict)
    """Tags on every resource (default none)."""


class ContainerService(pulumi.ComponentResource):
    """An internal Container Apps environment running the backend and frontend."""

    workspace: operationalinsights.Workspace
    environment: app.ManagedEnvironment
    identity: managedidentity.UserAssignedIdentity
    backend: app.ContainerApp
    frontend: app.ContainerApp
    environment_id: pulumi.Output[str]
    backend_id: pulumi.Output[str]
    backend_fqdn: pulumi.Output[str]
    frontend_fqdn: pulumi.Output[str]
    identity_principal_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: ContainerServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:azure:ContainerService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group = args.resource_group_name

        self.workspace = operationalinsights.Workspace(
            f"{name}-logs",
            workspace_name=f"{args.name}-logs",
            resource_group_name=group,
            location=args.location,
            sku={"name": "PerGB2018"},
            retention_in_days=args.log_retention_days,
            opts=child,
        )
        keys = operationalinsights.get_shared_keys_output(
            resource_group_name=group,
            workspace_name=self.workspace.name,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )

        self.environment = app.ManagedEnvironment(
            f"{name}-environment",
            environment_name=f"{args.name}-env",
            resource_group_name=group,
            location=args.location,
            workload_profiles=[
                {"name": WORKLOAD_PROFILE, "workload_profile_type": WORKLOAD_PROFILE}
            ],
            vnet_configuration={
                "infrastructure_subnet_id": args.subnet_id,
                "internal": True,
            },
            zone_redundant=args.zone_redundant,
            app_logs_configuration={
                "destination": "log-analytics",
                "log_analytics_configuration": {
                    "customer_id": self.workspace.customer_id,
                    "shared_key": pulumi.Output.secret(keys.primary_shared_key),
                },
            },
            opts=child,
        )
        self.environment_id = self.environment.id
        self._resolve_environment_domain(name, args)

        self.identity = managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_name_=f"{args.name}-apps",
            resource_group_name=group,
            location=args.location,
            opts=child,
        )
        self.identity_principal_id = self.identity.principal_id
        grants = [
            grant(
                f"{name}-{purpose}",
                principal_id=self.identity.principal_id,
                role=role,
                scope=scope,
                subscription_id=args.subscription_id,
                parent=self,
            )
            for purpose, role, scope in (
                ("acr-pull", ACR_PULL_ROLE, args.registry_id),
                ("key-vault-secrets", KEY_VAULT_SECRETS_USER_ROLE, args.key_vault_id),
            )
        ]
        # An app's first revision pulls its image and reads its secrets at once:
        # the grants must be in place before it is created.
        after_grants = pulumi.ResourceOptions(parent=self, depends_on=grants)

        # Secrets by reference only: the app reads them from Key Vault itself.
        environment: list[app.EnvironmentVarArgsDict] = [
            {"name": key, "value": value}
            for key, value in args.backend_environment.items()
        ]
        environment.append({"name": "PORT", "value": str(BACKEND_PORT)})
        environment += [
            {"name": variable, "secret_ref": secret}
            for variable, secret in SECRET_VARIABLES.items()
        ]

        self.backend = app.ContainerApp(
            f"{name}-backend",
            container_app_name=f"{args.name}-backend",
            resource_group_name=group,
            location=args.location,
            managed_environment_id=self.environment.id,
            workload_profile_name=WORKLOAD_PROFILE,
            identity=self._identity(),
            configuration={
                "active_revisions_mode": "Single",
                "ingress": self._ingress(args, BACKEND_PORT, sticky=True),
                "registries": [self._registry(args)],
                "secrets": [
                    {
                        "name": secret,
                        "key_vault_url": args.secret_urls[secret],
                        "identity": self.identity.id,
                    }
                    for secret in SECRET_VARIABLES.values()
                ],
            },
            template={
                "containers": [
                    {
                        "name": "backend",
                        "image": args.backend_image,
                        "resources": resources(args.backend_cpu_millicores),
                        "env": environment,
                        "probes": probes(BACKEND_PORT, READINESS_PATH),
                    }
                ],
                "scale": {
                    "min_replicas": args.min_replicas,
                    "max_replicas": args.max_replicas,
                    "cooldown_period": args.scale_in_cooldown_seconds,
                    "rules": [
                        {
                            "name": "concurrent-requests",
                            "http": {
                                "metadata": {
                                    "concurrentRequests": str(
                                        args.concurrent_requests_per_replica
                                    )
                                }
                            },
                        },
                        {
                            "name": "cpu",
                            "custom": {
                                "type": "cpu",
                                "metadata": {
                                    "type": "Utilization",
                                    "value": str(args.cpu_target_percent),
                                },
                            },
                        },
                    ],
                },
                "termination_grace_period_seconds": args.termination_grace_seconds,
            },
            opts=after_grants,
        )

        self.frontend = app.ContainerApp(
            f"{name}-frontend",
            container_app_name=f"{args.name}-frontend",
            resource_group_name=group,
            location=args.location,
            managed_environment_id=self.environment.id,
            workload_profile_name=WORKLOAD_PROFILE,
            identity=self._identity(),
            configuration={
                "active_revisions_mode": "Single",
                "ingress": self._ingress(args, FRONTEND_PORT, sticky=False),
                "registries": [self._registry(args)],
            },
            template={
                "containers": [
                    {
                        "name": "frontend",
                        "image": args.frontend_image,
                        "resources": resources(args.frontend_cpu_millicores),
                        "probes": probes(FRONTEND_PORT, LIVENESS_PATH),
                    }
                ],
                "scale": {
                    "min_replicas": args.frontend_replicas,
                    "max_replicas": args.frontend_replicas,
                },
            },
            opts=after_grants,
        )

        self.backend_id = self.backend.id
        self.backend_fqdn = ingress_fqdn(self.backend)
        self.frontend_fqdn = ingress_fqdn(self.frontend)
        self.register_outputs(
            {
                "environment_id": self.environment_id,
                "backend_fqdn": self.backend_fqdn,
                "frontend_fqdn": self.frontend_fqdn,
                "identity_principal_id": self.identity_principal_id,
            }
        )

    def _resolve_environment_domain(
        self, name: str, args: ContainerServiceArgs
    ) -> None:
        """An internal environment's names resolve only through a private zone of its
        own domain, pointing every name at the environment's internal address."""
        child = pulumi.ResourceOptions(parent=self)
        zone = privatedns.PrivateZone(
            f"{name}-environment-dns",
            private_zone_name=self.environment.default_domain,
            resource_group_name=args.resource_group_name,
            location="global",
            opts=child,
        )

        privatedns.VirtualNetworkLink(
            f"{name}-environment-dns-link",
            virtual_network_link_name=f"{args.name}-vnet",
            private_zone_name=zone.name,
            resource_group_name=args.resource_group_name,
            location="global",
            virtual_network={"id": args.virtual_network_id},
            registration_enabled=False,
            opts=child,
        )

        privatedns.PrivateRecordSet(
            f"{name}-environment-wildcard",
            private_zone_name=zone.name,
            resource_group_name=args.resource_group_name,
            record_type="A",
            relative_record_set_name="*",
            ttl=300,
            a_records=[{"ipv4_address": self.environment.static_ip}],
            opts=child,
        )

    def _identity(self) -> app.ManagedServiceIdentityArgsDict:
        return {
            "type": "UserAssigned",
            "user_assigned_identities": [self.identity.id],
        }

    def _registry(self, args: ContainerServiceArgs) -> app.RegistryCredentialsArgsDict:
        # The identity, never an admin password: the registry has no admin user.
        return {"server": args.registry_server, "identity": self.identity.id}

    @staticmethod
    def _ingress(
        args: ContainerServiceArgs, port: int, *, sticky: bool
    ) -> app.IngressArgsDict:
        # `external` in an internal environment means reachable from the virtual
        # network (the gateway), not from the internet; the restriction narrows
        # that to the gateway's subnet.
        return {
            "external": True,
            "target_port": port,
            "transport": "auto",
            "allow_insecure": False,
            "sticky_sessions": {"affinity": "sticky" if sticky else "none"},
            "ip_security_restrictions": [
                {
                    "name": "application-gateway",
                    "description": "Only the Application Gateway's subnet",
                    "action": "Allow",
                    "ip_address_range": args.gateway_subnet_range,
                }
            ],
        }
