"""Settings only the Azure deployment reads: every key starts with `azure`.

Holds what Azure itself would refuse or what Azure limits, so a bad stack fails
before any resource is declared: resource names Azure rejects, a PostgreSQL
compute tier that cannot carry high availability or read replicas, a backup
retention outside 7-35 days, and a SKU whose connection limit is below what the
backend can open at its peak.
"""

import ipaddress
import re

from pydantic import ConfigDict, Field, field_validator
from pydantic.alias_generators import to_pascal

from whiteboard_infra.config.common import CommonSettings, SettingsModel
from whiteboard_infra.config.errors import refuse, setting, shown

GATEWAY_REQUEST_TIMEOUT_MAX_SECONDS = 86400
"""The longest request timeout an Application Gateway backend setting accepts."""

REVISION_SURGE_PERCENT = 200
"""Replicas a deploy runs, in percent of the desired count: in single revision
mode the new revision starts beside the old one, which stops only once the new
one is ready."""

RESERVED_DATABASE_CONNECTIONS = 15
"""Connections Azure keeps on a flexible server for replication and monitoring."""

DATABASE_BACKUP_RETENTION_DAYS = range(7, 36)
"""Backup retention a flexible server accepts, in days."""

_BURSTABLE = {
    "Standard_B1ms": 50,
    "Standard_B2s": 429,
    "Standard_B2ms": 859,
    "Standard_B4ms": 1718,
    "Standard_B8ms": 3437,
    "Standard_B12ms": 5000,
    "Standard_B16ms": 5000,
    "Standard_B20ms": 5000,
}
_MAX_CONNECTIONS_BY_VCORES = {"D": {2: 859, 4: 1718, 8: 3437}, "E": {2: 1718, 4: 3437}}
_GENERATIONS = ("s_v3", "ds_v4", "ds_v5", "ads_v5")

DATABASE_SKU_MAX_CONNECTIONS: dict[str, int] = _BURSTABLE | {
    f"Standard_{family}{vcores}{generation}": _MAX_CONNECTIONS_BY_VCORES[family].get(
        vcores, 5000
    )
    for family in ("D", "E")
    for vcores in (2, 4, 8, 16, 32, 48, 64)
    for generation in _GENERATIONS
}
"""Default max_connections of each flexible server compute size this program
accepts, as Azure documents them (its server-parameter defaults)."""

DATABASE_STORAGE_SIZES_GIB = tuple(32 * 2**step for step in range(11))
"""Storage sizes a flexible server offers on premium SSD, in GiB: 32 up to
32768 (32 TiB), each twice the one before."""

RESERVED_ADMINISTRATOR_LOGINS = {
    "admin",
    "administrator",
    "azure_pg_admin",
    "azure_superuser",
    "guest",
    "public",
    "root",
}
"""Names Azure refuses as a flexible server's administrator login, which is the
user the backend connects as; names starting `pg_` are refused as well."""

LOG_ANALYTICS_RETENTION_DAYS = range(30, 731)
"""Retention a Log Analytics workspace on pay-as-you-go accepts, in days."""

_LOCATION = re.compile(r"^[a-z]+[a-z0-9]*$")
_REGISTRY_NAME = re.compile(r"^[a-zA-Z0-9]{5,50}$")
_KEY_VAULT_NAME = re.compile(r"^[a-zA-Z](?:[a-zA-Z0-9]|-(?!-)){1,22}[a-zA-Z0-9]$")
_SERVER_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")
_RESOURCE_GROUP = re.compile(r"^[-\w._()]{1,89}[-\w_()]$")
_VAULT_ID = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w._()]+/providers/"
    r"Microsoft\.KeyVault/vaults/[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$"
)
_CERTIFICATE_NAME = re.compile(r"^[a-zA-Z0-9-]{1,127}$")


def database_tier(sku: str) -> str:
    """The flexible server pricing tier of a compute size: Burstable (B-series),
    GeneralPurpose (D-series) or MemoryOptimized (E-series)."""
    family = sku.removeprefix("Standard_")[:1]
    return {"B": "Burstable", "D": "GeneralPurpose", "E": "MemoryOptimized"}[family]


