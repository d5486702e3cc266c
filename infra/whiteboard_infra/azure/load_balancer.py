"""LoadBalancer: the public entry, an Application Gateway v2.

Creates a static public address (zonal in every zone when asked) and the gateway
in its dedicated subnet, autoscaling between `min_capacity` and `max_capacity`.
A URL path map sends `/api/*` and `/ws/*` to the backend app and everything else
to the frontend app. Container Apps route by Host header, so the backend settings
take the host name from the backend address (the app's FQDN) and the probes take
theirs from the settings; both speak HTTPS to the environment. With a certificate
in Key Vault, the gateway serves HTTPS with it (read through its own managed
identity, following new versions by itself) and redirects HTTP to HTTPS; with an
Azure DNS zone, the domain's A record is an alias of the public address.

Idle connections: the backend settings let a request (a WebSocket) run for
`idle_timeout_seconds`, but Azure caps the public address's TCP idle timeout at 30
minutes, and Container Apps' ingress closes idle requests after 4. The frontend
pings every 25 seconds, so neither cap closes an open board.
"""

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import dns, managedidentity, network

from whiteboard_infra.azure.roles import KEY_VAULT_SECRETS_USER_ROLE, grant
from whiteboard_infra.contract import BACKEND_PATHS, LIVENESS_PATH, public_urls

TLS_POLICY = "AppGwSslPolicy20220101"
PUBLIC_IP_IDLE_TIMEOUT_MAX_MINUTES = 30
ZONES = ["1", "2", "3"]


@dataclass(frozen=True)
class LoadBalancerArgs:
    """Arguments of `LoadBalancer`."""

    name: str
    """Prefix of every resource name; the gateway is `<name>-agw`."""

    resource_group_name: pulumi.Input[str]
    location: str
    subscription_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    """The gateway's own subnet, without delegation."""

    backend_fqdn: pulumi.Input[str]
    frontend_fqdn: pulumi.Input[str]

    dns_label: pulumi.Input[str]
    """Label of the public address: `<label>.<location>.cloudapp.azure.com`."""

    idle_timeout_seconds: int = 3600
    """Seconds a request (a WebSocket) may stay open at the gateway (default 3600)."""

    min_capacity: int = 1
    """Fewest gateway instances (default 1)."""

    max_capacity: int = 2
    """Most gateway instances (default 2)."""

    zone_redundant: bool = False
    """Spread the gateway and its address over three zones (default False)."""

    domain_name: str = ""
    """Public host name; default "": plain HTTP on the address's own name."""

    certificate_secret_id: str = ""
    """Versionless Key Vault secret URI of the certificate; default "": HTTP only."""

    certificate_vault_id: str = ""
    """Resource id of the Key Vault holding the certificate (RBAC mode)."""

    dns_zone_name: str = ""
    """Azure DNS zone holding `domain_name`; default "": no record."""

    dns_zone_resource_group: str = ""
    """Resource group of `dns_zone_name`."""


