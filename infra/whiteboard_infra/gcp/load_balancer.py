"""LoadBalancer: the public entry, a global external Application Load Balancer.

Creates a serverless network endpoint group and a backend service for each Cloud
Run service, a URL map that sends `/api/*` and `/ws/*` to the backend and
everything else to the frontend, a global IPv4 address and the forwarding rules.
With a domain it serves HTTPS with a Google-managed certificate and a TLS 1.2+
policy, and port 80 only redirects to HTTPS; with a Cloud DNS zone as well, the
domain's A record points at the address (the certificate becomes active once it
does). Without a domain it serves plain HTTP on the address.

Backend services in front of serverless NEGs take no health checks, no timeout,
no port name and no balancing settings: Cloud Run checks its own instances (the
services' probes) and its request timeout bounds every request, WebSockets too.
"""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from whiteboard_infra.contract import BACKEND_PATHS, public_urls

SCHEME = "EXTERNAL_MANAGED"


@dataclass(frozen=True)
class LoadBalancerArgs:
    """Arguments of `LoadBalancer`."""

    name: str
    """Prefix of every resource name."""

    region: str
    """The Cloud Run services' region."""

    backend_service_name: pulumi.Input[str]
    """The backend's Cloud Run service; it need not exist yet."""

    frontend_service_name: pulumi.Input[str]

    domain_name: str = ""
    """Public host name; default "": plain HTTP on the load balancer's address."""

    dns_zone: str = ""
    """Cloud DNS managed zone of `domain_name`; default "": point the domain at the
    address by hand."""


class LoadBalancer(pulumi.ComponentResource):
    """A global HTTPS load balancer routing the API and WebSockets to the backend,
    the rest to the frontend."""

    address: gcp.compute.GlobalAddress
    url_map: gcp.compute.URLMap
    backend_services: dict[str, gcp.compute.BackendService]
    ip_address: pulumi.Output[str]
    host: pulumi.Output[str]
    app_url: pulumi.Output[str]
    websocket_url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: LoadBalancerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:gcp:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        secure = bool(args.domain_name)

        self.backend_services = {}
        for role, service in (
            ("backend", args.backend_service_name),
            ("frontend", args.frontend_service_name),
        ):
            endpoints = gcp.compute.RegionNetworkEndpointGroup(
                f"{name}-{role}",
                name=f"{args.name}-{role}",
                region=args.region,
                network_endpoint_type="SERVERLESS",
                cloud_run={"service": service},
                opts=child,
            )
            self.backend_services[role] = gcp.compute.BackendService(
                f"{name}-{role}",
                name=f"{args.name}-{role}",
                load_balancing_scheme=SCHEME,
                backends=[{"group": endpoints.id}],
                log_config={"enable": True, "sample_rate": 1.0},
                opts=child,
            )

        self.url_map = gcp.compute.URLMap(
            f"{name}-routes",
            name=f"{args.name}-routes",
            default_service=self.backend_services["frontend"].id,
            host_rules=[{"hosts": ["*"], "path_matcher": "app"}],
            path_matchers=[
                {
                    "name": "app",
                    "default_service": self.backend_services["frontend"].id,
                    "path_rules": [
                        {
                            "paths": BACKEND_PATHS,
                            "service": self.backend_services["backend"].id,
                        }
                    ],
                }
            ],
            opts=child,
        )

        self.address = gcp.compute.GlobalAddress(
            f"{name}-address",
            name=f"{args.name}-address",
            address_type="EXTERNAL",
            ip_version="IPV4",
            opts=child,
        )
        self.ip_address = self.address.address

        if secure:
            self._serve_https(name, args)
        else:
            self._forward(name, args, "http", "80", self._http_proxy(name, args))

        if secure and args.dns_zone:
            gcp.dns.RecordSet(
                f"{name}-domain",
                managed_zone=args.dns_zone,
                name=f"{args.domain_name}.",
                type="A",
                ttl=300,
                rrdatas=[self.ip_address],
                opts=child,
            )

        self.host = (
            pulumi.Output.from_input(args.domain_name) if secure else self.ip_address
        )
        self.app_url, self.websocket_url = public_urls(self.host, secure=secure)
        self.register_outputs(
            {
                "ip_address": self.ip_address,
                "app_url": self.app_url,
                "websocket_url": self.websocket_url,
            }
        )

    def _serve_https(self, name: str, args: LoadBalancerArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        certificate = gcp.compute.ManagedSslCertificate(
            f"{name}-certificate",
            name=f"{args.name}-certificate",
            type="MANAGED",
            managed={"domains": [args.domain_name]},
            opts=child,
        )

        tls_policy = gcp.compute.SSLPolicy(
            f"{name}-tls",
            name=f"{args.name}-tls",
            profile="MODERN",
            min_tls_version="TLS_1_2",
            opts=child,
        )

        https_proxy = gcp.compute.TargetHttpsProxy(
            f"{name}-https",
            name=f"{args.name}-https",
            url_map=self.url_map.id,
            ssl_certificates=[certificate.id],
            ssl_policy=tls_policy.id,
            opts=child,
        )
        self._forward(name, args, "https", "443", https_proxy)

        redirect = gcp.compute.URLMap(
            f"{name}-redirect",
            name=f"{args.name}-redirect",
            default_url_redirect={
                "https_redirect": True,
                "redirect_response_code": "MOVED_PERMANENTLY_DEFAULT",
                "strip_query": False,
            },
            opts=child,
        )
        redirect_proxy = gcp.compute.TargetHttpProxy(
            f"{name}-http",
            name=f"{args.name}-http",
            url_map=redirect.id,
            opts=child,
        )
        self._forward(name, args, "http", "80", redirect_proxy)

    def _http_proxy(
        self, name: str, args: LoadBalancerArgs
    ) -> gcp.compute.TargetHttpProxy:
        return gcp.compute.TargetHttpProxy(
            f"{name}-http",
            name=f"{args.name}-http",
            url_map=self.url_map.id,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _forward(
        self,
        name: str,
        args: LoadBalancerArgs,
        scheme: str,
        port: str,
        target: gcp.compute.TargetHttpProxy | gcp.compute.TargetHttpsProxy,
    ) -> gcp.compute.GlobalForwardingRule:
        return gcp.compute.GlobalForwardingRule(
            f"{name}-{scheme}",
            name=f"{args.name}-{scheme}",
            load_balancing_scheme=SCHEME,
            ip_protocol="TCP",
            ip_address=self.address.id,
            port_range=port,
            target=target.id,
            opts=pulumi.ResourceOptions(parent=self),
        )
