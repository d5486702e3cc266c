"""Alarms on what needs a person: the load balancer answering 5xx, the backend
stuck at its maximum count, the database's CPU and free storage. They notify an SNS
topic; subscribe to it (e-mail, chat) to hear of them."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

FIVE_XX_PERCENT = 5
"""Share of requests answered 5xx that raises the alarm."""

DATABASE_CPU_PERCENT = 80
FREE_STORAGE_FRACTION = 0.1
"""Free database storage, as a share of the initial size, below which to alarm."""


@dataclass(frozen=True)
class AlarmsArgs:
    name: str
    load_balancer_arn_suffix: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    backend_service_name: pulumi.Input[str]
    backend_max_instances: int
    database_identifiers: Sequence[pulumi.Input[str]]
    database_storage_gib: int


def _elb(metric: str, balancer: pulumi.Input[str]) -> dict:
    return {
        "metric": {
            "namespace": "AWS/ApplicationELB",
            "metric_name": metric,
            "dimensions": {"LoadBalancer": balancer},
            "period": 60,
            "stat": "Sum",
        }
    }


def declare_alarms(
    name: str, args: AlarmsArgs, parent: pulumi.Resource
) -> pulumi.Output[str]:
    """Declare the alarms and their topic; return the topic's ARN."""
    child = pulumi.ResourceOptions(parent=parent)
    topic = aws.sns.Topic(f"{name}", opts=child)
    actions = [topic.arn]

    # Both the targets' and the load balancer's own 5xx, as a share of requests.
    aws.cloudwatch.MetricAlarm(
        f"{name}-5xx-rate",
        alarm_description=f"{args.name}: over {FIVE_XX_PERCENT}% of requests fail",
        comparison_operator="GreaterThanThreshold",
        threshold=FIVE_XX_PERCENT,
        evaluation_periods=5,
        datapoints_to_alarm=3,
        treat_missing_data="notBreaching",
        metric_queries=[
            {
                "id": "target5xx",
                **_elb("HTTPCode_Target_5XX_Count", args.load_balancer_arn_suffix),
            },
            {
                "id": "elb5xx",
                **_elb("HTTPCode_ELB_5XX_Count", args.load_balancer_arn_suffix),
            },
            {"id": "requests", **_elb("RequestCount", args.load_balancer_arn_suffix)},
            {
                "id": "rate",
                "expression": "100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / "
                "IF(requests > 0, requests, 1)",
                "label": "5xx share of requests (%)",
                "return_data": True,
            },
        ],
        alarm_actions=actions,
        ok_actions=actions,
        opts=child,
    )

    aws.cloudwatch.MetricAlarm(
        f"{name}-backend-at-maximum",
        alarm_description=f"{args.name}: backend at its maximum of "
        f"{args.backend_max_instances} tasks for 15 minutes",
        namespace="ECS/ContainerInsights",
        metric_name="DesiredTaskCount",
        dimensions={
            "ClusterName": args.cluster_name,
            "ServiceName": args.backend_service_name,
        },
        statistic="Maximum",
        period=300,
        evaluation_periods=3,
        comparison_operator="GreaterThanOrEqualToThreshold",
        threshold=args.backend_max_instances,
        treat_missing_data="notBreaching",
        alarm_actions=actions,
        ok_actions=actions,
        opts=child,
    )

    free_bytes = int(args.database_storage_gib * FREE_STORAGE_FRACTION * 1024**3)
    for index, identifier in enumerate(args.database_identifiers):
        role = "writer" if index == 0 else f"reader-{index - 1}"
        dimensions = {"DBInstanceIdentifier": identifier}
        aws.cloudwatch.MetricAlarm(
            f"{name}-db-{role}-cpu",
            alarm_description=f"{args.name}: database {role} CPU over "
            f"{DATABASE_CPU_PERCENT}%",
            namespace="AWS/RDS",
            metric_name="CPUUtilization",
            dimensions=dimensions,
            statistic="Average",
            period=300,
            evaluation_periods=3,
            comparison_operator="GreaterThanThreshold",
            threshold=DATABASE_CPU_PERCENT,
            alarm_actions=actions,
            ok_actions=actions,
            opts=child,
        )
        aws.cloudwatch.MetricAlarm(
            f"{name}-db-{role}-free-storage",
            alarm_description=f"{args.name}: database {role} under "
            f"{free_bytes // 1024**2} MiB free",
            namespace="AWS/RDS",
            metric_name="FreeStorageSpace",
            dimensions=dimensions,
            statistic="Minimum",
            period=300,
            evaluation_periods=2,
            comparison_operator="LessThanThreshold",
            threshold=free_bytes,
            alarm_actions=actions,
            ok_actions=actions,
            opts=child,
        )
    return topic.arn
