"""LoadBalancer: the public entry, an Application Load Balancer.

Creates the ALB in the public subnets with its security group, one target group per
service (health-checked on the liveness path `/healthz`), and the listeners:
`/api/*` and `/ws/*` go to the backend, everything else to the frontend. With a
domain it serves HTTPS with an ACM certificate and redirects HTTP to HTTPS; with a
Route 53 zone as well it validates the certificate by DNS and points the domain at
the load balancer.

WebSockets: the ALB's idle timeout (up to 4000 s) is what closes a quiet
WebSocket, so it is set to at least an hour. A WebSocket stays on the target it
was upgraded on for its whole life; the backends share every board through the
database, so no stickiness is needed, and none is set: a client that reconnects
should land on any healthy task, not be pinned to one that is draining or gone.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from whiteboard_infra.contract import (
    BACKEND_PATHS,
    BACKEND_PORT,
    FRONTEND_PORT,
    LIVENESS_PATH,
    public_urls,
)

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


@dataclass(frozen=True)
class LoadBalancerArgs:
    """Arguments of `LoadBalancer`."""

    name: str
    """Prefix of every resource name."""

    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    """The VPC's range: the load balancer sends traffic only into it."""

    public_subnet_ids: Sequence[pulumi.Input[str]]
    """Subnets the load balancer answers in, one per zone."""

    idle_timeout_seconds: int = 3600
    """Seconds an idle connection (a quiet WebSocket) stays open (default 3600)."""

    deregistration_delay_seconds: int = 30
    """Seconds a deregistered backend keeps its open connections (default 30)."""

    domain_name: str = ""
    """Public host name; default "": plain HTTP on the load balancer's DNS name."""

    hosted_zone_id: str = ""
    """Route 53 zone of `domain_name`; default "": validate the certificate by hand."""