class LoadBalancer(pulumi.ComponentResource):
    """A public Application Gateway routing the API and WebSockets to the backend,
    the rest to the frontend."""

    gateway: network.ApplicationGateway
    public_ip: network.PublicIPAddress
    gateway_id: pulumi.Output[str]
    host_name: pulumi.Output[str]
    app_url: pulumi.Output[str]
    websocket_url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: LoadBalancerArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:azure:LoadBalancer", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        secure = bool(args.certificate_secret_id)
        zones = ZONES if args.zone_redundant else None
        gateway_name = f"{args.name}-agw"

        group_id = pulumi.Output.all(args.subscription_id, args.resource_group_name)

        def part(kind: str, part_name: str) -> network.SubResourceArgsDict:
            """A reference to one of the gateway's own parts, by its full id."""
            return {
                "id": group_id.apply(
                    lambda ids: (
                        f"/subscriptions/{ids[0]}/resourceGroups/{ids[1]}/providers/"
                        f"Microsoft.Network/applicationGateways/{gateway_name}/"
                        f"{kind}/{part_name}"
                    )
                )
            }

        self.public_ip = network.PublicIPAddress(
            f"{name}-address",
            public_ip_address_name=f"{args.name}-agw-ip",
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku={"name": "Standard", "tier": "Regional"},
            public_ip_allocation_method="Static",
            public_ip_address_version="IPv4",
            idle_timeout_in_minutes=PUBLIC_IP_IDLE_TIMEOUT_MAX_MINUTES,
            dns_settings={"domain_name_label": args.dns_label},
            zones=zones,
            opts=child,
        )

        identity, certificates, grants = self._certificate(name, args)

        backends = {"backend": args.backend_fqdn, "frontend": args.frontend_fqdn}
        pools: list[network.ApplicationGatewayBackendAddressPoolArgsDict] = [
            {"name": app_name, "backend_addresses": [{"fqdn": fqdn}]}
            for app_name, fqdn in backends.items()
        ]
        probes: list[network.ApplicationGatewayProbeArgsDict] = [
            {
                "name": app_name,
                "protocol": "Https",
                "path": LIVENESS_PATH,
                "pick_host_name_from_backend_http_settings": True,
                "interval": 15,
                "timeout": 5,
                "unhealthy_threshold": 3,
                "match": {"status_codes": ["200"]},
            }
            for app_name in backends
        ]
        settings: list[network.ApplicationGatewayBackendHttpSettingsArgsDict] = [
            {
                "name": app_name,
                "port": 443,
                "protocol": "Https",
                # Container Apps pick the app by Host header: send its FQDN.
                "pick_host_name_from_backend_address": True,
                "cookie_based_affinity": "Disabled",
                "request_timeout": args.idle_timeout_seconds,
                "connection_draining": {"enabled": True, "drain_timeout_in_sec": 30},
                "probe": part("probes", app_name),
            }
            for app_name in backends
        ]

        public = part("frontendIPConfigurations", "public")
        ports: list[network.ApplicationGatewayFrontendPortArgsDict] = [
            {"name": "port-80", "port": 80}
        ]
        listeners: list[network.ApplicationGatewayHttpListenerArgsDict] = [
            {
                "name": "http",
                "frontend_ip_configuration": public,
                "frontend_port": part("frontendPorts", "port-80"),
                "protocol": "Http",
            }
        ]
        rules: list[network.ApplicationGatewayRequestRoutingRuleArgsDict] = [
            {
                "name": "routes",
                "rule_type": "PathBasedRouting",
                "priority": 100,
                "http_listener": part("httpListeners", "https" if secure else "http"),
                "url_path_map": part("urlPathMaps", "routes"),
            }
        ]
        redirects: list[network.ApplicationGatewayRedirectConfigurationArgsDict] = []
        if secure:
            ports.append({"name": "port-443", "port": 443})
            listeners.append(
                {
                    "name": "https",
                    "frontend_ip_configuration": public,
                    "frontend_port": part("frontendPorts", "port-443"),
                    "protocol": "Https",
                    "host_name": args.domain_name,
                    "require_server_name_indication": True,
                    "ssl_certificate": part("sslCertificates", "domain"),
                }
            )
            redirects.append(
                {
                    "name": "http-to-https",
                    "redirect_type": "Permanent",
                    "target_listener": part("httpListeners", "https"),
                    "include_path": True,
                    "include_query_string": True,
                }
            )
            rules.append(
                {
                    "name": "http-to-https",
                    "rule_type": "Basic",
                    "priority": 200,
                    "http_listener": part("httpListeners", "http"),
                    "redirect_configuration": part(
                        "redirectConfigurations", "http-to-https"
                    ),
                }
            )

        path_map: network.ApplicationGatewayUrlPathMapArgsDict = {
            "name": "routes",
            "default_backend_address_pool": part("backendAddressPools", "frontend"),
            "default_backend_http_settings": part(
                "backendHttpSettingsCollection", "frontend"
            ),
            "path_rules": [
                {
                    "name": "backend",
                    "paths": BACKEND_PATHS,
                    "backend_address_pool": part("backendAddressPools", "backend"),
                    "backend_http_settings": part(
                        "backendHttpSettingsCollection", "backend"
                    ),
                }
            ],
        }

        self.gateway = network.ApplicationGateway(
            f"{name}-gateway",
            application_gateway_name=gateway_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku={"name": "Standard_v2", "tier": "Standard_v2"},
            autoscale_configuration={
                "min_capacity": args.min_capacity,
                "max_capacity": args.max_capacity,
            },
            zones=zones,
            enable_http2=True,
            identity=identity,
            ssl_policy={"policy_type": "Predefined", "policy_name": TLS_POLICY},
            ssl_certificates=certificates,
            gateway_ip_configurations=[
                {"name": "gateway", "subnet": {"id": args.subnet_id}}
            ],
            frontend_ip_configurations=[
                {"name": "public", "public_ip_address": {"id": self.public_ip.id}}
            ],
            frontend_ports=ports,
            backend_address_pools=pools,
            probes=probes,
            backend_http_settings_collection=settings,
            http_listeners=listeners,
            url_path_maps=[path_map],
            redirect_configurations=redirects,
            request_routing_rules=rules,
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants),
        )
        self.gateway_id = self.gateway.id

        if args.dns_zone_name and args.domain_name:
            relative = args.domain_name.removesuffix(args.dns_zone_name).rstrip(".")
            dns.RecordSet(
                f"{name}-domain",
                zone_name=args.dns_zone_name,
                resource_group_name=args.dns_zone_resource_group,
                relative_record_set_name=relative or "@",
                record_type="A",
                ttl=300,
                target_resource={"id": self.public_ip.id},
                opts=child,
            )

        self.host_name = (
            pulumi.Output.from_input(args.domain_name)
            if args.domain_name
            else self.public_ip.dns_settings.apply(
                lambda settings: (settings.fqdn or "") if settings else ""
            )
        )
        self.app_url, self.websocket_url = public_urls(self.host_name, secure=secure)
        self.register_outputs(
            {
                "gateway_id": self.gateway_id,
                "public_ip_address": self.public_ip.ip_address,
                "app_url": self.app_url,
                "websocket_url": self.websocket_url,
            }
        )

    def _certificate(
        self, name: str, args: LoadBalancerArgs
    ) -> tuple[
        network.ManagedServiceIdentityArgsDict | None,
        list[network.ApplicationGatewaySslCertificateArgsDict],
        list[pulumi.Resource],
    ]:
        """The gateway's identity, its TLS certificate (read from Key Vault) and
        the grant that lets it read it."""
        if not args.certificate_secret_id:
            return None, [], []

        identity = managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_name_=f"{args.name}-agw",
            resource_group_name=args.resource_group_name,
            location=args.location,
            opts=pulumi.ResourceOptions(parent=self),
        )

        # The gateway reads the certificate when it is created: grant first.
        reader = grant(
            f"{name}-certificate-reader",
            principal_id=identity.principal_id,
            role=KEY_VAULT_SECRETS_USER_ROLE,
            scope=args.certificate_vault_id,
            subscription_id=args.subscription_id,
            parent=self,
        )
        gateway_identity: network.ManagedServiceIdentityArgsDict = {
            "type": network.ResourceIdentityType.USER_ASSIGNED,
            "user_assigned_identities": [identity.id],
        }
        certificate: network.ApplicationGatewaySslCertificateArgsDict = {
            "name": "domain",
            "key_vault_secret_id": args.certificate_secret_id,
        }
        return gateway_identity, [certificate], [reader]
