"""Settings only the AWS deployment reads: every key starts with `aws`.

Holds what AWS itself would refuse or what AWS limits, so a bad stack fails before
any resource is declared: Fargate's CPU/memory pairs, the load balancer's idle
timeout ceiling, and whether the database instance class has room for every
connection the backend can open at its peak.
"""

import ipaddress
import re

from pydantic import ConfigDict, Field, field_validator
from pydantic.alias_generators import to_pascal

from whiteboard_infra.config.common import CommonSettings, SettingsModel
from whiteboard_infra.config.errors import refuse, setting, shown

ALB_IDLE_TIMEOUT_MAX_SECONDS = 4000
"""The longest idle timeout an Application Load Balancer accepts."""

DATABASE_CLASS_MEMORY_GIB = {
    f"db.{family}.{size}": gib
    for family in ("t3", "t4g")
    for size, gib in {"micro": 1, "small": 2, "medium": 4, "large": 8}.items()
} | {
    f"db.{family}.{size}": gib * (2 if family.startswith("r") else 1)
    for family in ("m6g", "m7g", "r6g", "r7g")
    for size, gib in {"large": 8, "xlarge": 16, "2xlarge": 32, "4xlarge": 64}.items()
}
"""Memory of the RDS instance classes this program accepts, in GiB."""

RESERVED_DATABASE_CONNECTIONS = 3 + 2
"""PostgreSQL's superuser_reserved_connections (3) plus RDS's
rds.rds_superuser_reserved_connections (2): slots the backend can never use."""


def fargate_offers(cpu: int, memory_mib: int) -> bool:
    """Whether Fargate runs a task with `cpu` units and `memory_mib` MiB."""
    if cpu == 256:
        return memory_mib in (512, 1024, 2048)
    return memory_mib in _fargate_memory_choices_by_cpu(cpu)


def _fargate_memory_choices_by_cpu(cpu: int) -> range:
    gib = 1024
    return {
        512: range(gib, 4 * gib + 1, gib),
        1024: range(2 * gib, 8 * gib + 1, gib),
        2048: range(4 * gib, 16 * gib + 1, gib),
        4096: range(8 * gib, 30 * gib + 1, gib),
        8192: range(16 * gib, 60 * gib + 1, 4 * gib),
        16384: range(32 * gib, 120 * gib + 1, 8 * gib),
    }.get(cpu, range(0))