class LoadBalancer(pulumi.ComponentResource):
    """A public ALB routing the API and WebSockets to the backend, the rest to the
    frontend."""

    load_balancer: aws.lb.LoadBalancer
    security_group_id: pulumi.Output[str]
    backend_target_group: aws.lb.TargetGroup
    frontend_target_group: aws.lb.TargetGroup
    listeners: list[aws.lb.Listener]
    routing: Sequence[pulumi.Resource]
    """Listeners and rules: services wait for these before registering targets."""
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    app_url: pulumi.Output[str]
    websocket_url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: LoadBalancerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:aws:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        secure = bool(args.domain_name)

        group = aws.ec2.SecurityGroup(
            f"{name}-alb",
            vpc_id=args.vpc_id,
            description=f"{args.name} load balancer: HTTP(S) in, services out",
            tags={"Name": f"{args.name}-alb"},
            opts=child,
        )
        for port in (80, 443):
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-alb-in-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4="0.0.0.0/0",
                description="public web traffic",
                opts=child,
            )
        for port in (BACKEND_PORT, FRONTEND_PORT):
            aws.vpc.SecurityGroupEgressRule(
                f"{name}-alb-out-{port}",
                security_group_id=group.id,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                cidr_ipv4=args.vpc_cidr,
                description="to the services' tasks",
                opts=child,
            )
        self.security_group_id = group.id

        self.load_balancer = aws.lb.LoadBalancer(
            f"{args.name}",
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[group.id],
            idle_timeout=args.idle_timeout_seconds,
            drop_invalid_header_fields=True,
            enable_http2=True,
            opts=child,
        )

        self.backend_target_group = self._target_group(
            f"{args.name}-be", BACKEND_PORT, args
        )
        self.frontend_target_group = self._target_group(
            f"{args.name}-fe", FRONTEND_PORT, args
        )

        self.listeners = []
        if secure:
            certificate_arn = self._certificate(name, args)
            main = self._listener(
                f"{name}-https",
                443,
                default_actions=[self._forward(self.frontend_target_group)],
                certificate_arn=certificate_arn,
            )
            self._listener(
                f"{name}-http",
                80,
                default_actions=[
                    {
                        "type": "redirect",
                        "redirect": {
                            "protocol": "HTTPS",
                            "port": "443",
                            "status_code": "HTTP_301",
                        },
                    }
                ],
            )
        else:
            main = self._listener(
                f"{name}-http",
                80,
                default_actions=[self._forward(self.frontend_target_group)],
            )

        backend_rule = aws.lb.ListenerRule(
            f"{name}-backend",
            listener_arn=main.arn,
            priority=10,
            conditions=[{"path_pattern": {"values": BACKEND_PATHS}}],
            actions=[
                {"type": "forward", "target_group_arn": self.backend_target_group.arn}
            ],
            opts=child,
        )
        self.routing = [*self.listeners, backend_rule]

        if args.hosted_zone_id:
            aws.route53.Record(
                f"{name}-domain",
                zone_id=args.hosted_zone_id,
                name=args.domain_name,
                type="A",
                aliases=[
                    {
                        "name": self.load_balancer.dns_name,
                        "zone_id": self.load_balancer.zone_id,
                        "evaluate_target_health": True,
                    }
                ],
                opts=child,
            )

        self.arn_suffix = self.load_balancer.arn_suffix
        self.dns_name = self.load_balancer.dns_name
        host: pulumi.Output[str] = (
            pulumi.Output.from_input(args.domain_name) if secure else self.dns_name
        )
        self.app_url, self.websocket_url = public_urls(host, secure=secure)
        self.register_outputs(
            {
                "dns_name": self.dns_name,
                "app_url": self.app_url,
                "websocket_url": self.websocket_url,
                "backend_target_group_arn": self.backend_target_group.arn,
                "frontend_target_group_arn": self.frontend_target_group.arn,
            }
        )

    def _target_group(
        self, name: str, port: int, args: LoadBalancerArgs
    ) -> aws.lb.TargetGroup:
        # When a task stops, ECS deregisters it first and sends SIGTERM only after
        # the delay; the ALB closes the task's WebSockets when the delay ends, and
        # clients reconnect (with last_seq) to another task. A short delay lets
        # in-flight REST calls finish without holding deploys back for long.
        return aws.lb.TargetGroup(
            name,
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=args.vpc_id,
            deregistration_delay=args.deregistration_delay_seconds,
            stickiness={"type": "lb_cookie", "enabled": False},
            health_check={
                "path": LIVENESS_PATH,
                "matcher": "200",
                "interval": 15,
                "timeout": 5,
                "healthy_threshold": 2,
                "unhealthy_threshold": 3,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _certificate(self, name: str, args: LoadBalancerArgs) -> pulumi.Output[str]:
        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=args.domain_name,
            validation_method="DNS",
            opts=pulumi.ResourceOptions(parent=self),
        )

        records: list[pulumi.Input[str]] = []
        if args.hosted_zone_id:
            option = certificate.domain_validation_options[0]
            record = aws.route53.Record(
                f"{name}-certificate-validation",
                zone_id=args.hosted_zone_id,
                name=option.resource_record_name,
                type=option.resource_record_type,
                records=[option.resource_record_value],
                ttl=300,
                allow_overwrite=True,
                opts=pulumi.ResourceOptions(parent=self),
            )
            records.append(record.fqdn)

        # Without a zone, this waits until someone adds the validation record.
        validation = aws.acm.CertificateValidation(
            f"{name}-certificate",
            certificate_arn=certificate.arn,
            validation_record_fqdns=records or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return validation.certificate_arn

    def _listener(
        self,
        name: str,
        port: int,
        default_actions: list,
        certificate_arn: pulumi.Input[str] | None = None,
    ) -> aws.lb.Listener:
        listener = aws.lb.Listener(
            name,
            load_balancer_arn=self.load_balancer.arn,
            port=port,
            protocol="HTTPS" if certificate_arn else "HTTP",
            ssl_policy=TLS_POLICY if certificate_arn else None,
            certificate_arn=certificate_arn,
            default_actions=default_actions,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.listeners.append(listener)
        return listener

    @staticmethod
    def _forward(target_group: aws.lb.TargetGroup) -> dict:
        return {"type": "forward", "target_group_arn": target_group.arn}
