"""The whiteboard on AWS: network, secrets, database, images, load balancer and the
ECS services, wired from the validated configuration.

Every resource goes through one explicit provider in `whiteboard:awsRegion`, which
tags everything with the project, stack and environment.
"""

import pulumi
import pulumi_aws as aws

from whiteboard_infra.aws.container_service import (
    ContainerService,
    ContainerServiceArgs,
    ServiceSize,
)
from whiteboard_infra.aws.database import Database, DatabaseArgs
from whiteboard_infra.aws.load_balancer import LoadBalancer, LoadBalancerArgs
from whiteboard_infra.aws.network import Network, NetworkArgs
from whiteboard_infra.aws.registry import Registry, RegistryArgs
from whiteboard_infra.aws.scaling import ScalingArgs
from whiteboard_infra.aws.secrets import Secrets, SecretsArgs
from whiteboard_infra.config import StackConfig
from whiteboard_infra.deploy import DeployOutputs
from whiteboard_infra.wiring import (
    app_directory,
    database_hosts,
    deploy_outputs,
    prebuilt_images,
    reveal,
)


def deploy(config: StackConfig) -> DeployOutputs:
    """Declare the whole platform on AWS."""
    common, settings = config.common, config.aws
    assert settings is not None, "load_config checks the aws settings exist"
    name = common.resource_prefix
    protected = common.database_deletion_protection

    provider = aws.Provider(
        "aws",
        region=settings.region,
        default_tags={
            "tags": {
                "Project": pulumi.get_project(),
                "Stack": pulumi.get_stack(),
                "Environment": common.environment,
            }
        },
    )
    opts = pulumi.ResourceOptions(providers={"aws": provider})

    network = Network(
        name,
        NetworkArgs(
            name=name,
            cidr=settings.vpc_cidr,
            zone_count=settings.availability_zones,
            nat_gateway_per_zone=settings.nat_gateway_per_zone,
        ),
        opts,
    )

    secrets = Secrets(
        name,
        SecretsArgs(
            name=name,
            database_password=reveal(common.database_password),
            secret_key=reveal(common.secret_key),
            recovery_window_days=30 if protected else 0,
        ),
        opts,
    )

    database = Database(
        name,
        DatabaseArgs(
            name=name,
            vpc_id=network.vpc_id,
            private_subnet_ids=network.private_subnet_ids,
            database_name=common.database_name,
            username=common.database_user,
            password=secrets.database_password,
            instance_class=settings.database_instance_class,
            storage_gib=common.database_storage_gib,
            max_storage_gib=common.database_max_storage_gib,
            multi_az=common.database_high_availability,
            read_replicas=common.database_read_replicas,
            backup_retention_days=common.database_backup_retention_days,
            deletion_protection=protected,
            performance_insights=settings.database_performance_insights,
        ),
        pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protected)),
    )

    registry = Registry(
        name,
        RegistryArgs(
            name=name,
            app_directory=app_directory(),
            prebuilt_images=prebuilt_images(common),
            force_delete=not protected,
        ),
        opts,
    )

    load_balancer = LoadBalancer(
        name,
        LoadBalancerArgs(
            name=name,
            vpc_id=network.vpc_id,
            vpc_cidr=settings.vpc_cidr,
            public_subnet_ids=network.public_subnet_ids,
            idle_timeout_seconds=common.websocket_idle_timeout_seconds,
            deregistration_delay_seconds=settings.deregistration_delay_seconds,
            domain_name=common.domain_name,
            hosted_zone_id=settings.hosted_zone_id,
        ),
        opts,
    )

    database_host, database_reader_hosts = database_hosts(
        common, database.writer_address, database.reader_addresses
    )
    ContainerService(
        name,
        ContainerServiceArgs(
            name=name,
            region=settings.region,
            vpc_id=network.vpc_id,
            private_subnet_ids=network.private_subnet_ids,
            load_balancer_security_group_id=load_balancer.security_group_id,
            load_balancer_arn_suffix=load_balancer.arn_suffix,
            backend_target_group=load_balancer.backend_target_group,
            frontend_target_group=load_balancer.frontend_target_group,
            routing=load_balancer.routing,
            app_url=load_balancer.app_url,
            database_security_group_id=database.security_group_id,
            database_host=database_host,
            database_reader_hosts=database_reader_hosts,
            database_port=common.database_port,
            database_identifiers=database.instance_identifiers,
            database_storage_gib=common.database_storage_gib,
            backend_image=registry.images["backend"],
            frontend_image=registry.images["frontend"],
            repository_arns=registry.repository_arns,
            database_password_arn=secrets.database_password_arn,
            secret_key_arn=secrets.secret_key_arn,
            backend=ServiceSize(
                cpu=settings.backend_cpu,
                memory_mib=settings.backend_memory_mib,
                desired_count=common.backend_min_instances,
            ),
            frontend=ServiceSize(
                cpu=settings.frontend_cpu,
                memory_mib=settings.frontend_memory_mib,
                desired_count=common.frontend_instances,
            ),
            scaling=ScalingArgs(
                min_instances=common.backend_min_instances,
                max_instances=common.backend_max_instances,
                cpu_target_percent=common.backend_cpu_target_percent,
                connections_target_per_instance=(
                    common.backend_connections_target_per_instance
                ),
                scale_out_cooldown_seconds=common.scale_out_cooldown_seconds,
                scale_in_cooldown_seconds=common.scale_in_cooldown_seconds,
            ),
            database_name=common.database_name,
            database_user=common.database_user,
            database_pool_size=common.database_pool_size,
            environment=common.environment,
            log_level=common.log_level,
            shutdown_grace_seconds=common.shutdown_grace_seconds,
            deployment_maximum_percent=settings.deployment_maximum_percent,
            log_retention_days=common.log_retention_days,
        ),
        opts,
    )

    return deploy_outputs(load_balancer, database)