def database_storage_gib(requested_gib: int) -> int:
    """The smallest storage size a flexible server offers that holds the request;
    ValueError when the request is beyond the largest (the config refuses it)."""
    for size in DATABASE_STORAGE_SIZES_GIB:
        if size >= requested_gib:
            return size
    raise ValueError(f"no flexible server storage size holds {requested_gib} GiB")


def log_analytics_retention_days(requested_days: int) -> int:
    """The retention closest to the request that Log Analytics accepts."""
    low, high = LOG_ANALYTICS_RETENTION_DAYS[0], LOG_ANALYTICS_RETENTION_DAYS[-1]
    return min(max(requested_days, low), high)


def _azure_key(field_name: str) -> str:
    return "azure" + to_pascal(field_name)


class AzureSettings(SettingsModel):
    """Settings for `whiteboard:cloud=azure`. Defaults are the cheap `staging`
    values."""

    model_config = ConfigDict(alias_generator=_azure_key)

    location: str = Field(
        default="westeurope",
        description="Azure region to deploy to, e.g. `westeurope`.",
    )
    vnet_cidr: str = Field(
        default="10.50.0.0/16",
        description="The virtual network's private IPv4 range, /16 to /22; its first "
        "three /24 ranges hold the container apps, the gateway and the database.",
    )
    zone_redundant: bool = Field(
        default=False,
        description="Spread the container apps environment and the gateway over "
        "three availability zones.",
    )
    backend_cpu_millicores: int = Field(
        default=500,
        description="CPU of a backend replica in thousandths of a vCPU (250-4000, "
        "in steps of 250); it gets 2 GiB of memory per vCPU.",
    )
    frontend_cpu_millicores: int = Field(
        default=250,
        description="CPU of a frontend replica in thousandths of a vCPU (250-4000, "
        "in steps of 250).",
    )
    database_sku: str = Field(
        default="Standard_B2s",
        description="PostgreSQL flexible server compute size, e.g. `Standard_B2s` "
        "(Burstable: no high availability, no replicas) or `Standard_D2ds_v5`.",
    )
    database_geo_redundant_backup: bool = Field(
        default=False,
        description="Copy backups to the paired region; fixed when the server is "
        "created.",
    )
    database_server_name: str = Field(
        default="",
        description="Name of the PostgreSQL server (3-63 lowercase letters, digits "
        "and hyphens, unique in Azure). Empty: the prefix, `-pg-` and the stack's "
        "suffix.",
    )
    registry_name: str = Field(
        default="",
        description="Name of the container registry (5-50 letters and digits, unique "
        "in Azure). Empty: the prefix without hyphens and the stack's suffix.",
    )
    key_vault_name: str = Field(
        default="",
        description="Name of the Key Vault holding the secrets (3-24 letters, digits "
        "and single hyphens, unique in Azure). Empty: the prefix and the stack's "
        "suffix.",
    )
    gateway_min_capacity: int = Field(
        default=1,
        ge=0,
        le=125,
        description="Fewest Application Gateway instances autoscaling keeps (0-125).",
    )
    gateway_max_capacity: int = Field(
        default=2,
        ge=2,
        le=125,
        description="Most Application Gateway instances autoscaling starts (2-125).",
    )
    dns_zone_name: str = Field(
        default="",
        description="Azure DNS zone holding `domainName`. Set: the domain points at "
        "the gateway's public address.",
    )
    dns_zone_resource_group: str = Field(
        default="",
        description="Resource group of `azureDnsZoneName` (required with it).",
    )
    certificate_vault_id: str = Field(
        default="",
        description="Resource id of the Key Vault (RBAC mode) holding the TLS "
        "certificate of `domainName`. Set with `azureCertificateName`: HTTPS, and "
        "HTTP redirects to it.",
    )
    certificate_name: str = Field(
        default="",
        description="Name of the certificate in `azureCertificateVaultId`; the "
        "gateway follows its newest version.",
    )

    @field_validator("location")
    @classmethod
    def _location_name(cls, value: str) -> str:
        if not _LOCATION.fullmatch(value):
            raise refuse(
                "azureLocation", value, "an Azure region name such as westeurope"
            )
        return value

    @field_validator("vnet_cidr")
    @classmethod
    def _vnet_range(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value)
        except ValueError:
            network = None
        if network is None or not 16 <= network.prefixlen <= 22:
            raise refuse("azureVnetCidr", value, "an IPv4 network from /16 to /22")
        if not network.is_private:
            raise refuse("azureVnetCidr", value, "a private range (RFC 1918)")
        return value

    @field_validator("backend_cpu_millicores", "frontend_cpu_millicores")
    @classmethod
    def _container_cpu(cls, value: int, info: object) -> int:
        if not 250 <= value <= 4000 or value % 250:
            key = _azure_key(str(getattr(info, "field_name", "")))
            raise refuse(key, value, "250-4000 in steps of 250")
        return value

    @field_validator("database_sku")
    @classmethod
    def _known_sku(cls, value: str) -> str:
        if value not in DATABASE_SKU_MAX_CONNECTIONS:
            raise refuse(
                "azureDatabaseSku",
                value,
                "a flexible server compute size such as Standard_B2s, "
                "Standard_D2ds_v5 or Standard_E4ds_v5",
            )
        return value

    @field_validator("database_server_name")
    @classmethod
    def _server_name(cls, value: str) -> str:
        if value and not _SERVER_NAME.fullmatch(value):
            raise refuse(
                "azureDatabaseServerName",
                value,
                "3-63 lowercase letters, digits and hyphens, not starting or ending "
                "with a hyphen",
            )
        return value

    @field_validator("registry_name")
    @classmethod
    def _registry_name(cls, value: str) -> str:
        if value and not _REGISTRY_NAME.fullmatch(value):
            raise refuse("azureRegistryName", value, "5-50 letters and digits only")
        return value

    @field_validator("key_vault_name")
    @classmethod
    def _key_vault_name(cls, value: str) -> str:
        if value and not _KEY_VAULT_NAME.fullmatch(value):
            raise refuse(
                "azureKeyVaultName",
                value,
                "3-24 letters, digits and single hyphens, starting with a letter and "
                "ending with a letter or digit",
            )
        return value

    @field_validator("dns_zone_resource_group")
    @classmethod
    def _resource_group(cls, value: str) -> str:
        if value and not _RESOURCE_GROUP.fullmatch(value):
            raise refuse(
                "azureDnsZoneResourceGroup",
                value,
                "1-90 letters, digits, '-', '_', '.', '(' and ')', not ending in '.'",
            )
        return value

    @field_validator("certificate_vault_id")
    @classmethod
    def _vault_id(cls, value: str) -> str:
        if value and not _VAULT_ID.fullmatch(value):
            raise refuse(
                "azureCertificateVaultId",
                value,
                "a Key Vault resource id: /subscriptions/<id>/resourceGroups/<group>/"
                "providers/Microsoft.KeyVault/vaults/<name>",
            )
        return value

    @field_validator("certificate_name")
    @classmethod
    def _certificate_name(cls, value: str) -> str:
        if value and not _CERTIFICATE_NAME.fullmatch(value):
            raise refuse(
                "azureCertificateName", value, "1-127 letters, digits and hyphens"
            )
        return value

    @property
    def database_tier(self) -> str:
        """Burstable, GeneralPurpose or MemoryOptimized, from the compute size."""
        return database_tier(self.database_sku)

    @property
    def https(self) -> bool:
        """Whether the gateway serves HTTPS with a certificate from Key Vault."""
        return bool(self.certificate_vault_id and self.certificate_name)

    @property
    def certificate_secret_id(self) -> str:
        """The certificate's versionless secret URI, which the gateway follows."""
        if not self.https:
            return ""
        vault = self.certificate_vault_id.rsplit("/", 1)[-1]
        return f"https://{vault}.vault.azure.net/secrets/{self.certificate_name}"

    def check_with(self, common: CommonSettings) -> None:
        """Refuse combinations of common and Azure settings that Azure cannot run."""
        self._check_database(common)
        self._check_entry(common)

        if self.gateway_min_capacity > self.gateway_max_capacity:
            raise refuse(
                "azureGatewayMinCapacity",
                self.gateway_min_capacity,
                "at most "
                + setting("azureGatewayMaxCapacity", self.gateway_max_capacity),
            )

    def _check_database(self, common: CommonSettings) -> None:
        user = common.database_user
        if user in RESERVED_ADMINISTRATOR_LOGINS or user.startswith("pg_"):
            raise refuse(
                "databaseUser",
                user,
                "a name Azure accepts as the server's administrator login: not "
                f"{', '.join(sorted(RESERVED_ADMINISTRATOR_LOGINS))} or pg_*",
            )

        if self.database_tier == "Burstable":
            if common.database_high_availability:
                raise refuse(
                    "azureDatabaseSku",
                    self.database_sku,
                    "Burstable sizes offer no high availability "
                    "(whiteboard:databaseHighAvailability=true); choose a "
                    "GeneralPurpose (D) or MemoryOptimized (E) size",
                )
            if common.database_read_replicas:
                raise refuse(
                    "azureDatabaseSku",
                    self.database_sku,
                    "Burstable sizes offer no read replicas ("
                    + setting("databaseReadReplicas", common.database_read_replicas)
                    + "); choose a GeneralPurpose (D) or MemoryOptimized (E) size",
                )

        replica_suffix = len(f"-replica-{common.database_read_replicas - 1}")
        if (
            common.database_read_replicas
            and len(self.database_server_name) + replica_suffix > 63
        ):
            raise refuse(
                "azureDatabaseServerName",
                self.database_server_name,
                f"at most {63 - replica_suffix} characters, so that the read "
                f"replicas' names (<name>-replica-<n>) stay within 63",
            )

        largest = DATABASE_STORAGE_SIZES_GIB[-1]
        if common.database_storage_gib > largest:
            raise refuse(
                "databaseStorageGib",
                common.database_storage_gib,
                f"at most {largest} on Azure Database for PostgreSQL, its largest "
                "storage size",
            )

        days = common.database_backup_retention_days
        if days not in DATABASE_BACKUP_RETENTION_DAYS:
            raise refuse(
                "databaseBackupRetentionDays",
                days,
                "7-35 on Azure Database for PostgreSQL",
            )

        peak = common.writer_connections_at_peak(REVISION_SURGE_PERCENT)
        usable = DATABASE_SKU_MAX_CONNECTIONS[self.database_sku]
        usable -= RESERVED_DATABASE_CONNECTIONS
        if peak > usable:
            most = shown("backendMaxInstances", common.backend_max_instances)
            pool = shown("databasePoolSize", common.database_pool_size)
            raise refuse(
                "azureDatabaseSku",
                self.database_sku,
                f"allows {usable} backend connections but the backend can open "
                f"{peak} (backendMaxInstances {most} x "
                f"{REVISION_SURGE_PERCENT}% while a new revision starts x "
                f"(databasePoolSize {pool} + 1)); choose a larger size or lower those",
            )

    def _check_entry(self, common: CommonSettings) -> None:
        if common.websocket_idle_timeout_seconds > GATEWAY_REQUEST_TIMEOUT_MAX_SECONDS:
            raise refuse(
                "websocketIdleTimeoutSeconds",
                common.websocket_idle_timeout_seconds,
                f"at most {GATEWAY_REQUEST_TIMEOUT_MAX_SECONDS} on an Application "
                "Gateway",
            )

        if bool(self.dns_zone_name) != bool(self.dns_zone_resource_group):
            key = (
                "azureDnsZoneName"
                if self.dns_zone_name
                else "azureDnsZoneResourceGroup"
            )
            raise refuse(
                key,
                self.dns_zone_name or self.dns_zone_resource_group,
                "set azureDnsZoneName and azureDnsZoneResourceGroup together",
            )
        domain = common.domain_name
        if self.dns_zone_name and not (
            domain == self.dns_zone_name or domain.endswith(f".{self.dns_zone_name}")
        ):
            raise refuse(
                "azureDnsZoneName",
                self.dns_zone_name,
                f"a zone that holds {setting('domainName', domain or '(empty)')}",
            )

        if bool(self.certificate_vault_id) != bool(self.certificate_name):
            key = (
                "azureCertificateVaultId"
                if self.certificate_vault_id
                else "azureCertificateName"
            )
            raise refuse(
                key,
                self.certificate_vault_id or self.certificate_name,
                "set azureCertificateVaultId and azureCertificateName together",
            )
        if self.https and not domain:
            raise refuse(
                "azureCertificateName",
                self.certificate_name,
                "set whiteboard:domainName too, the name the certificate is for",
            )
