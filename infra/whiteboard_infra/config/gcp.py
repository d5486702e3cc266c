"""Settings only the GCP deployment reads: every key starts with `gcp`.

Holds what Google Cloud itself would refuse or limit, so a bad stack fails before
any resource is declared: Cloud Run's CPU/memory pairs, its request timeout and
concurrency ceilings, its 10 seconds between SIGTERM and SIGKILL, Cloud SQL's
tier/edition pairs and point-in-time-recovery window, the names Cloud SQL keeps
for itself, and whether the tier has room for every connection the backend can
open at its peak.
"""

import ipaddress
import re
from typing import Literal

from pydantic import ConfigDict, Field, field_validator
from pydantic.alias_generators import to_pascal

from whiteboard_infra.config.common import CommonSettings, SettingsModel
from whiteboard_infra.config.errors import refuse, setting, shown

CLOUD_RUN_REQUEST_TIMEOUT_MAX_SECONDS = 3600
"""The longest a Cloud Run request may last; a WebSocket is one request, so this
caps a connection's whole life, not only its idle time."""

CLOUD_RUN_CONCURRENCY_MAX = 1000
"""The most concurrent requests (open WebSockets included) one instance accepts."""

CLOUD_RUN_SIGKILL_AFTER_SECONDS = 10
"""Cloud Run kills a container this long after sending it SIGTERM."""

CLOUD_RUN_DEPLOY_SURGE_PERCENT = 200
"""Backend instances alive during a deploy, in percent of the maximum. Each
revision scales on its own, and the old one keeps its WebSockets (each a request)
until they close, up to the request timeout, while the new one scales up."""

CLOUD_RUN_MEMORY_MIB_BY_CPU = {
    1: (512, 4096),
    2: (512, 8192),
    4: (2048, 16384),
    6: (4096, 24576),
    8: (4096, 32768),
}
"""The memory range Cloud Run (second generation) allows for each CPU count."""

SHARED_CORE_TIER_MEMORY_MIB = {"db-f1-micro": 614, "db-g1-small": 1740}
"""Cloud SQL's shared-core tiers and their memory (0.6 and 1.7 GB)."""

PERF_OPTIMIZED_CPUS = (2, 4, 8, 16, 32, 48, 64, 80, 96, 128)
"""vCPU counts of Cloud SQL Enterprise Plus's `db-perf-optimized-N-<cpus>` tiers."""

MAX_CONNECTIONS_BY_MEMORY_MIB = (
    (122880, 1000),
    (61440, 800),
    (30720, 600),
    (15360, 500),
    (7680, 400),
    (6144, 200),
    (3840, 100),
    (1740, 50),
    (0, 25),
)
"""Cloud SQL for PostgreSQL's default max_connections: (at least this much memory
in MiB, connections), largest first."""

RESERVED_DATABASE_CONNECTIONS = 3
"""PostgreSQL's superuser_reserved_connections, which Cloud SQL leaves at 3:
slots the backend can never use."""

POINT_IN_TIME_RECOVERY_MAX_DAYS = {"ENTERPRISE": 7, "ENTERPRISE_PLUS": 35}
"""How far back each Cloud SQL edition keeps transaction logs for recovery."""

CLOUD_SQL_RESERVED_PREFIX = "cloudsql"
"""Cloud SQL keeps users and databases named cloudsql* (cloudsqladmin,
cloudsqlsuperuser, ...) for itself."""

