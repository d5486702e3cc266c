"""Secrets: the database password and the app's secret key, in Key Vault.

Creates, for each secret, a random value (pulumi-random) unless the stack supplies
one (`pulumi config set --secret`), a Key Vault in RBAC mode and one Key Vault
secret per value. Container apps read them by reference (`keyVaultUrl` plus a
managed identity), so the values never appear in an app's definition; they only
ever travel as Pulumi secrets.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_random as random
from pulumi_azure_native import keyvault

# PostgreSQL flexible server wants three of: upper, lower, digits, symbols.
_SYMBOLS = "!#$%&*()-_=+[]{}<>:?"

# Names of the Key Vault secrets, not their values.
DATABASE_PASSWORD = "database-password"  # noqa: S105
SECRET_KEY = "secret-key"  # noqa: S105


@dataclass(frozen=True)
class SecretsArgs:
    """Arguments of `Secrets`."""

    vault_name: pulumi.Input[str]
    """Name of the Key Vault: 3-24 characters, unique in Azure."""

    resource_group_name: pulumi.Input[str]
    location: str
    tenant_id: pulumi.Input[str]
    """The Entra ID tenant whose identities the vault admits."""

    database_password: str | None = None
    """A supplied database password; default None: generate one (32 characters)."""

    secret_key: str | None = None
    """A supplied key for signing share links; default None: generate one."""

    purge_protection: bool = False
    """Keep deleted secrets for the whole retention, even from their owner (default
    False; cannot be turned off again)."""


class Secrets(pulumi.ComponentResource):
    """The platform's secrets, generated or supplied, stored in Key Vault."""

    vault: keyvault.Vault
    vault_id: pulumi.Output[str]
    database_password: pulumi.Output[str]
    """The database password (a Pulumi secret): the database needs the value."""

    secret_urls: dict[str, pulumi.Output[str]]
    """Versionless URL of each secret, by name: what container apps reference."""

    def __init__(
        self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:azure:Secrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        properties: keyvault.VaultPropertiesArgsDict = {
            "tenant_id": args.tenant_id,
            "sku": {"family": "A", "name": keyvault.SkuName.STANDARD},
            "enable_rbac_authorization": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": 90 if args.purge_protection else 7,
        }
        if args.purge_protection:
            properties["enable_purge_protection"] = True
        self.vault = keyvault.Vault(
            f"{name}-vault",
            vault_name=args.vault_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=properties,
            opts=child,
        )
        self.vault_id = self.vault.id

        self.database_password = self._value(
            args.database_password,
            lambda: random.RandomPassword(
                f"{name}-{DATABASE_PASSWORD}",
                length=32,
                special=True,
                override_special=_SYMBOLS,
                min_upper=1,
                min_lower=1,
                min_numeric=1,
                opts=child,
            ),
        )
        secret_key = self._value(
            args.secret_key,
            lambda: random.RandomPassword(
                f"{name}-{SECRET_KEY}", length=64, special=False, opts=child
            ),
        )

        vault_uri = self.vault.properties.apply(lambda p: p.vault_uri)
        self.secret_urls = {}
        for secret, value in (
            (DATABASE_PASSWORD, self.database_password),
            (SECRET_KEY, secret_key),
        ):
            stored = keyvault.Secret(
                f"{name}-{secret}",
                secret_name=secret,
                vault_name=self.vault.name,
                resource_group_name=args.resource_group_name,
                properties={"value": value},
                opts=child,
            )
            # Versionless: a new version reaches the apps at their next revision.
            self.secret_urls[secret] = pulumi.Output.all(vault_uri, stored.name).apply(
                lambda parts: f"{parts[0].rstrip('/')}/secrets/{parts[1]}"
            )

        self.register_outputs(
            {"vault_id": self.vault_id, "secret_urls": self.secret_urls}
        )

    @staticmethod
    def _value(
        supplied: str | None, generate: Callable[[], random.RandomPassword]
    ) -> pulumi.Output[str]:
        """The supplied value, or else a newly generated one; a secret either way."""
        if supplied is not None:
            return pulumi.Output.secret(supplied)
        return pulumi.Output.secret(generate().result)
