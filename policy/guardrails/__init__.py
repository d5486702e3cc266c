"""The whiteboard's policies, for AWS, GCP and Azure alike."""

from pulumi_policy import Policy

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
