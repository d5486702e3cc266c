"""Database: RDS PostgreSQL 16, private, encrypted, TLS only.

Creates a subnet group over the private subnets, a security group with no ingress
of its own (the backend's service adds the one rule that admits it), a parameter
group that refuses connections without TLS (`rds.force_ssl=1`), the writer with
automated backups, point-in-time recovery and storage autoscaling, and the read
replicas. With deletion protection on, AWS refuses to delete the writer, a final
snapshot is taken if it is deleted anyway, and Pulumi protects every database
resource (`protect`), so `pulumi destroy` stops before touching them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from whiteboard_infra.config.common import POSTGRES_PORT


@dataclass(frozen=True)
class DatabaseArgs:
    """Arguments of `Database`."""

    name: str
    """Prefix of every resource name."""

    vpc_id: pulumi.Input[str]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    """Subnets of the subnet group: the database gets no public address."""

    database_name: str
    """Database created on the writer."""
    username: str
    """The writer's master user, which the backend connects as."""
    password: pulumi.Input[str]
    """The writer's password; pass a Pulumi secret."""

    instance_class: str = "db.t4g.small"
    """RDS instance class of the writer and the replicas (default db.t4g.small)."""

    storage_gib: int = 20
    """Initial storage in GiB (default 20)."""

    max_storage_gib: int = 100
    """Ceiling of storage autoscaling in GiB (default 100)."""

    multi_az: bool = False
    """A synchronous standby in another zone (default False)."""

    read_replicas: int = 0
    """Read replicas of the writer (default 0)."""

    backup_retention_days: int = 3
    """Days of automated backups and point-in-time recovery (default 3)."""

    deletion_protection: bool = False
    """AWS deletion protection, a final snapshot and Pulumi `protect` (default off)."""

    performance_insights: bool = False
    """Performance Insights on every instance (default False)."""


class Database(pulumi.ComponentResource):
    """A private, encrypted PostgreSQL 16 writer and its read replicas."""

    writer: aws.rds.Instance
    replicas: list[aws.rds.Instance]
    security_group: aws.ec2.SecurityGroup
    security_group_id: pulumi.Output[str]
    writer_address: pulumi.Output[str]
    writer_endpoint: pulumi.Output[str]
    """host:port of the writer."""
    reader_addresses: pulumi.Output[list[str]]
    reader_endpoints: pulumi.Output[list[str]]
    """host:port of each read replica."""
    instance_identifiers: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:aws:Database", name, None, opts)
        # Children of a component inherit `protect` from it; stating it on each keeps
        # the intent visible where the resources are declared.
        child = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)

        subnets = aws.rds.SubnetGroup(
            f"{name}-subnets",
            subnet_ids=args.private_subnet_ids,
            description=f"Private subnets of {args.name}'s database",
            opts=child,
        )

        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-db",
            vpc_id=args.vpc_id,
            description=f"{args.name} database: PostgreSQL from the backend only",
            tags={"Name": f"{args.name}-db"},
            opts=child,
        )

        parameters = aws.rds.ParameterGroup(
            f"{name}-postgres16",
            family="postgres16",
            description=f"{args.name}: TLS required",
            parameters=[
                {"name": "rds.force_ssl", "value": "1"},
                {"name": "log_min_duration_statement", "value": "1000"},
            ],
            opts=child,
        )

        insights_days = 7 if args.performance_insights else None

        self.writer = aws.rds.Instance(
            f"{name}-writer",
            engine="postgres",
            engine_version="16",
            auto_minor_version_upgrade=True,
            instance_class=args.instance_class,
            allocated_storage=args.storage_gib,
            max_allocated_storage=args.max_storage_gib,
            storage_type="gp3",
            storage_encrypted=True,
            db_name=args.database_name,
            username=args.username,
            password=args.password,
            port=POSTGRES_PORT,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=parameters.name,
            publicly_accessible=False,
            multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days,
            backup_window="02:00-03:00",
            maintenance_window="sun:03:30-sun:04:30",
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=not args.deletion_protection,
            final_snapshot_identifier=(
                f"{args.name}-final" if args.deletion_protection else None
            ),
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            apply_immediately=not args.deletion_protection,
            performance_insights_enabled=args.performance_insights,
            performance_insights_retention_period=insights_days,
            opts=child,
        )

        # Replicas take no backups of their own and copy the writer's encryption.
        self.replicas = [
            aws.rds.Instance(
                f"{name}-reader-{index}",
                replicate_source_db=self.writer.identifier,
                instance_class=args.instance_class,
                max_allocated_storage=args.max_storage_gib,
                storage_type="gp3",
                storage_encrypted=True,
                vpc_security_group_ids=[self.security_group.id],
                parameter_group_name=parameters.name,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                backup_retention_period=0,
                skip_final_snapshot=True,
                deletion_protection=args.deletion_protection,
                apply_immediately=not args.deletion_protection,
                performance_insights_enabled=args.performance_insights,
                performance_insights_retention_period=insights_days,
                opts=child,
            )
            for index in range(args.read_replicas)
        ]

        self.security_group_id = self.security_group.id
        self.writer_address = self.writer.address
        self.writer_endpoint = self.writer.endpoint
        self.reader_addresses = pulumi.Output.all(
            *[replica.address for replica in self.replicas]
        )
        self.reader_endpoints = pulumi.Output.all(
            *[replica.endpoint for replica in self.replicas]
        )
        self.instance_identifiers = [
            instance.identifier for instance in [self.writer, *self.replicas]
        ]
        self.register_outputs(
            {
                "writer_endpoint": self.writer_endpoint,
                "reader_endpoints": self.reader_endpoints,
                "security_group_id": self.security_group_id,
            }
        )
