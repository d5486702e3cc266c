"""Role grants: built-in Azure roles given to managed identities at one scope.

Used by the container apps' identity (AcrPull on the registry, Key Vault Secrets
User on the vault) and by the gateway's (Key Vault Secrets User on the vault that
holds its certificate). Each grant names the role by its built-in id, which is the
same in every subscription.
"""

import pulumi
from pulumi_azure_native import authorization

ACR_PULL_ROLE = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
"""AcrPull: pull images from a container registry, nothing more."""

KEY_VAULT_SECRETS_USER_ROLE = "4633458b-17de-408a-b874-0445c86b69e6"
"""Key Vault Secrets User: read secret values of a vault in RBAC mode."""


def role_definition_id(subscription_id: str, role: str) -> str:
    """The full id of a built-in role, as role assignments need it."""
    return (
        f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/"
        f"roleDefinitions/{role}"
    )


def grant(
    name: str,
    *,
    principal_id: pulumi.Input[str],
    role: str,
    scope: pulumi.Input[str],
    subscription_id: pulumi.Input[str],
    parent: pulumi.Resource,
) -> authorization.RoleAssignment:
    """Give a managed identity (`principal_id`) one built-in role at `scope`."""
    # Naming the principal type spares Azure a directory lookup, which fails for
    # an identity created moments before.
    return authorization.RoleAssignment(
        name,
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=pulumi.Output.from_input(subscription_id).apply(
            lambda subscription: role_definition_id(subscription, role)
        ),
        scope=scope,
        opts=pulumi.ResourceOptions(parent=parent),
    )
