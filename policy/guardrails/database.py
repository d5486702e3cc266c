"""Guardrails for the database: private, encrypted, backed up, protected in prod.

Creates four policies:
- `database-not-public`: no public address, no firewall rule open to the internet;
- `storage-encrypted`: encryption at rest where the cloud makes it a setting;
- `database-backups-retained`: automated backups on, kept 7 days or more in prod;
- `prod-database-deletion-protected`: prod databases cannot be deleted by accident.

Cloud SQL and Azure Database for PostgreSQL always encrypt their storage, so
`storage-encrypted` has nothing to check there.
"""

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from guardrails import types
from guardrails.props import dig, is_production, is_true, items, number

PROD_BACKUP_DAYS = 7
"""Days of backups a production database keeps, at least."""

# A firewall rule spanning this range admits the whole internet, not a local bind.
EVERY_IPV4_ADDRESS = ("0.0.0.0", "255.255.255.255")  # noqa: S104


def _is_replica(resource_type: str, props: Mapping[str, Any]) -> bool:
    """Read replicas take no backups of their own."""
    if resource_type == types.RDS_INSTANCE:
        return bool(props.get("replicateSourceDb"))
    if resource_type == types.CLOUD_SQL_INSTANCE:
        return bool(props.get("masterInstanceName"))
    return False