def max_connections(instance_class: str) -> int:
    """RDS PostgreSQL's default max_connections for an instance class.

    RDS sets LEAST(DBInstanceClassMemory / 9531392, 5000). DBInstanceClassMemory is
    the class's memory less what the OS and RDS keep, which AWS does not publish;
    measured values (e.g. 198 on a 2 GiB class, 856 on 8 GiB) sit above this
    estimate, which takes away the larger of 384 MiB and a tenth.
    """
    nominal_mib = DATABASE_CLASS_MEMORY_GIB[instance_class] * 1024
    usable_bytes = (nominal_mib - max(384, nominal_mib // 10)) * 1024 * 1024
    return min(usable_bytes // 9531392, 5000)


def _aws_key(field_name: str) -> str:
    return "aws" + to_pascal(field_name)


class AwsSettings(SettingsModel):
    """Settings for `whiteboard:cloud=aws`. Defaults are the cheap `staging` values."""

    model_config = ConfigDict(alias_generator=_aws_key)

    region: str = Field(default="eu-west-1", description="AWS region to deploy to.")
    availability_zones: int = Field(
        default=2,
        ge=2,
        le=6,
        description="Availability zones the network spans (2-6).",
    )
    vpc_cidr: str = Field(
        default="10.40.0.0/16",
        description="The VPC's private IPv4 range, /16 to /20; each zone gets a "
        "public and a private slice of it.",
    )
    nat_gateway_per_zone: bool = Field(
        default=False,
        description="One NAT gateway in each zone (survives a zone outage); false: "
        "one NAT gateway for the whole VPC.",
    )
    backend_cpu: int = Field(
        default=256, description="Fargate CPU units of a backend task (1024 = 1 vCPU)."
    )
    backend_memory_mib: int = Field(
        default=512,
        description="Memory of a backend task in MiB; must pair with the CPU units "
        "as Fargate offers.",
    )
    frontend_cpu: int = Field(
        default=256, description="Fargate CPU units of a frontend task."
    )
    frontend_memory_mib: int = Field(
        default=512, description="Memory of a frontend task in MiB."
    )
    deployment_maximum_percent: int = Field(
        default=200,
        ge=100,
        le=200,
        description="Tasks a rolling deploy may run, in percent of the desired count "
        "(100-200); counts toward the database connection check.",
    )
    deregistration_delay_seconds: int = Field(
        default=30,
        ge=0,
        le=3600,
        description="Seconds the load balancer keeps a stopping backend's open "
        "connections before it closes them (0-3600).",
    )
    database_instance_class: str = Field(
        default="db.t4g.small",
        description="RDS instance class, e.g. `db.t4g.small`, `db.m6g.large`.",
    )
    database_performance_insights: bool = Field(
        default=False, description="RDS Performance Insights on the writer."
    )
    hosted_zone_id: str = Field(
        default="",
        description="Route 53 hosted zone of `domainName`. Set: the certificate is "
        "validated and the domain points at the load balancer automatically.",
    )

    @field_validator("region")
    @classmethod
    def _region_name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-\d", value):
            raise refuse("awsRegion", value, "an AWS region name such as eu-west-1")
        return value

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_range(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value)
        except ValueError:
            network = None
        if network is None or not 16 <= network.prefixlen <= 20:
            raise refuse("awsVpcCidr", value, "an IPv4 network from /16 to /20")
        if not network.is_private:
            raise refuse("awsVpcCidr", value, "a private range (RFC 1918)")
        return value

    @field_validator("database_instance_class")
    @classmethod
    def _known_class(cls, value: str) -> str:
        if value not in DATABASE_CLASS_MEMORY_GIB:
            allowed = ", ".join(DATABASE_CLASS_MEMORY_GIB)
            raise refuse("awsDatabaseInstanceClass", value, f"one of {allowed}")
        return value

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone_id(cls, value: str) -> str:
        if value and not re.fullmatch(r"Z[A-Z0-9]{1,31}", value):
            raise refuse(
                "awsHostedZoneId", value, "a Route 53 zone id such as Z0123ABC"
            )
        return value

    def check_with(self, common: CommonSettings) -> None:
        """Refuse combinations of common and AWS settings that AWS cannot run."""
        for role in ("backend", "frontend"):
            cpu = getattr(self, f"{role}_cpu")
            memory = getattr(self, f"{role}_memory_mib")
            if not _fargate_memory_choices_by_cpu(cpu) and cpu != 256:
                raise refuse(
                    f"aws{role.title()}Cpu",
                    cpu,
                    "one of 256, 512, 1024, 2048, 4096, 8192, 16384",
                )
            if not fargate_offers(cpu, memory):
                raise refuse(
                    f"aws{role.title()}MemoryMib",
                    memory,
                    f"Fargate offers {_fargate_memory_text(cpu)} with "
                    + setting(f"aws{role.title()}Cpu", cpu),
                )

        if common.websocket_idle_timeout_seconds > ALB_IDLE_TIMEOUT_MAX_SECONDS:
            raise refuse(
                "websocketIdleTimeoutSeconds",
                common.websocket_idle_timeout_seconds,
                f"at most {ALB_IDLE_TIMEOUT_MAX_SECONDS} on an AWS load balancer",
            )

        if self.hosted_zone_id and not common.domain_name:
            raise refuse(
                "awsHostedZoneId",
                self.hosted_zone_id,
                "set whiteboard:domainName too, the name to create in that zone",
            )

        peak = common.writer_connections_at_peak(self.deployment_maximum_percent)
        usable = max_connections(self.database_instance_class)
        usable -= RESERVED_DATABASE_CONNECTIONS
        if peak > usable:
            most = shown("backendMaxInstances", common.backend_max_instances)
            surge = shown(
                "awsDeploymentMaximumPercent", self.deployment_maximum_percent
            )
            pool = shown("databasePoolSize", common.database_pool_size)
            raise refuse(
                "awsDatabaseInstanceClass",
                self.database_instance_class,
                f"allows {usable} backend connections but the backend can open "
                f"{peak} (backendMaxInstances {most} x {surge}% during a deploy x "
                f"(databasePoolSize {pool} + 1)); choose a larger class or lower "
                "those",
            )


def _fargate_memory_text(cpu: int) -> str:
    if cpu == 256:
        return "512, 1024 or 2048 MiB"
    choices = _fargate_memory_choices_by_cpu(cpu)
    return f"{choices.start}-{choices.stop - 1} MiB in steps of {choices.step}"
