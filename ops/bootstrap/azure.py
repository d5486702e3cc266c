"""Azure: one user-assigned identity per GitHub environment, each trusting that
environment's GitHub token (a federated credential), the state storage account
(private, versioned blobs), the state key (Key Vault, purge-protected) and the image
registry.

Deploy identities are Contributor and User Access Administrator on the subscription,
since a deploy assigns roles of its own; only jobs in the `staging` or `prod`
environment can sign in as them.
"""

import pulumi
import pulumi_azure_native as azure

from ops.bootstrap.trust import ACCESS, GITHUB_ISSUER, subject

AUDIENCE = "api://AzureADTokenExchange"

# Azure's built-in role definitions, by id (the same in every tenant).
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"

LEVEL_ROLES = {
    "read": [("subscription", READER), ("state", BLOB_DATA_CONTRIBUTOR)],
    "images": [("registry", ACR_PUSH)],
    "deploy": [
        ("subscription", CONTRIBUTOR),
        ("subscription", USER_ACCESS_ADMINISTRATOR),
    ],
}


def declare(
    repository: str,
    subscription_id: str,
    tenant_id: str,
    location: str,
    name_prefix: str,
) -> dict[str, object]:
    """Everything CI needs in one subscription; returns what to put in GitHub."""
    group = azure.resources.ResourceGroup(
        "ops", resource_group_name=f"{name_prefix}-ops", location=location
    )

    account = azure.storage.StorageAccount(
        "pulumi-state",
        account_name=f"{name_prefix.replace('-', '')}state",
        resource_group_name=group.name,
        location=location,
        kind="StorageV2",
        sku={"name": "Standard_ZRS"},
        allow_blob_public_access=False,
        minimum_tls_version="TLS1_2",
        enable_https_traffic_only=True,
    )
    azure.storage.BlobServiceProperties(
        "pulumi-state",
        account_name=account.name,
        resource_group_name=group.name,
        blob_services_name="default",
        is_versioning_enabled=True,
    )
    azure.storage.BlobContainer(
        "pulumi-state",
        account_name=account.name,
        resource_group_name=group.name,
        container_name="pulumi-state",
        public_access=azure.storage.PublicAccess.NONE,
    )

    vault = azure.keyvault.Vault(
        "ops",
        vault_name=f"{name_prefix}-ops",
        resource_group_name=group.name,
        location=location,
        properties=azure.keyvault.VaultPropertiesArgs(
            tenant_id=tenant_id,
            sku=azure.keyvault.SkuArgs(
                family=azure.keyvault.SkuFamily.A,
                name=azure.keyvault.SkuName.STANDARD,
            ),
            enable_rbac_authorization=True,
            enable_purge_protection=True,
            soft_delete_retention_in_days=90,
        ),
    )
    azure.keyvault.Key(
        "pulumi",
        key_name="pulumi",
        vault_name=vault.name,
        resource_group_name=group.name,
        properties={"kty": "RSA", "key_size": 2048},
    )
    registry = azure.containerregistry.Registry(
        "images",
        registry_name=f"{name_prefix.replace('-', '')}images",
        resource_group_name=group.name,
        location=location,
        sku={"name": "Standard"},
        admin_user_enabled=False,
    )

    scopes = {
        "subscription": pulumi.Output.from_input(f"/subscriptions/{subscription_id}"),
        "state": account.id,
        "registry": registry.id,
    }
    client_ids: dict[str, pulumi.Output[str]] = {}
    for access in ACCESS:
        identity = azure.managedidentity.UserAssignedIdentity(
            f"github-{access.environment}",
            resource_name_=f"github-{access.environment}",
            resource_group_name=group.name,
            location=location,
        )
        azure.managedidentity.FederatedIdentityCredential(
            f"github-{access.environment}",
            federated_identity_credential_resource_name="github",
            resource_name_=identity.name,
            resource_group_name=group.name,
            issuer=GITHUB_ISSUER,
            subject=subject(repository, access.environment),
            audiences=[AUDIENCE],
        )
        roles = list(LEVEL_ROLES[access.level])
        if access.level != "images":
            roles.append(("vault", KEY_VAULT_CRYPTO_USER))
        for scope_name, role in roles:
            scope = vault.id if scope_name == "vault" else scopes[scope_name]
            azure.authorization.RoleAssignment(
                f"github-{access.environment}-{scope_name}-{role[:8]}",
                principal_id=identity.principal_id,
                principal_type="ServicePrincipal",
                role_definition_id=(
                    f"/subscriptions/{subscription_id}/providers"
                    f"/Microsoft.Authorization/roleDefinitions/{role}"
                ),
                scope=scope,
            )
        client_ids[access.environment] = identity.client_id

    return {
        "PULUMI_BACKEND_URL": "azblob://pulumi-state",
        "AZURE_STORAGE_ACCOUNT": account.name,
        "secretsProvider": vault.name.apply(
            lambda name: f"azurekeyvault://{name}.vault.azure.net/keys/pulumi"
        ),
        "AZURE_CLIENT_ID": client_ids,
        "AZURE_TENANT_ID": tenant_id,
        "AZURE_SUBSCRIPTION_ID": subscription_id,
        "IMAGE_REPOSITORY": registry.login_server.apply(
            lambda host: f"{host}/whiteboard"
        ),
    }
