"""The whiteboard's policies, for AWS, GCP and Azure alike."""

from pulumi_policy import Policy

from guardrails import types
from guardrails.database import (
    database_backups_retained,
    database_not_public,
    prod_database_deletion_protected,
    storage_encrypted,
)
from guardrails.services import (
    backend_instances,
    no_plaintext_secrets,
    only_behind_load_balancer,
)

POLICIES: list[Policy] = [
    database_not_public,
    storage_encrypted,
    database_backups_retained,
    prod_database_deletion_protected,
    no_plaintext_secrets,
    only_behind_load_balancer,
    backend_instances,
]

INSPECTED_TYPES: dict[str, frozenset[str]] = {
    "database-not-public": frozenset(
        {
            types.RDS_INSTANCE,
            types.RDS_CLUSTER_INSTANCE,
            types.CLOUD_SQL_INSTANCE,
            *types.AZURE_POSTGRES_SERVERS,
            *types.AZURE_POSTGRES_FIREWALL_RULES,
        }
    ),
    "storage-encrypted": frozenset(
        {
            types.RDS_INSTANCE,
            types.RDS_CLUSTER,
            types.ELASTICACHE_REPLICATION_GROUP,
            types.EBS_VOLUME,
        }
    ),
    "database-backups-retained": frozenset(
        {
            types.RDS_INSTANCE,
            types.RDS_CLUSTER,
            types.CLOUD_SQL_INSTANCE,
            *types.AZURE_POSTGRES_SERVERS,
        }
    ),
    "prod-database-deletion-protected": frozenset(
        {
            types.RDS_INSTANCE,
            types.RDS_CLUSTER,
            types.CLOUD_SQL_INSTANCE,
            *types.AZURE_POSTGRES_SERVERS,
        }
    ),
    "no-plaintext-secrets-in-environment": frozenset(
        {
            types.ECS_TASK_DEFINITION,
            types.CLOUD_RUN_SERVICE,
            types.CLOUD_RUN_V1_SERVICE,
            types.AZURE_CONTAINER_APP,
            types.AZURE_CLASSIC_CONTAINER_APP,
        }
    ),
    "services-only-behind-load-balancer": frozenset(
        {
            types.ECS_SERVICE,
            types.SECURITY_GROUP,
            types.SECURITY_GROUP_RULE,
            types.SECURITY_GROUP_INGRESS_RULE,
            types.CLOUD_RUN_SERVICE,
            types.CLOUD_RUN_V1_SERVICE,
            types.AZURE_CONTAINER_APP,
            types.AZURE_CLASSIC_CONTAINER_APP,
        }
    ),
    "backend-runs-at-least-two-instances": frozenset(
        {
            types.ECS_SERVICE,
            types.SCALING_TARGET,
            types.CLOUD_RUN_SERVICE,
            types.AZURE_CONTAINER_APP,
            types.AZURE_CLASSIC_CONTAINER_APP,
        }
    ),
}
"""The resource types each policy reads; any other type passes it untouched."""
