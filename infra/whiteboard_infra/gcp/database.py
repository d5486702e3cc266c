"""Database: Cloud SQL for PostgreSQL 16, private address only, TLS only.

Creates the writer instance (named by Pulumi with a random suffix, because Cloud
SQL keeps a deleted instance's name for a week), the app's database and user, and
the read replicas. The writer has no public address, refuses unencrypted connections
(`ssl_mode` ENCRYPTED_ONLY: TLS without client certificates, which is what the
backend's `sslmode=require` speaks), takes daily backups with point-in-time
recovery, and is REGIONAL (a standby in a second zone) when high availability is
asked for. The edition is always stated: Cloud SQL creates PostgreSQL 16 as
ENTERPRISE_PLUS unless told otherwise. With deletion protection on, Cloud SQL
refuses to delete the instances and Pulumi protects every database resource.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

from whiteboard_infra.wiring import postgres_endpoints

POSTGRES_VERSION = "POSTGRES_16"


@dataclass(frozen=True)
class DatabaseArgs:
    """Arguments of `Database`."""

    name: str
    """Prefix of every instance name."""

    region: str
    network_id: pulumi.Input[str]
    """The VPC the instances get their private address in."""

    services_connection: pulumi.Resource
    """The private services connection, which must exist before the instances."""

    database_name: str
    username: str
    password: pulumi.Input[str]
    """The user's password; pass a Pulumi secret."""

    tier: str = "db-custom-1-6144"
    """Cloud SQL tier of the writer and the replicas (default db-custom-1-6144)."""

    edition: str = "ENTERPRISE"
    """Cloud SQL edition; must run `tier` (default ENTERPRISE)."""

    storage_gib: int = 20
    """Initial SSD size in GiB (default 20)."""

    max_storage_gib: int = 100
    """Ceiling of automatic storage growth in GiB (default 100)."""

    high_availability: bool = False
    """REGIONAL: a synchronous standby in another zone (default False: ZONAL)."""

    read_replicas: int = 0
    """Read replicas of the writer (default 0)."""

    backup_retention_days: int = 3
    """Daily backups kept, and days of point-in-time recovery (default 3)."""

    deletion_protection: bool = False
    """Cloud SQL's and Pulumi's deletion protection, and `protect` (default off)."""


class Database(pulumi.ComponentResource):
    """A private PostgreSQL 16 writer and its read replicas on Cloud SQL."""

    writer: gcp.sql.DatabaseInstance
    replicas: list[gcp.sql.DatabaseInstance]
    writer_address: pulumi.Output[str]
    writer_endpoint: pulumi.Output[str]
    """host:port of the writer."""
    reader_addresses: pulumi.Output[list[str]]
    reader_endpoints: pulumi.Output[list[str]]
    """host:port of each read replica."""
    instance_ids: list[pulumi.Output[str]]
    """`<project>:<instance>` of the writer and each replica, as metrics name them."""

    def __init__(
        self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:gcp:Database", name, None, opts)
        protected = args.deletion_protection
        child = pulumi.ResourceOptions(parent=self, protect=protected)
        after_peering = pulumi.ResourceOptions(
            parent=self, protect=protected, depends_on=[args.services_connection]
        )

        recovery_days = min(
            args.backup_retention_days, 35 if args.edition == "ENTERPRISE_PLUS" else 7
        )

        self.writer = gcp.sql.DatabaseInstance(
            f"{name}-db",
            database_version=POSTGRES_VERSION,
            region=args.region,
            deletion_protection=protected,
            settings={
                "tier": args.tier,
                "edition": args.edition,
                "availability_type": "REGIONAL" if args.high_availability else "ZONAL",
                "disk_type": "PD_SSD",
                "disk_size": args.storage_gib,
                "disk_autoresize": True,
                "disk_autoresize_limit": args.max_storage_gib,
                "deletion_protection_enabled": protected,
                "ip_configuration": _private_tls_only(args.network_id),
                "backup_configuration": {
                    "enabled": True,
                    "start_time": "02:00",
                    "point_in_time_recovery_enabled": True,
                    "transaction_log_retention_days": recovery_days,
                    "backup_retention_settings": {
                        "retained_backups": args.backup_retention_days,
                        "retention_unit": "COUNT",
                    },
                },
                "maintenance_window": {"day": 7, "hour": 3, "update_track": "stable"},
                "insights_config": {"query_insights_enabled": True},
                "database_flags": [
                    {"name": "log_min_duration_statement", "value": "1000"}
                ],
            },
            opts=after_peering,
        )

        gcp.sql.Database(
            f"{name}-database",
            name=args.database_name,
            instance=self.writer.name,
            opts=child,
        )

        # PostgreSQL refuses to drop a role that still owns tables; Cloud SQL drops
        # it with the instance, so Pulumi just forgets it on delete.
        gcp.sql.User(
            f"{name}-user",
            name=args.username,
            instance=self.writer.name,
            password=args.password,
            deletion_policy="ABANDON",
            opts=child,
        )

        # Replicas take no backups of their own and copy the writer's settings.
        self.replicas = [
            gcp.sql.DatabaseInstance(
                f"{name}-db-reader-{index}",
                database_version=POSTGRES_VERSION,
                region=args.region,
                master_instance_name=self.writer.name,
                replica_configuration={"failover_target": False},
                deletion_protection=protected,
                settings={
                    "tier": args.tier,
                    "edition": args.edition,
                    "availability_type": "ZONAL",
                    "disk_type": "PD_SSD",
                    "disk_autoresize": True,
                    "disk_autoresize_limit": args.max_storage_gib,
                    "deletion_protection_enabled": protected,
                    "ip_configuration": _private_tls_only(args.network_id),
                    "backup_configuration": {"enabled": False},
                },
                opts=after_peering,
            )
            for index in range(args.read_replicas)
        ]

        self.writer_address = self.writer.private_ip_address
        self.reader_addresses = pulumi.Output.all(
            *[replica.private_ip_address for replica in self.replicas]
        )
        self.writer_endpoint, self.reader_endpoints = postgres_endpoints(
            self.writer_address, self.reader_addresses
        )
        self.instance_ids = [
            pulumi.Output.concat(instance.project, ":", instance.name)
            for instance in [self.writer, *self.replicas]
        ]
        self.register_outputs(
            {
                "writer_endpoint": self.writer_endpoint,
                "reader_endpoints": self.reader_endpoints,
                "connection_name": self.writer.connection_name,
            }
        )


def _private_tls_only(network_id: pulumi.Input[str]) -> Any:
    return {
        "ipv4_enabled": False,
        "private_network": network_id,
        "ssl_mode": "ENCRYPTED_ONLY",
    }
