"""ContainerService: the backend and frontend on ECS Fargate, in private subnets.

Creates the cluster (with Container Insights), a log group per service with a
retention period, one execution role that may pull only this stack's images, write
only its log groups and read only its secrets, a security group per service that
admits only the load balancer (plus the rule that admits the backend, and only the
backend, to the database), both task definitions and services (with a deployment
circuit breaker that rolls back), the backend's autoscaling (see `scaling.py`) and
the alarms (see `alarms.py`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import pulumi
import pulumi_aws as aws

from whiteboard_infra.aws.alarms import AlarmsArgs, declare_alarms
from whiteboard_infra.aws.containers import (
    BACKEND_CONTAINER,
    FRONTEND_CONTAINER,
    assume_role_policy,
    backend_container,
    execution_policy,
    frontend_container,
)
from whiteboard_infra.aws.scaling import ScalingArgs, declare_backend_scaling
from whiteboard_infra.config.common import POSTGRES_PORT
from whiteboard_infra.contract import (
    BACKEND_PORT,
    FRONTEND_PORT,
    SECRET_VARIABLES,
    backend_environment,
)

# The ALB appends the address it was reached from to X-Forwarded-For; anything left
# of that entry came from the client and is not trusted.
TRUSTED_PROXY_HOPS = 1


@dataclass(frozen=True)
class ServiceSize:
    """Fargate size and count of one service."""

    cpu: int
    """CPU units (1024 = 1 vCPU)."""
    memory_mib: int
    desired_count: int
    """Tasks at creation; the backend's autoscaler owns the count afterwards."""


@dataclass(frozen=True)
class ContainerServiceArgs:
    """Arguments of `ContainerService`."""

    name: str
    """Prefix of every resource name."""
    region: str
    """Region the containers send their logs to."""
    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    """Where the tasks run; they get no public address."""
    load_balancer_security_group_id: pulumi.Input[str]
    """The only source the tasks admit."""
    load_balancer_arn_suffix: pulumi.Input[str]
    """Dimension of the load balancer's metrics (scaling, 5xx alarm)."""
    backend_target_group: aws.lb.TargetGroup
    frontend_target_group: aws.lb.TargetGroup
    routing: Sequence[pulumi.Resource]
    """Listeners and rules the target groups hang on; services wait for them."""

    app_url: pulumi.Input[str]
    """The URL people open; the backend accepts WebSockets from this origin only."""

    database_security_group_id: pulumi.Input[str]
    """The database's group: gets the one rule that admits the backend."""
    database_host: pulumi.Input[str]
    """The writer's address (`DATABASE_HOST`)."""
    database_reader_hosts: pulumi.Input[list[str]]
    """The replicas' addresses (`DATABASE_READER_HOSTS`)."""
    database_identifiers: Sequence[pulumi.Input[str]]
    """RDS instances to alarm on, the writer first."""
    database_storage_gib: int
    """Initial storage, the base of the free-storage alarm."""

    backend_image: pulumi.Input[str]
    frontend_image: pulumi.Input[str]
    repository_arns: Sequence[pulumi.Input[str]]
    """Repositories the execution role may pull from."""
    database_password_arn: pulumi.Input[str]
    """Secrets Manager ARN of the password (`DATABASE_PASSWORD`)."""
    secret_key_arn: pulumi.Input[str]
    """Secrets Manager ARN of the signing key (`SECRET_KEY`)."""

    backend: ServiceSize
    frontend: ServiceSize
    scaling: ScalingArgs
    """How the backend scales; the frontend runs a fixed count."""
    database_name: str
    database_user: str
    database_pool_size: int
    """`DATABASE_POOL_SIZE`: writer connections per backend, besides the listener."""
    environment: str
    """`ENVIRONMENT`: `staging` or `production`."""
    log_level: str = "info"
    """`LOG_LEVEL` (default info)."""
    shutdown_grace_seconds: int = 20
    """The backend's drain time (default 20); ECS waits 10 s more before SIGKILL."""
    deployment_maximum_percent: int = 200
    """Tasks a deploy may run beside the desired count, in percent (default 200)."""
    log_retention_days: int = 14
    """Days CloudWatch keeps container logs (default 14)."""
    database_port: int = POSTGRES_PORT
    """The writer's port (`DATABASE_PORT`, default 5432)."""


