"""Monitoring: Azure Monitor metric alerts on what needs a person's attention.

Creates three alerts:
- the gateway answered more than `server_errors_per_window` 5xx responses in five
  minutes (its `ResponseStatus` metric, 5xx group);
- the backend ran at `max_replicas` for fifteen minutes: the autoscaler has no
  room left;
- the database writer's CPU averaged above `database_cpu_percent` for fifteen
  minutes.

Alerts show in Azure Monitor; attach an action group to them to be told.
"""

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor

_CRITERIA = "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"


@dataclass(frozen=True)
class MonitoringArgs:
    """Arguments of `Monitoring`."""

    name: str
    """Prefix of every alert name."""

    resource_group_name: pulumi.Input[str]
    gateway_id: pulumi.Input[str]
    backend_app_id: pulumi.Input[str]
    database_id: pulumi.Input[str]

    max_replicas: int = 10
    """The backend's replica ceiling (default 10)."""

    server_errors_per_window: int = 25
    """5xx responses in five minutes that raise the alert (default 25)."""

    database_cpu_percent: int = 80
    """Average writer CPU that raises the alert (default 80)."""


class Monitoring(pulumi.ComponentResource):
    """Metric alerts on server errors, backend headroom and database CPU."""

    alerts: list[monitor.MetricAlert]
    alert_ids: list[pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        args: MonitoringArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:azure:Monitoring", name, None, opts)

        self.alerts = [
            self._alert(
                name,
                args,
                "server-errors",
                "The gateway answered many 5xx responses",
                args.gateway_id,
                _criterion(
                    "server-errors",
                    "Microsoft.Network/applicationGateways",
                    "ResponseStatus",
                    "GreaterThan",
                    args.server_errors_per_window,
                    "Total",
                    dimensions=[
                        monitor.MetricDimensionArgs(
                            name="HttpStatusGroup", operator="Include", values=["5xx"]
                        )
                    ],
                ),
                window="PT5M",
                severity=1,
            ),
            self._alert(
                name,
                args,
                "backend-at-max-replicas",
                "The backend runs at its replica ceiling: no room to scale out",
                args.backend_app_id,
                _criterion(
                    "backend-at-max-replicas",
                    "Microsoft.App/containerApps",
                    "Replicas",
                    "GreaterThanOrEqual",
                    args.max_replicas,
                    "Minimum",
                ),
                window="PT15M",
                severity=2,
            ),
            self._alert(
                name,
                args,
                "database-cpu",
                "The database writer's CPU stays high",
                args.database_id,
                _criterion(
                    "database-cpu",
                    "Microsoft.DBforPostgreSQL/flexibleServers",
                    "cpu_percent",
                    "GreaterThan",
                    args.database_cpu_percent,
                    "Average",
                ),
                window="PT15M",
                severity=2,
            ),
        ]
        self.alert_ids = [alert.id for alert in self.alerts]
        self.register_outputs({"alert_ids": self.alert_ids})

    def _alert(
        self,
        name: str,
        args: MonitoringArgs,
        purpose: str,
        description: str,
        scope: pulumi.Input[str],
        criterion: monitor.MetricCriteriaArgs,
        *,
        window: str,
        severity: int,
    ) -> monitor.MetricAlert:
        return monitor.MetricAlert(
            f"{name}-{purpose}",
            rule_name=f"{args.name}-{purpose}",
            resource_group_name=args.resource_group_name,
            location="global",
            description=description,
            severity=severity,
            enabled=True,
            auto_mitigate=True,
            scopes=[scope],
            target_resource_type=criterion.metric_namespace,
            evaluation_frequency="PT1M",
            window_size=window,
            # Criteria are one of several shapes: only the Args class tells the SDK
            # which, so that it sends the schema's key names (`allOf`, `odataType`).
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type=_CRITERIA, all_of=[criterion]
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )


def _criterion(
    name: str,
    namespace: str,
    metric: str,
    operator: str,
    threshold: float,
    aggregation: str,
    dimensions: list[monitor.MetricDimensionArgs] | None = None,
) -> monitor.MetricCriteriaArgs:
    """One static threshold on one metric of the alert's resource."""
    return monitor.MetricCriteriaArgs(
        criterion_type="StaticThresholdCriterion",
        name=name,
        metric_namespace=namespace,
        metric_name=metric,
        operator=operator,
        threshold=threshold,
        time_aggregation=aggregation,
        dimensions=dimensions,
    )
