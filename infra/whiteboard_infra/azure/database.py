"""Database: Azure Database for PostgreSQL flexible server 16, private only.

Creates a private DNS zone linked to the virtual network (servers in a delegated
subnet register their names there), the writer in the delegated subnet without
public access, with TLS required (`require_secure_transport`), automated backups
kept `backup_retention_days` (7-35), geo-redundant when asked (Azure fixes that
when the server is created), a zone-redundant standby when asked, the
application's database, and the read replicas. With deletion protection on, a
CanNotDelete management lock guards the writer in Azure and Pulumi protects every
database resource (`protect`), so `pulumi destroy` stops before touching them.
"""

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, dbforpostgresql, privatedns

from whiteboard_infra.wiring import postgres_endpoints

POSTGRES_VERSION = "16"


@dataclass(frozen=True)
class DatabaseArgs:
    """Arguments of `Database`."""

    name: str
    """Prefix of resource names that need not be unique in Azure."""

    server_name: pulumi.Input[str]
    """Name of the writer (3-63 characters, unique in Azure); replicas add
    `-replica-<n>`."""

    resource_group_name: pulumi.Input[str]
    location: str
    virtual_network_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    """The subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers."""

    database_name: str
    username: str
    password: pulumi.Input[str]
    """The writer's password; pass a Pulumi secret."""

    sku: str = "Standard_B2s"
    """Compute size of the writer and the replicas (default Standard_B2s)."""

    tier: str = "Burstable"
    """Pricing tier matching `sku`: Burstable, GeneralPurpose or MemoryOptimized."""

    storage_gib: int = 32
    """Storage in GiB, one of the sizes Azure offers (default 32); it grows by
    itself when nearly full."""

    high_availability: bool = False
    """A zone-redundant standby that takes over on failure (default False)."""

    read_replicas: int = 0
    """Read replicas of the writer (default 0)."""

    backup_retention_days: int = 7
    """Days of backups and point-in-time recovery, 7-35 (default 7)."""

    geo_redundant_backup: bool = False
    """Copy backups to the paired region (default False; fixed at creation)."""

    deletion_protection: bool = False
    """A CanNotDelete lock and Pulumi `protect` (default off)."""


class Database(pulumi.ComponentResource):
    """A private PostgreSQL 16 flexible server and its read replicas."""

    writer: dbforpostgresql.Server
    replicas: list[dbforpostgresql.Server]
    private_dns_zone: privatedns.PrivateZone
    writer_id: pulumi.Output[str]
    writer_host: pulumi.Output[str]
    writer_endpoint: pulumi.Output[str]
    """host:port of the writer."""
    reader_hosts: pulumi.Output[list[str]]
    reader_endpoints: pulumi.Output[list[str]]
    """host:port of each read replica."""

    def __init__(
        self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:azure:Database", name, None, opts)
        # Children of a component inherit `protect` from it; stating it on each keeps
        # the intent visible where the resources are declared.
        child = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)

        # The zone's name must end in the service's private suffix for the server
        # to register in it.
        self.private_dns_zone = privatedns.PrivateZone(
            f"{name}-dns",
            private_zone_name=f"{args.name}.private.postgres.database.azure.com",
            resource_group_name=args.resource_group_name,
            location="global",
            opts=child,
        )

        link = privatedns.VirtualNetworkLink(
            f"{name}-dns-link",
            virtual_network_link_name=f"{args.name}-vnet",
            private_zone_name=self.private_dns_zone.name,
            resource_group_name=args.resource_group_name,
            location="global",
            virtual_network={"id": args.virtual_network_id},
            registration_enabled=False,
            opts=child,
        )

        private_network: dbforpostgresql.NetworkArgsDict = {
            "delegated_subnet_resource_id": args.subnet_id,
            "private_dns_zone_arm_resource_id": self.private_dns_zone.id,
            "public_network_access": "Disabled",
        }
        sku: dbforpostgresql.SkuArgsDict = {"name": args.sku, "tier": args.tier}

        self.writer = dbforpostgresql.Server(
            f"{name}-writer",
            server_name=args.server_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            version=POSTGRES_VERSION,
            create_mode="Create",
            sku=sku,
            administrator_login=args.username,
            administrator_login_password=args.password,
            auth_config={
                "password_auth": "Enabled",
                "active_directory_auth": "Disabled",
            },
            storage={"storage_size_gb": args.storage_gib, "auto_grow": "Enabled"},
            backup={
                "backup_retention_days": args.backup_retention_days,
                "geo_redundant_backup": (
                    "Enabled" if args.geo_redundant_backup else "Disabled"
                ),
            },
            high_availability={
                "mode": "ZoneRedundant" if args.high_availability else "Disabled"
            },
            network=private_network,
            maintenance_window={
                "custom_window": "Enabled",
                "day_of_week": 0,
                "start_hour": 3,
                "start_minute": 30,
            },
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[link])
            ),
        )

        # On by default on Azure; stated so that nobody turns it off by accident.
        dbforpostgresql.Configuration(
            f"{name}-require-tls",
            configuration_name="require_secure_transport",
            server_name=self.writer.name,
            resource_group_name=args.resource_group_name,
            value="ON",
            source="user-override",
            opts=child,
        )

        dbforpostgresql.Database(
            f"{name}-database",
            database_name=args.database_name,
            server_name=self.writer.name,
            resource_group_name=args.resource_group_name,
            charset="UTF8",
            collation="en_US.utf8",
            opts=child,
        )

        # Replicas copy the writer's settings and take no backups of their own;
        # Azure offers no standby for a replica.
        self.replicas = [
            dbforpostgresql.Server(
                f"{name}-replica-{index}",
                server_name=pulumi.Output.concat(args.server_name, f"-replica-{index}"),
                resource_group_name=args.resource_group_name,
                location=args.location,
                create_mode="Replica",
                source_server_resource_id=self.writer.id,
                sku=sku,
                network=private_network,
                opts=child,
            )
            for index in range(args.read_replicas)
        ]

        if args.deletion_protection:
            authorization.ManagementLockByScope(
                f"{name}-no-delete",
                lock_name=f"{args.name}-database-no-delete",
                scope=self.writer.id,
                level="CanNotDelete",
                notes="Production database: remove this lock to delete it.",
                opts=child,
            )

        self.writer_id = self.writer.id
        self.writer_host = self.writer.fully_qualified_domain_name
        self.reader_hosts = pulumi.Output.all(
            *[replica.fully_qualified_domain_name for replica in self.replicas]
        )
        self.writer_endpoint, self.reader_endpoints = postgres_endpoints(
            self.writer_host, self.reader_hosts
        )
        self.register_outputs(
            {
                "writer_id": self.writer_id,
                "writer_endpoint": self.writer_endpoint,
                "reader_endpoints": self.reader_endpoints,
            }
        )