_PROJECT_ID = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]")
_REGION = re.compile(r"[a-z]+-[a-z]+\d+")
_ZONE_NAME = re.compile(r"[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
_CUSTOM_TIER = re.compile(r"db-custom-(\d+)-(\d+)")
_PERF_OPTIMIZED_TIER = re.compile(r"db-perf-optimized-N-(\d+)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}")


def tier_memory_mib(tier: str) -> int | None:
    """Memory of a Cloud SQL tier in MiB, or None for a tier name Cloud SQL does
    not have (custom tiers: 1 or an even number of vCPUs up to 96, 0.9-6.5 GiB per
    vCPU in steps of 256 MiB, at least 3.75 GiB)."""
    if tier in SHARED_CORE_TIER_MEMORY_MIB:
        return SHARED_CORE_TIER_MEMORY_MIB[tier]
    custom = _CUSTOM_TIER.fullmatch(tier)
    if custom:
        cpus, memory = int(custom[1]), int(custom[2])
        valid_cpus = cpus == 1 or (cpus % 2 == 0 and 2 <= cpus <= 96)
        per_cpu = 922 * cpus <= memory <= 6656 * cpus
        if valid_cpus and per_cpu and memory % 256 == 0 and memory >= 3840:
            return memory
        return None
    optimized = _PERF_OPTIMIZED_TIER.fullmatch(tier)
    if optimized and int(optimized[1]) in PERF_OPTIMIZED_CPUS:
        cpus = int(optimized[1])
        return 884736 if cpus == 128 else cpus * 8192
    return None


def tier_edition(tier: str) -> str:
    """The only Cloud SQL edition that runs a (valid) tier."""
    return "ENTERPRISE_PLUS" if tier.startswith("db-perf-optimized-") else "ENTERPRISE"


def max_connections(tier: str) -> int:
    """Cloud SQL for PostgreSQL's default max_connections for a valid tier."""
    memory = tier_memory_mib(tier)
    assert memory is not None, tier
    return next(
        limit for floor, limit in MAX_CONNECTIONS_BY_MEMORY_MIB if memory >= floor
    )


def cloud_run_offers(cpu: int, memory_mib: int) -> bool:
    """Whether Cloud Run runs an instance with `cpu` vCPUs and `memory_mib` MiB."""
    low, high = CLOUD_RUN_MEMORY_MIB_BY_CPU.get(cpu, (1, 0))
    return low <= memory_mib <= high


def resource_names(prefix: str) -> dict[str, tuple[str, int, str]]:
    """Every name this program gives a Google Cloud resource, with the longest
    each may be and the pattern it must match."""
    service = r"[a-z](?:[a-z0-9-]*[a-z0-9])?"
    account = r"[a-z](?:[a-z0-9-]*[a-z0-9])"
    names: dict[str, tuple[str, int, str]] = {}
    for role in ("backend", "frontend"):
        names[f"Cloud Run service {prefix}-{role}"] = (f"{prefix}-{role}", 49, service)
        names[f"service account {prefix}-{role}"] = (f"{prefix}-{role}", 30, account)
    # Pulumi adds a random suffix: Cloud SQL keeps a deleted name for a week.
    replica = f"{prefix}-db-reader-0-abcdefg"
    names[f"Cloud SQL instance {prefix}-db"] = (replica, 98, service)
    return names


def _gcp_key(field_name: str) -> str:
    return "gcp" + to_pascal(field_name)


class GcpSettings(SettingsModel):
    """Settings for `whiteboard:cloud=gcp`. Defaults are the cheap `staging` values."""

    model_config = ConfigDict(alias_generator=_gcp_key)

    project: str = Field(
        default="",
        description="Google Cloud project id to deploy into (required with cloud=gcp).",
    )
    region: str = Field(
        default="europe-west1", description="Google Cloud region to deploy to."
    )
    subnet_cidr: str = Field(
        default="10.60.0.0/20",
        description="The subnet's private IPv4 range, /16 to /24; backend "
        "instances take their egress addresses from it.",
    )
    backend_cpu: int = Field(
        default=1, description="vCPUs of a backend instance: 1, 2, 4, 6 or 8."
    )
    backend_memory_mib: int = Field(
        default=1024,
        description="Memory of a backend instance in MiB; must suit the vCPUs as "
        "Cloud Run allows (1 vCPU: 512-4096).",
    )
    frontend_cpu: int = Field(
        default=1, description="vCPUs of a frontend instance: 1, 2, 4, 6 or 8."
    )
    frontend_memory_mib: int = Field(
        default=512, description="Memory of a frontend instance in MiB."
    )
    database_tier: str = Field(
        default="db-custom-1-6144",
        description="Cloud SQL tier: `db-f1-micro`, `db-g1-small` or "
        "`db-custom-<vCPUs>-<MiB>` (ENTERPRISE), `db-perf-optimized-N-<vCPUs>` "
        "(ENTERPRISE_PLUS).",
    )
    database_edition: Literal["ENTERPRISE", "ENTERPRISE_PLUS"] = Field(
        default="ENTERPRISE",
        description="Cloud SQL edition, `ENTERPRISE` or `ENTERPRISE_PLUS`; must "
        "match the tier. Point-in-time recovery reaches back 7 days on ENTERPRISE, "
        "35 on ENTERPRISE_PLUS.",
    )
    dns_zone: str = Field(
        default="",
        description="Cloud DNS managed zone (its name, in the same project) holding "
        "`domainName`. Set: the domain's A record points at the load balancer.",
    )
    alert_email: str = Field(
        default="",
        description="Address the uptime, error-rate and database-CPU alerts are "
        "mailed to. Empty: alerts only show in Cloud Monitoring.",
    )

    @field_validator("project")
    @classmethod
    def _project_id(cls, value: str) -> str:
        if value and not _PROJECT_ID.fullmatch(value):
            raise refuse(
                "gcpProject",
                value,
                "a project id: 6-30 lowercase letters, digits and hyphens, starting "
                "with a letter",
            )
        return value

    @field_validator("region")
    @classmethod
    def _region_name(cls, value: str) -> str:
        if not _REGION.fullmatch(value):
            raise refuse("gcpRegion", value, "a region name such as europe-west1")
        return value

    @field_validator("subnet_cidr")
    @classmethod
    def _subnet_range(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value)
        except ValueError:
            network = None
        if network is None or not 16 <= network.prefixlen <= 24:
            raise refuse("gcpSubnetCidr", value, "an IPv4 network from /16 to /24")
        if not network.is_private:
            raise refuse("gcpSubnetCidr", value, "a private range (RFC 1918)")
        return value

    @field_validator("database_tier")
    @classmethod
    def _known_tier(cls, value: str) -> str:
        if tier_memory_mib(value) is None:
            raise refuse(
                "gcpDatabaseTier",
                value,
                "db-f1-micro, db-g1-small, db-custom-<1 or even vCPUs>-<MiB: 3840 "
                "or more, a multiple of 256, 922-6656 per vCPU> or "
                "db-perf-optimized-N-<vCPUs>",
            )
        return value

    @field_validator("dns_zone")
    @classmethod
    def _zone_name(cls, value: str) -> str:
        if value and not _ZONE_NAME.fullmatch(value):
            raise refuse(
                "gcpDnsZone",
                value,
                "a managed zone name: 1-63 lowercase letters, digits and hyphens",
            )
        return value

    @field_validator("alert_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.fullmatch(value):
            raise refuse("gcpAlertEmail", value, "an email address")
        return value

    def check_with(self, common: CommonSettings) -> None:
        """Refuse combinations of common and GCP settings Google Cloud cannot run."""
        if not self.project:
            raise refuse(
                "gcpProject", "", "set the Google Cloud project id to deploy into"
            )
        self._check_names(common)
        self._check_instances()
        self._check_cloud_run_limits(common)
        self._check_database(common)

    def _check_names(self, common: CommonSettings) -> None:
        for what, (name, longest, pattern) in resource_names(
            common.resource_prefix
        ).items():
            if len(name) > longest or not re.fullmatch(pattern, name):
                raise refuse(
                    "resourcePrefix",
                    common.resource_prefix,
                    f"the {what} would be {name!r}; Google Cloud allows at most "
                    f"{longest} characters matching {pattern}",
                )
        for key, value in (
            ("databaseUser", common.database_user),
            ("databaseName", common.database_name),
        ):
            if value.startswith(CLOUD_SQL_RESERVED_PREFIX):
                raise refuse(key, value, "a name not starting 'cloudsql' on Cloud SQL")

    def _check_instances(self) -> None:
        for role in ("backend", "frontend"):
            cpu = getattr(self, f"{role}_cpu")
            memory = getattr(self, f"{role}_memory_mib")
            if cpu not in CLOUD_RUN_MEMORY_MIB_BY_CPU:
                raise refuse(f"gcp{role.title()}Cpu", cpu, "one of 1, 2, 4, 6, 8")
            if not cloud_run_offers(cpu, memory):
                low, high = CLOUD_RUN_MEMORY_MIB_BY_CPU[cpu]
                raise refuse(
                    f"gcp{role.title()}MemoryMib",
                    memory,
                    f"Cloud Run allows {low}-{high} MiB with "
                    + setting(f"gcp{role.title()}Cpu", cpu),
                )

    def _check_cloud_run_limits(self, common: CommonSettings) -> None:
        if (
            common.websocket_idle_timeout_seconds
            > CLOUD_RUN_REQUEST_TIMEOUT_MAX_SECONDS
        ):
            raise refuse(
                "websocketIdleTimeoutSeconds",
                common.websocket_idle_timeout_seconds,
                f"at most {CLOUD_RUN_REQUEST_TIMEOUT_MAX_SECONDS} on Cloud Run, whose "
                "request timeout ends every WebSocket",
            )
        if common.backend_connections_target_per_instance > CLOUD_RUN_CONCURRENCY_MAX:
            raise refuse(
                "backendConnectionsTargetPerInstance",
                common.backend_connections_target_per_instance,
                f"at most {CLOUD_RUN_CONCURRENCY_MAX}, Cloud Run's concurrency limit",
            )
        if common.shutdown_grace_seconds >= CLOUD_RUN_SIGKILL_AFTER_SECONDS:
            raise refuse(
                "shutdownGraceSeconds",
                common.shutdown_grace_seconds,
                f"below {CLOUD_RUN_SIGKILL_AFTER_SECONDS}: Cloud Run kills a "
                f"container {CLOUD_RUN_SIGKILL_AFTER_SECONDS} s after SIGTERM",
            )
        if self.dns_zone and not common.domain_name:
            raise refuse(
                "gcpDnsZone",
                self.dns_zone,
                "set whiteboard:domainName too, the name to create in that zone",
            )

    def _check_database(self, common: CommonSettings) -> None:
        edition = tier_edition(self.database_tier)
        if edition != self.database_edition:
            raise refuse(
                "gcpDatabaseTier",
                self.database_tier,
                f"runs only on Cloud SQL {edition}, not "
                + setting("gcpDatabaseEdition", self.database_edition),
            )

        recovery_days = POINT_IN_TIME_RECOVERY_MAX_DAYS[self.database_edition]
        if common.database_backup_retention_days > recovery_days:
            raise refuse(
                "databaseBackupRetentionDays",
                common.database_backup_retention_days,
                f"at most {recovery_days} on Cloud SQL {self.database_edition}, "
                "whose point-in-time recovery reaches back no further; choose "
                "ENTERPRISE_PLUS or fewer days",
            )

        peak = common.writer_connections_at_peak(CLOUD_RUN_DEPLOY_SURGE_PERCENT)
        usable = max_connections(self.database_tier) - RESERVED_DATABASE_CONNECTIONS
        if peak > usable:
            most = shown("backendMaxInstances", common.backend_max_instances)
            pool = shown("databasePoolSize", common.database_pool_size)
            raise refuse(
                "gcpDatabaseTier",
                self.database_tier,
                f"allows {usable} backend connections but the backend can open "
                f"{peak} (backendMaxInstances {most} x "
                f"{CLOUD_RUN_DEPLOY_SURGE_PERCENT}% during a deploy x "
                f"(databasePoolSize {pool} + 1)); choose a larger tier or lower those",
            )