def check_database_not_public(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports a database reachable from the internet."""
    props = args.props
    kind = args.resource_type

    if kind in (types.RDS_INSTANCE, types.RDS_CLUSTER_INSTANCE):
        if is_true(props.get("publiclyAccessible")):
            report_violation("Set publiclyAccessible to false.", None)

    elif kind == types.CLOUD_SQL_INSTANCE:
        ip_configuration = dig(props, "settings", "ipConfiguration")
        # Cloud SQL gives an instance a public IPv4 address unless told not to.
        if dig(ip_configuration, "ipv4Enabled") is not False:
            report_violation(
                "Set settings.ipConfiguration.ipv4Enabled to false and use a private"
                " network.",
                None,
            )
        for network in items(dig(ip_configuration, "authorizedNetworks")):
            if dig(network, "value") in ("0.0.0.0/0", "::/0"):
                report_violation("Remove the authorized network open to all.", None)

    elif kind in types.AZURE_POSTGRES_SERVERS:
        native_access = dig(props, "network", "publicNetworkAccess")
        classic_access = props.get("publicNetworkAccessEnabled")
        delegated = dig(props, "network", "delegatedSubnetResourceId") or props.get(
            "delegatedSubnetId"
        )
        public = native_access == "Enabled" or is_true(classic_access)
        # A server in a delegated subnet has no public endpoint; without one, Azure
        # turns public access on unless it is explicitly disabled.
        unset = native_access is None and classic_access is None
        if public or (unset and not delegated):
            report_violation(
                "Disable public network access (network.publicNetworkAccess:"
                " Disabled) and place the server in a delegated subnet.",
                None,
            )

    elif kind in types.AZURE_POSTGRES_FIREWALL_RULES:
        span = (props.get("startIpAddress"), props.get("endIpAddress"))
        if span == EVERY_IPV4_ADDRESS:
            report_violation(
                "Remove the firewall rule that admits every address.", None
            )


def check_storage_encrypted(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports storage left unencrypted at rest."""
    props = args.props
    kind = args.resource_type

    if kind in (types.RDS_INSTANCE, types.RDS_CLUSTER):
        if not is_true(props.get("storageEncrypted")):
            report_violation("Set storageEncrypted to true.", None)
    elif kind == types.ELASTICACHE_REPLICATION_GROUP:
        if not is_true(props.get("atRestEncryptionEnabled")):
            report_violation("Set atRestEncryptionEnabled to true.", None)
    elif kind == types.EBS_VOLUME and not is_true(props.get("encrypted")):
        report_violation("Set encrypted to true.", None)


def check_backups_retained(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports a database without automated backups, or kept too briefly in prod."""
    props = args.props
    kind = args.resource_type
    if _is_replica(kind, props):
        return
    minimum_days = PROD_BACKUP_DAYS if is_production(args.urn) else 1

    if kind in (types.RDS_INSTANCE, types.RDS_CLUSTER):
        days = number(props.get("backupRetentionPeriod"))
        if days is None or days < minimum_days:
            report_violation(
                f"Set backupRetentionPeriod to {minimum_days} days or more"
                f" (it is {days}).",
                None,
            )

    elif kind == types.CLOUD_SQL_INSTANCE:
        backups = dig(props, "settings", "backupConfiguration")
        if not is_true(dig(backups, "enabled")):
            report_violation("Set settings.backupConfiguration.enabled to true.", None)
        if not is_true(dig(backups, "pointInTimeRecoveryEnabled")):
            report_violation(
                "Set settings.backupConfiguration.pointInTimeRecoveryEnabled to true.",
                None,
            )
        # Unset, Cloud SQL keeps 7 backups and 7 days of logs.
        retained = number(dig(backups, "backupRetentionSettings", "retainedBackups"))
        log_days = number(dig(backups, "transactionLogRetentionDays"))
        for setting, value in (
            ("backupRetentionSettings.retainedBackups", retained),
            ("transactionLogRetentionDays", log_days),
        ):
            if value is not None and value < minimum_days:
                report_violation(
                    f"Set settings.backupConfiguration.{setting} to {minimum_days}"
                    f" or more (it is {value}).",
                    None,
                )

    elif kind in types.AZURE_POSTGRES_SERVERS:
        # Azure keeps 7 days when unset, and never fewer.
        days = number(dig(props, "backup", "backupRetentionDays"))
        if days is None:
            days = number(props.get("backupRetentionDays"))
        if days is not None and days < minimum_days:
            report_violation(
                f"Set the backup retention to {minimum_days} days or more"
                f" (it is {days}).",
                None,
            )


def _has_delete_lock(args: StackValidationArgs) -> bool:
    for resource in args.resources:
        if resource.resource_type not in types.AZURE_LOCKS:
            continue
        level = resource.props.get("level") or resource.props.get("lockLevel")
        if level == "CanNotDelete":
            return True
    return False


def check_prod_deletion_protected(
    args: StackValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports a production database that one command could delete."""
    azure_locked = _has_delete_lock(args)
    for resource in args.resources:
        if not is_production(resource.urn):
            continue
        props = resource.props
        kind = resource.resource_type

        if kind in (types.RDS_INSTANCE, types.RDS_CLUSTER):
            if _is_replica(kind, props):
                continue
            if not is_true(props.get("deletionProtection")):
                report_violation("Set deletionProtection to true.", resource.urn)

        elif kind == types.CLOUD_SQL_INSTANCE:
            if props.get("deletionProtection") is False:
                report_violation(
                    "Leave deletionProtection on (Pulumi's own guard).", resource.urn
                )
            if not is_true(dig(props, "settings", "deletionProtectionEnabled")):
                report_violation(
                    "Set settings.deletionProtectionEnabled to true.", resource.urn
                )

        # Azure has no flag on the server itself: a CanNotDelete lock, or Pulumi's
        # `protect` option, is what stops a delete.
        elif kind in types.AZURE_POSTGRES_SERVERS and not (
            azure_locked or resource.opts.protect
        ):
            report_violation(
                "Add a CanNotDelete management lock, or protect the server.",
                resource.urn,
            )


database_not_public = ResourceValidationPolicy(
    name="database-not-public",
    description="Databases have no public address and no firewall rule open to all.",
    validate=check_database_not_public,
)

storage_encrypted = ResourceValidationPolicy(
    name="storage-encrypted",
    description="Database, cache and volume storage is encrypted at rest.",
    validate=check_storage_encrypted,
)

database_backups_retained = ResourceValidationPolicy(
    name="database-backups-retained",
    description=(
        "Automated database backups are on, and kept at least"
        f" {PROD_BACKUP_DAYS} days in production."
    ),
    validate=check_backups_retained,
)

prod_database_deletion_protected = StackValidationPolicy(
    name="prod-database-deletion-protected",
    description="Production databases are protected from deletion.",
    validate=check_prod_deletion_protected,
)
