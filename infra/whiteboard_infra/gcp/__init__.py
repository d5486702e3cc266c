"""The whiteboard on Google Cloud: network, secrets, Cloud SQL, images, Cloud Run,
the global load balancer and monitoring, wired from the validated configuration.

Every resource goes through an explicit provider for `whiteboard:gcpProject` and
`whiteboard:gcpRegion`, which labels everything with the project, stack and
environment. The APIs the platform uses are enabled first, through a provider of
their own, and left enabled on destroy (other things in the project may use them).
"""

import pulumi
import pulumi_gcp as gcp

from whiteboard_infra.config import StackConfig
from whiteboard_infra.deploy import DeployOutputs
from whiteboard_infra.gcp.apis import ProjectApis, ProjectApisArgs
from whiteboard_infra.gcp.container_service import (
    ContainerService,
    ContainerServiceArgs,
    InstanceSize,
    service_name,
)
from whiteboard_infra.gcp.database import Database, DatabaseArgs
from whiteboard_infra.gcp.load_balancer import LoadBalancer, LoadBalancerArgs
from whiteboard_infra.gcp.monitoring import Monitoring, MonitoringArgs
from whiteboard_infra.gcp.network import Network, NetworkArgs
from whiteboard_infra.gcp.registry import Registry, RegistryArgs
from whiteboard_infra.gcp.secrets import Secrets, SecretsArgs
from whiteboard_infra.wiring import (
    app_directory,
    database_hosts,
    deploy_outputs,
    prebuilt_images,
    reveal,
)


def deploy(config: StackConfig) -> DeployOutputs:
    """Declare the whole platform on Google Cloud."""
    common, settings = config.common, config.gcp
    assert settings is not None, "load_config checks the gcp settings exist"
    name = common.resource_prefix
    protected = common.database_deletion_protection

    bootstrap = _provider("gcp-apis", config)
    apis = ProjectApis(
        name, ProjectApisArgs(), pulumi.ResourceOptions(providers={"gcp": bootstrap})
    )

    # Children do not inherit a component's `depends_on`, but every resource waits
    # for its provider: this one exists only once the APIs are enabled.
    provider = _provider("gcp", config, pulumi.ResourceOptions(depends_on=[apis]))
    opts = pulumi.ResourceOptions(providers={"gcp": provider})

    network = Network(
        name,
        NetworkArgs(
            name=name, region=settings.region, subnet_cidr=settings.subnet_cidr
        ),
        opts,
    )

    secrets = Secrets(
        name,
        SecretsArgs(
            name=name,
            database_password=reveal(common.database_password),
            secret_key=reveal(common.secret_key),
        ),
        opts,
    )

    database = Database(
        name,
        DatabaseArgs(
            name=name,
            region=settings.region,
            network_id=network.network_id,
            services_connection=network.services_connection,
            database_name=common.database_name,
            username=common.database_user,
            password=secrets.database_password,
            tier=settings.database_tier,
            edition=settings.database_edition,
            storage_gib=common.database_storage_gib,
            max_storage_gib=common.database_max_storage_gib,
            high_availability=common.database_high_availability,
            read_replicas=common.database_read_replicas,
            backup_retention_days=common.database_backup_retention_days,
            deletion_protection=protected,
        ),
        pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protected)),
    )

    registry = Registry(
        name,
        RegistryArgs(
            name=name,
            region=settings.region,
            app_directory=app_directory(),
            prebuilt_images=prebuilt_images(common),
        ),
        opts,
    )

    load_balancer = LoadBalancer(
        name,
        LoadBalancerArgs(
            name=name,
            region=settings.region,
            backend_service_name=service_name(name, "backend"),
            frontend_service_name=service_name(name, "frontend"),
            domain_name=common.domain_name,
            dns_zone=settings.dns_zone,
        ),
        opts,
    )

    database_host, database_reader_hosts = database_hosts(
        common, database.writer_address, database.reader_addresses
    )
    services = ContainerService(
        name,
        ContainerServiceArgs(
            name=name,
            region=settings.region,
            network_id=network.network_id,
            subnet_id=network.subnet_id,
            backend_image=registry.images["backend"],
            frontend_image=registry.images["frontend"],
            secret_ids=dict(secrets.secret_ids),
            app_url=load_balancer.app_url,
            database_host=database_host,
            database_reader_hosts=database_reader_hosts,
            database_port=common.database_port,
            database_name=common.database_name,
            database_user=common.database_user,
            database_pool_size=common.database_pool_size,
            backend=InstanceSize(settings.backend_cpu, settings.backend_memory_mib),
            frontend=InstanceSize(settings.frontend_cpu, settings.frontend_memory_mib),
            backend_min_instances=common.backend_min_instances,
            backend_max_instances=common.backend_max_instances,
            backend_concurrency=common.backend_connections_target_per_instance,
            request_timeout_seconds=common.websocket_idle_timeout_seconds,
            frontend_min_instances=common.frontend_instances,
            environment=common.environment,
            log_level=common.log_level,
            shutdown_grace_seconds=common.shutdown_grace_seconds,
            deletion_protection=common.environment == "production",
        ),
        opts,
    )

    Monitoring(
        name,
        MonitoringArgs(
            name=name,
            project=settings.project,
            host=load_balancer.host,
            https=bool(common.domain_name),
            backend_service_name=services.backend_service_name,
            database_instance_id=database.instance_ids[0],
            alert_email=settings.alert_email,
        ),
        opts,
    )

    return deploy_outputs(load_balancer, database)


def _provider(
    name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None
) -> gcp.Provider:
    """A provider for the stack's project and region that labels what it creates."""
    assert config.gcp is not None
    return gcp.Provider(
        name,
        project=config.gcp.project,
        region=config.gcp.region,
        default_labels={
            "project": pulumi.get_project(),
            "stack": pulumi.get_stack(),
            "environment": config.common.environment,
        },
        opts=opts,
    )
