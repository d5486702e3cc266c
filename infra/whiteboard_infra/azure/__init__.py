"""The whiteboard on Azure: Container Apps behind an Application Gateway, with
PostgreSQL flexible server, Key Vault and a container registry.

`deploy(config)` builds, in order: the network (resource group, virtual network,
delegated subnets), the secrets in Key Vault, the registry and images, the
database, the container apps, the gateway and the alerts. Names Azure wants unique
across all customers (registry, Key Vault, database server, the gateway's DNS
label) end in a suffix derived from the resource group's id, as ARM templates'
`uniqueString` does: stable for a stack, different in another subscription.
"""

import hashlib

import pulumi
from pulumi_azure_native import authorization

from whiteboard_infra.azure.container_service import (
    ContainerService,
    ContainerServiceArgs,
)
from whiteboard_infra.azure.database import Database, DatabaseArgs
from whiteboard_infra.azure.load_balancer import LoadBalancer, LoadBalancerArgs
from whiteboard_infra.azure.monitoring import Monitoring, MonitoringArgs
from whiteboard_infra.azure.network import Network, NetworkArgs
from whiteboard_infra.azure.registry import Registry, RegistryArgs
from whiteboard_infra.azure.secrets import Secrets, SecretsArgs
from whiteboard_infra.config import StackConfig
from whiteboard_infra.config.azure import (
    database_storage_gib,
    log_analytics_retention_days,
)
from whiteboard_infra.contract import backend_environment, public_urls
from whiteboard_infra.deploy import DeployOutputs
from whiteboard_infra.wiring import (
    app_directory,
    database_hosts,
    deploy_outputs,
    prebuilt_images,
    reveal,
)

# The gateway appends "<client>:<port>" to X-Forwarded-For and the Container Apps
# ingress then the gateway's own address: the client is second from the right.
TRUSTED_PROXY_HOPS = 2


def unique_suffix(resource_group_id: str) -> str:
    """Six lowercase hex characters, stable for a resource group id."""
    return hashlib.sha256(resource_group_id.encode()).hexdigest()[:6]


def global_names(prefix: str, suffix: str) -> dict[str, str]:
    """Names unique across Azure, from the resource prefix and the suffix:
    `key_vault` (at most 24), `registry` (letters and digits), `server`, `dns`."""
    return {
        "key_vault": f"{prefix[:17].rstrip('-')}-{suffix}",
        "registry": f"{prefix.replace('-', '')}{suffix}",
        "server": f"{prefix}-pg-{suffix}",
        "dns": f"{prefix}-{suffix}",
    }


