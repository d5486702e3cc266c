"""The backend's autoscaling: between its minimum and maximum count, on CPU and on
open connections, with cooldowns.

Why not ALBRequestCountPerTarget: a WebSocket is one request, counted once at its
upgrade, however long it stays open and however much it carries. A backend holding
thousands of quiet boards would look idle. The load balancer's
ActiveConnectionCount counts connections while they are open; divided by the
backend's healthy targets it approximates the connections each task holds, which is
what a WebSocket server runs out of. It also counts the frontend's short-lived
connections and each proxied connection on both sides of the load balancer (hence
the halving), so it errs towards scaling out early; the CPU policy covers busy
boards with few connections.
"""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

# The provider's names for the nested inputs of a customized target-tracking metric.
_CustomMetric = aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationArgsDict  # noqa: E501
_MetricStat = aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatArgsDict  # noqa: E501
_Dimension = aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgsDict  # noqa: E501


@dataclass(frozen=True)
class ScalingArgs:
    """How the backend scales."""

    min_instances: int
    max_instances: int
    cpu_target_percent: int = 60
    """Average CPU use to hold (default 60)."""
    connections_target_per_instance: int = 1000
    """Open connections per task to hold (default 1000)."""
    scale_out_cooldown_seconds: int = 60
    scale_in_cooldown_seconds: int = 300


def connections_per_task_metric(
    load_balancer_arn_suffix: pulumi.Input[str],
    target_group_arn_suffix: pulumi.Input[str],
) -> _CustomMetric:
    """Metric math: client connections at the load balancer per healthy backend."""

    def stat(metric: str, statistic: str, dimensions: list[_Dimension]) -> _MetricStat:
        return {
            "metric": {
                "namespace": "AWS/ApplicationELB",
                "metric_name": metric,
                "dimensions": dimensions,
            },
            "stat": statistic,
        }

    balancer: _Dimension = {"name": "LoadBalancer", "value": load_balancer_arn_suffix}
    targets: _Dimension = {"name": "TargetGroup", "value": target_group_arn_suffix}
    return {
        "metrics": [
            {
                "id": "connections",
                "metric_stat": stat("ActiveConnectionCount", "Sum", [balancer]),
                "return_data": False,
            },
            {
                "id": "tasks",
                "metric_stat": stat("HealthyHostCount", "Average", [balancer, targets]),
                "return_data": False,
            },
            {
                "id": "per_task",
                "expression": "IF(tasks > 0, connections / 2 / tasks, connections / 2)",
                "label": "open connections per backend task",
                "return_data": True,
            },
        ]
    }


def declare_backend_scaling(
    name: str,
    cluster: aws.ecs.Cluster,
    service: aws.ecs.Service,
    load_balancer_arn_suffix: pulumi.Input[str],
    target_group: aws.lb.TargetGroup,
    args: ScalingArgs,
    parent: pulumi.Resource,
) -> aws.appautoscaling.Target:
    """The scalable target and its two target-tracking policies."""
    child = pulumi.ResourceOptions(parent=parent)
    target = aws.appautoscaling.Target(
        f"{name}-scaling",
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        resource_id=pulumi.Output.concat("service/", cluster.name, "/", service.name),
        min_capacity=args.min_instances,
        max_capacity=args.max_instances,
        opts=child,
    )

    aws.appautoscaling.Policy(
        f"{name}-cpu",
        policy_type="TargetTrackingScaling",
        service_namespace=target.service_namespace,
        scalable_dimension=target.scalable_dimension,
        resource_id=target.resource_id,
        target_tracking_scaling_policy_configuration={
            "predefined_metric_specification": {
                "predefined_metric_type": "ECSServiceAverageCPUUtilization"
            },
            "target_value": args.cpu_target_percent,
            "scale_in_cooldown": args.scale_in_cooldown_seconds,
            "scale_out_cooldown": args.scale_out_cooldown_seconds,
        },
        opts=child,
    )

    aws.appautoscaling.Policy(
        f"{name}-connections",
        policy_type="TargetTrackingScaling",
        service_namespace=target.service_namespace,
        scalable_dimension=target.scalable_dimension,
        resource_id=target.resource_id,
        target_tracking_scaling_policy_configuration={
            "customized_metric_specification": connections_per_task_metric(
                load_balancer_arn_suffix, target_group.arn_suffix
            ),
            "target_value": args.connections_target_per_instance,
            "scale_in_cooldown": args.scale_in_cooldown_seconds,
            "scale_out_cooldown": args.scale_out_cooldown_seconds,
        },
        opts=child,
    )
    return target