class ContainerService(pulumi.ComponentResource):
    """Backend and frontend services on Fargate behind the load balancer."""

    cluster: aws.ecs.Cluster
    backend_service: aws.ecs.Service
    frontend_service: aws.ecs.Service
    backend_security_group_id: pulumi.Output[str]
    execution_role: aws.iam.Role
    alarm_topic_arn: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: ContainerServiceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:aws:ContainerService", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.cluster = aws.ecs.Cluster(
            f"{args.name}",
            settings=[{"name": "containerInsights", "value": "enabled"}],
            opts=child,
        )

        logs = {
            role: aws.cloudwatch.LogGroup(
                f"{name}-{role}",
                name=f"/ecs/{args.name}/{role}",
                retention_in_days=args.log_retention_days,
                opts=child,
            )
            for role in (BACKEND_CONTAINER, FRONTEND_CONTAINER)
        }

        self.execution_role = aws.iam.Role(
            f"{name}-execution",
            assume_role_policy=assume_role_policy("ecs-tasks.amazonaws.com"),
            description=f"{args.name}: start tasks (pull, log, read secrets)",
            opts=child,
        )
        secret_arns = [args.database_password_arn, args.secret_key_arn]
        aws.iam.RolePolicy(
            f"{name}-execution",
            role=self.execution_role.id,
            policy=pulumi.Output.all(
                pulumi.Output.all(*args.repository_arns),
                pulumi.Output.all(*[group.arn for group in logs.values()]),
                pulumi.Output.all(*secret_arns),
            ).apply(lambda arns: execution_policy(arns[0], arns[1], arns[2])),
            opts=child,
        )

        backend_group = self._service_group(
            f"{name}-backend", BACKEND_PORT, args, database=True
        )
        frontend_group = self._service_group(
            f"{name}-frontend", FRONTEND_PORT, args, database=False
        )
        self.backend_security_group_id = backend_group.id

        backend_task = aws.ecs.TaskDefinition(
            f"{name}-backend",
            family=f"{args.name}-backend",
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            cpu=str(args.backend.cpu),
            memory=str(args.backend.memory_mib),
            execution_role_arn=self.execution_role.arn,
            runtime_platform={
                "operating_system_family": "LINUX",
                "cpu_architecture": "X86_64",
            },
            container_definitions=pulumi.Output.all(
                args.backend_image,
                args.database_host,
                args.database_reader_hosts,
                args.database_password_arn,
                args.secret_key_arn,
                logs[BACKEND_CONTAINER].name,
                args.app_url,
            ).apply(lambda values: self._backend_definitions(args, values)),
            opts=child,
        )

        frontend_task = aws.ecs.TaskDefinition(
            f"{name}-frontend",
            family=f"{args.name}-frontend",
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            cpu=str(args.frontend.cpu),
            memory=str(args.frontend.memory_mib),
            execution_role_arn=self.execution_role.arn,
            runtime_platform={
                "operating_system_family": "LINUX",
                "cpu_architecture": "X86_64",
            },
            container_definitions=pulumi.Output.all(
                args.frontend_image, logs[FRONTEND_CONTAINER].name
            ).apply(
                lambda values: frontend_container(
                    values[0], FRONTEND_PORT, values[1], args.region
                )
            ),
            opts=child,
        )

        self.backend_service = self._service(
            f"{args.name}-backend",
            backend_task,
            backend_group,
            args.backend_target_group,
            BACKEND_CONTAINER,
            BACKEND_PORT,
            args.backend.desired_count,
            args,
            autoscaled=True,
        )
        self.frontend_service = self._service(
            f"{args.name}-frontend",
            frontend_task,
            frontend_group,
            args.frontend_target_group,
            FRONTEND_CONTAINER,
            FRONTEND_PORT,
            args.frontend.desired_count,
            args,
            autoscaled=False,
        )

        declare_backend_scaling(
            f"{name}-backend",
            self.cluster,
            self.backend_service,
            args.load_balancer_arn_suffix,
            args.backend_target_group,
            args.scaling,
            parent=self,
        )

        self.alarm_topic_arn = declare_alarms(
            f"{name}-alarms",
            AlarmsArgs(
                name=args.name,
                load_balancer_arn_suffix=args.load_balancer_arn_suffix,
                cluster_name=self.cluster.name,
                backend_service_name=self.backend_service.name,
                backend_max_instances=args.scaling.max_instances,
                database_identifiers=args.database_identifiers,
                database_storage_gib=args.database_storage_gib,
            ),
            parent=self,
        )

        self.register_outputs(
            {
                "cluster_name": self.cluster.name,
                "backend_service_name": self.backend_service.name,
                "frontend_service_name": self.frontend_service.name,
                "backend_security_group_id": self.backend_security_group_id,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def _backend_definitions(self, args: ContainerServiceArgs, values: list) -> str:
        image, host, reader_hosts, password_arn, secret_key_arn, log_group, url = values
        environment = backend_environment(
            args,
            database_host=host,
            database_reader_hosts=list(reader_hosts),
            trusted_proxy_hops=TRUSTED_PROXY_HOPS,
            allowed_origin=url,
            port=BACKEND_PORT,
        )
        arns = {"database-password": password_arn, "secret-key": secret_key_arn}
        return backend_container(
            image,
            BACKEND_PORT,
            # Called inside an apply: every value is already a plain string.
            cast(dict[str, str], environment),
            {variable: arns[secret] for variable, secret in SECRET_VARIABLES.items()},
            log_group,
            args.region,
            args.shutdown_grace_seconds,
        )

    def _service_group(
        self, name: str, port: int, args: ContainerServiceArgs, database: bool
    ) -> aws.ec2.SecurityGroup:
        """A service's security group: in from the load balancer on its port only;
        out to HTTPS (image pulls, secrets, logs via NAT) and, for the backend, to
        the database, which in turn admits this group alone."""
        child = pulumi.ResourceOptions(parent=self)
        group = aws.ec2.SecurityGroup(
            name,
            vpc_id=args.vpc_id,
            description=f"{name}: from the load balancer only",
            tags={"Name": name},
            opts=child,
        )

        aws.vpc.SecurityGroupIngressRule(
            f"{name}-from-alb",
            security_group_id=group.id,
            referenced_security_group_id=args.load_balancer_security_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description="from the load balancer",
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-https-out",
            security_group_id=group.id,
            cidr_ipv4="0.0.0.0/0",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            description="AWS APIs: ECR, Secrets Manager, CloudWatch Logs",
            opts=child,
        )
        if database:
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-to-db",
                security_group_id=group.id,
                referenced_security_group_id=args.database_security_group_id,
                ip_protocol="tcp",
                from_port=args.database_port,
                to_port=args.database_port,
                description="to the database",
                opts=child,
            )
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-into-db",
                security_group_id=args.database_security_group_id,
                referenced_security_group_id=group.id,
                ip_protocol="tcp",
                from_port=args.database_port,
                to_port=args.database_port,
                description="from the backend",
                opts=child,
            )
        return group

    def _service(
        self,
        name: str,
        task: aws.ecs.TaskDefinition,
        group: aws.ec2.SecurityGroup,
        target_group: aws.lb.TargetGroup,
        container: str,
        port: int,
        desired_count: int,
        args: ContainerServiceArgs,
        autoscaled: bool,
    ) -> aws.ecs.Service:
        return aws.ecs.Service(
            name,
            cluster=self.cluster.arn,
            task_definition=task.arn,
            desired_count=desired_count,
            launch_type="FARGATE",
            platform_version="LATEST",
            network_configuration={
                "subnets": args.private_subnet_ids,
                "security_groups": [group.id],
                "assign_public_ip": False,
            },
            load_balancers=[
                {
                    "target_group_arn": target_group.arn,
                    "container_name": container,
                    "container_port": port,
                }
            ],
            health_check_grace_period_seconds=60,
            deployment_maximum_percent=args.deployment_maximum_percent,
            deployment_minimum_healthy_percent=100,
            deployment_circuit_breaker={"enable": True, "rollback": True},
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            # The autoscaler owns the backend's count; a deploy must not reset it.
            # The frontend does not scale, so its count follows the configuration.
            opts=pulumi.ResourceOptions(
                parent=self,
                ignore_changes=["desiredCount"] if autoscaled else [],
                depends_on=args.routing,
            ),
        )