def deploy(config: StackConfig) -> DeployOutputs:
    """Deploy the whole platform to Azure."""
    common, azure = config.common, config.azure
    assert azure is not None, "cloud=azure without Azure settings"
    prefix = common.resource_prefix
    production = common.environment == "production"
    client = authorization.get_client_config_output()

    network = Network(
        "network",
        NetworkArgs(name=prefix, location=azure.location, cidr=azure.vnet_cidr),
    )
    group = network.resource_group_name
    generated = network.resource_group.id.apply(
        lambda group_id: global_names(prefix, unique_suffix(group_id))
    )

    def name_of(kind: str, chosen: str) -> pulumi.Input[str]:
        return chosen or generated.apply(lambda names: names[kind])

    secrets = Secrets(
        "secrets",
        SecretsArgs(
            vault_name=name_of("key_vault", azure.key_vault_name),
            resource_group_name=group,
            location=azure.location,
            tenant_id=client.tenant_id,
            database_password=reveal(common.database_password),
            secret_key=reveal(common.secret_key),
            purge_protection=common.database_deletion_protection,
        ),
    )

    registry = Registry(
        "registry",
        RegistryArgs(
            registry_name=name_of("registry", azure.registry_name),
            resource_group_name=group,
            location=azure.location,
            app_directory=app_directory(),
            prebuilt_images=prebuilt_images(common),
            sku="Standard" if production else "Basic",
        ),
    )

    database = Database(
        "database",
        DatabaseArgs(
            name=prefix,
            server_name=name_of("server", azure.database_server_name),
            resource_group_name=group,
            location=azure.location,
            virtual_network_id=network.virtual_network_id,
            subnet_id=network.database_subnet_id,
            database_name=common.database_name,
            username=common.database_user,
            password=secrets.database_password,
            sku=azure.database_sku,
            tier=azure.database_tier,
            storage_gib=database_storage_gib(common.database_storage_gib),
            high_availability=common.database_high_availability,
            read_replicas=common.database_read_replicas,
            backup_retention_days=common.database_backup_retention_days,
            geo_redundant_backup=azure.database_geo_redundant_backup,
            deletion_protection=common.database_deletion_protection,
        ),
    )

    database_host, database_reader_hosts = database_hosts(
        common, database.writer_host, database.reader_hosts
    )
    # The gateway's address is known before it exists (a DNS label in its region),
    # and the backend must admit WebSockets from the app's origin only.
    host = (
        pulumi.Output.from_input(common.domain_name)
        if common.domain_name
        else generated.apply(
            lambda names: f"{names['dns']}.{azure.location}.cloudapp.azure.com"
        )
    )
    app_origin, _ = public_urls(host, secure=bool(azure.certificate_secret_id))
    services = ContainerService(
        "apps",
        ContainerServiceArgs(
            name=prefix,
            resource_group_name=group,
            location=azure.location,
            subscription_id=client.subscription_id,
            virtual_network_id=network.virtual_network_id,
            subnet_id=network.apps_subnet_id,
            gateway_subnet_range=network.ranges.gateway,
            registry_id=registry.registry_id,
            registry_server=registry.login_server,
            key_vault_id=secrets.vault_id,
            secret_urls=secrets.secret_urls,
            backend_image=registry.images["backend"],
            frontend_image=registry.images["frontend"],
            backend_environment=backend_environment(
                common,
                database_host=database_host,
                database_reader_hosts=database_reader_hosts,
                trusted_proxy_hops=TRUSTED_PROXY_HOPS,
                allowed_origin=app_origin,
            ),
            backend_cpu_millicores=azure.backend_cpu_millicores,
            frontend_cpu_millicores=azure.frontend_cpu_millicores,
            min_replicas=common.backend_min_instances,
            max_replicas=common.backend_max_instances,
            concurrent_requests_per_replica=(
                common.backend_connections_target_per_instance
            ),
            cpu_target_percent=common.backend_cpu_target_percent,
            scale_in_cooldown_seconds=common.scale_in_cooldown_seconds,
            frontend_replicas=common.frontend_instances,
            termination_grace_seconds=common.shutdown_grace_seconds + 10,
            log_retention_days=log_analytics_retention_days(common.log_retention_days),
            zone_redundant=azure.zone_redundant,
        ),
    )

    entry = LoadBalancer(
        "entry",
        LoadBalancerArgs(
            name=prefix,
            resource_group_name=group,
            location=azure.location,
            subscription_id=client.subscription_id,
            subnet_id=network.gateway_subnet_id,
            backend_fqdn=services.backend_fqdn,
            frontend_fqdn=services.frontend_fqdn,
            dns_label=generated.apply(lambda names: names["dns"]),
            idle_timeout_seconds=common.websocket_idle_timeout_seconds,
            min_capacity=azure.gateway_min_capacity,
            max_capacity=azure.gateway_max_capacity,
            zone_redundant=azure.zone_redundant,
            domain_name=common.domain_name,
            certificate_secret_id=azure.certificate_secret_id,
            certificate_vault_id=azure.certificate_vault_id,
            dns_zone_name=azure.dns_zone_name,
            dns_zone_resource_group=azure.dns_zone_resource_group,
        ),
    )

    Monitoring(
        "monitoring",
        MonitoringArgs(
            name=prefix,
            resource_group_name=group,
            gateway_id=entry.gateway_id,
            backend_app_id=services.backend_id,
            database_id=database.writer_id,
            max_replicas=common.backend_max_instances,
        ),
    )

    return deploy_outputs(entry, database)
