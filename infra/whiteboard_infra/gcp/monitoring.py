"""Monitoring: an uptime check on the app and the alerts that matter.

Creates an uptime check that fetches the frontend's `/healthz` through the load
balancer (so it exercises the address, the certificate and the routing) from
several regions, and alert policies for: the uptime check failing, the backend
answering more than 5% of requests with 5xx, and the database writer's CPU above
80%. Alerts mail `alert_email` when one is given, and always show in Cloud
Monitoring.
"""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp

HEALTH_PATH = "/healthz"
ERROR_RATE_THRESHOLD = 0.05
DATABASE_CPU_THRESHOLD = 0.8
ALIGNMENT = "300s"
"""Every alert looks at five-minute windows."""


@dataclass(frozen=True)
class MonitoringArgs:
    """Arguments of `Monitoring`."""

    name: str
    """Prefix of every display name."""

    project: str
    """The project the uptime check's target is named in."""

    host: pulumi.Input[str]
    """The app's host: its domain, or the load balancer's address."""

    https: bool
    """Whether the app serves HTTPS (it does with a domain)."""

    backend_service_name: pulumi.Input[str]
    database_instance_id: pulumi.Input[str]
    """`<project>:<instance>` of the writer."""

    alert_email: str = ""
    """Where alerts are mailed; default "": no notification channel."""


class Monitoring(pulumi.ComponentResource):
    """An uptime check on the app and alert policies on errors and database CPU."""

    uptime_check: gcp.monitoring.UptimeCheckConfig
    alert_policies: list[gcp.monitoring.AlertPolicy]

    def __init__(
        self,
        name: str,
        args: MonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:gcp:Monitoring", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        channels: list[pulumi.Input[str]] = []
        if args.alert_email:
            email = gcp.monitoring.NotificationChannel(
                f"{name}-email",
                display_name=f"{args.name} alerts",
                type="email",
                labels={"email_address": args.alert_email},
                opts=child,
            )
            channels.append(email.name)

        self.uptime_check = gcp.monitoring.UptimeCheckConfig(
            f"{name}-uptime",
            display_name=f"{args.name} app is up",
            timeout="10s",
            period="60s",
            http_check={
                "path": HEALTH_PATH,
                "port": 443 if args.https else 80,
                "use_ssl": args.https,
                "validate_ssl": args.https,
                "accepted_response_status_codes": [
                    {"status_class": "STATUS_CLASS_2XX"}
                ],
            },
            monitored_resource={
                "type": "uptime_url",
                "labels": {"host": args.host, "project_id": args.project},
            },
            opts=child,
        )

        uptime_filter = self.uptime_check.uptime_check_id.apply(
            lambda check_id: (
                'metric.type="monitoring.googleapis.com/uptime_check/check_passed" '
                'AND resource.type="uptime_url" '
                f'AND metric.label.check_id="{check_id}"'
            )
        )
        backend_requests = pulumi.Output.from_input(args.backend_service_name).apply(
            lambda service: (
                'metric.type="run.googleapis.com/request_count" '
                'AND resource.type="cloud_run_revision" '
                f'AND resource.label.service_name="{service}"'
            )
        )
        database_cpu = pulumi.Output.from_input(args.database_instance_id).apply(
            lambda instance: (
                'metric.type="cloudsql.googleapis.com/database/cpu/utilization" '
                'AND resource.type="cloudsql_database" '
                f'AND resource.label.database_id="{instance}"'
            )
        )

        self.alert_policies = [
            self._policy(
                name,
                "uptime",
                f"{args.name} app is down",
                {
                    "filter": uptime_filter,
                    "comparison": "COMPARISON_LT",
                    "threshold_value": 1,
                    "duration": "300s",
                    "aggregations": [
                        {
                            "alignment_period": ALIGNMENT,
                            "per_series_aligner": "ALIGN_NEXT_OLDER",
                            "cross_series_reducer": "REDUCE_COUNT_TRUE",
                            "group_by_fields": ["resource.label.host"],
                        }
                    ],
                    "trigger": {"count": 1},
                },
                channels,
            ),
            self._policy(
                name,
                "errors",
                f"{args.name} backend answers over 5% with 5xx",
                {
                    "filter": backend_requests.apply(
                        lambda base: (
                            f'{base} AND metric.label.response_code_class="5xx"'
                        )
                    ),
                    "denominator_filter": backend_requests,
                    "comparison": "COMPARISON_GT",
                    "threshold_value": ERROR_RATE_THRESHOLD,
                    "duration": "300s",
                    "aggregations": [_rate_summed()],
                    "denominator_aggregations": [_rate_summed()],
                },
                channels,
            ),
            self._policy(
                name,
                "database-cpu",
                f"{args.name} database CPU above 80%",
                {
                    "filter": database_cpu,
                    "comparison": "COMPARISON_GT",
                    "threshold_value": DATABASE_CPU_THRESHOLD,
                    "duration": "600s",
                    "aggregations": [
                        {
                            "alignment_period": ALIGNMENT,
                            "per_series_aligner": "ALIGN_MEAN",
                        }
                    ],
                },
                channels,
            ),
        ]

        self.register_outputs(
            {
                "uptime_check_id": self.uptime_check.uptime_check_id,
                "alert_policies": [policy.name for policy in self.alert_policies],
            }
        )

    def _policy(
        self,
        name: str,
        key: str,
        title: str,
        threshold: Any,
        channels: list[pulumi.Input[str]],
    ) -> gcp.monitoring.AlertPolicy:
        return gcp.monitoring.AlertPolicy(
            f"{name}-{key}",
            display_name=title,
            combiner="OR",
            conditions=[{"display_name": title, "condition_threshold": threshold}],
            notification_channels=channels,
            alert_strategy={"auto_close": "86400s"},
            opts=pulumi.ResourceOptions(parent=self),
        )


def _rate_summed() -> dict[str, object]:
    return {
        "alignment_period": ALIGNMENT,
        "per_series_aligner": "ALIGN_RATE",
        "cross_series_reducer": "REDUCE_SUM",
    }
