"""Realistic computed outputs for the Azure (azure-native) resources and invokes the
program reads: ARM resource ids, FQDNs, principal ids and addresses shaped as Azure
returns them, derived from the resource's name so every run gives the same values.

Ids follow ARM's layout, `/subscriptions/<id>/resourceGroups/<group>/providers/
<namespace>/<type>/<name>`, built from the inputs that name the resource."""

import hashlib
import uuid
from typing import Any

SUBSCRIPTION = "3f2c1a9e-5b7d-4c11-9e42-8d0a6b1c2e3f"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
LOCATION = "westeurope"

# The package token the harness sees in `azure-native:<module>:<Type>`.
PACKAGE = "azure-native"


def _hex(name: str, length: int = 8) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _guid(name: str) -> str:
    return str(uuid.UUID(_hex(name, 32)))


def _group(inputs: dict[str, Any]) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{inputs['resourceGroupName']}"


def _provider(inputs: dict[str, Any], namespace: str, path: str) -> str:
    return f"{_group(inputs)}/providers/{namespace}/{path}"


def _identity_response(identity: dict[str, Any]) -> dict[str, Any]:
    """Azure answers a list of user-assigned identity ids with a map from each id to
    its principal and client ids."""
    return {
        **identity,
        "userAssignedIdentities": {
            str(identity_id): {
                "principalId": _guid(f"principal/{identity_id}"),
                "clientId": _guid(f"client/{identity_id}"),
            }
            for identity_id in identity["userAssignedIdentities"]
        },
    }


class AzureFakes:
    """Fake azure-native outputs for `pulumi_harness`."""

    def __init__(self) -> None:
        self._environment_domains: dict[str, str] = {}

    def resource_id(self, type_: str, name: str, state: dict[str, Any]) -> str:
        return str(state.get("id") or f"{name}-{_hex(name)}")

    def outputs(self, type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_" + type_.split(":")[-1], None)
        if handler is None:
            raise AssertionError(f"no fake outputs for {type_}")
        result: dict[str, Any] = handler(name, inputs)
        identity = inputs.get("identity")
        if isinstance(identity, dict) and "userAssignedIdentities" in identity:
            result["identity"] = _identity_response(identity)
        return result

    def preview_state(self, type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """A preview's state: the inputs, in the shape Azure answers them."""
        identity = inputs.get("identity")
        if isinstance(identity, dict) and "userAssignedIdentities" in identity:
            return {**inputs, "identity": _identity_response(identity)}
        return inputs

    def call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        if token == "azure-native:authorization:getClientConfig":
            return {
                "subscriptionId": SUBSCRIPTION,
                "tenantId": TENANT,
                "clientId": _guid("deployer"),
                "objectId": _guid("deployer-object"),
            }
        if token == "azure-native:operationalinsights:getSharedKeys":
            workspace = str(args.get("workspaceName", ""))
            return {
                "primarySharedKey": f"{_hex(workspace, 60)}==",
                "secondarySharedKey": f"{_hex(workspace + '2', 60)}==",
            }
        raise AssertionError(f"no fake for invoke {token}")

    # One method per resource type, named after its type's last segment.

    def _ResourceGroup(self, name: str, inputs: dict) -> dict:
        group = inputs["resourceGroupName"]
        return {
            "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{group}",
            "name": group,
            "provisioningState": "Succeeded",
        }

    def _VirtualNetwork(self, name: str, inputs: dict) -> dict:
        network = inputs["virtualNetworkName"]
        return {
            "id": _provider(inputs, "Microsoft.Network", f"virtualNetworks/{network}"),
            "name": network,
            "resourceGuid": _guid(name),
        }

    def _Subnet(self, name: str, inputs: dict) -> dict:
        path = f"virtualNetworks/{inputs['virtualNetworkName']}/subnets/"
        return {
            "id": _provider(inputs, "Microsoft.Network", path + inputs["subnetName"]),
            "name": inputs["subnetName"],
        }

    def _PublicIPAddress(self, name: str, inputs: dict) -> dict:
        address = inputs["publicIpAddressName"]
        label = (inputs.get("dnsSettings") or {}).get("domainNameLabel", address)
        location = inputs.get("location", LOCATION)
        return {
            "id": _provider(
                inputs, "Microsoft.Network", f"publicIPAddresses/{address}"
            ),
            "name": address,
            "ipAddress": f"20.{int(_hex(name, 2), 16)}.{int(_hex(address, 2), 16)}.7",
            "dnsSettings": {
                "domainNameLabel": label,
                "fqdn": f"{label}.{location}.cloudapp.azure.com",
            },
        }

    def _ApplicationGateway(self, name: str, inputs: dict) -> dict:
        gateway = inputs["applicationGatewayName"]
        return {
            "id": _provider(
                inputs, "Microsoft.Network", f"applicationGateways/{gateway}"
            ),
            "name": gateway,
            "operationalState": "Running",
        }

    def _PrivateZone(self, name: str, inputs: dict) -> dict:
        zone = inputs["privateZoneName"]
        return {
            "id": _provider(inputs, "Microsoft.Network", f"privateDnsZones/{zone}"),
            "name": zone,
        }

    def _VirtualNetworkLink(self, name: str, inputs: dict) -> dict:
        path = (
            f"privateDnsZones/{inputs['privateZoneName']}/virtualNetworkLinks/"
            f"{inputs['virtualNetworkLinkName']}"
        )
        return {
            "id": _provider(inputs, "Microsoft.Network", path),
            "name": inputs["virtualNetworkLinkName"],
        }

    def _PrivateRecordSet(self, name: str, inputs: dict) -> dict:
        zone, record = inputs["privateZoneName"], inputs["relativeRecordSetName"]
        path = f"privateDnsZones/{zone}/{inputs['recordType']}/{record}"
        return {
            "id": _provider(inputs, "Microsoft.Network", path),
            "name": record,
            "fqdn": f"{record}.{zone}.",
        }

    def _RecordSet(self, name: str, inputs: dict) -> dict:
        zone, record = inputs["zoneName"], inputs["relativeRecordSetName"]
        path = f"dnszones/{zone}/{inputs['recordType']}/{record}"
        return {
            "id": _provider(inputs, "Microsoft.Network", path),
            "name": record,
            "fqdn": f"{record}.{zone}." if record != "@" else f"{zone}.",
        }

    def _Workspace(self, name: str, inputs: dict) -> dict:
        workspace = inputs["workspaceName"]
        return {
            "id": _provider(
                inputs, "Microsoft.OperationalInsights", f"workspaces/{workspace}"
            ),
            "name": workspace,
            "customerId": _guid(workspace),
        }

    def _ManagedEnvironment(self, name: str, inputs: dict) -> dict:
        environment = inputs["environmentName"]
        resource_id = _provider(
            inputs, "Microsoft.App", f"managedEnvironments/{environment}"
        )
        domain = f"gentle-{_hex(name, 8)}.{inputs.get('location', LOCATION)}"
        domain += ".azurecontainerapps.io"
        self._environment_domains[resource_id] = domain
        return {
            "id": resource_id,
            "name": environment,
            "defaultDomain": domain,
            "staticIp": f"10.50.0.{int(_hex(name, 2), 16) % 200 + 20}",
            "provisioningState": "Succeeded",
        }

    def _ContainerApp(self, name: str, inputs: dict) -> dict:
        app = inputs["containerAppName"]
        domain = self._environment_domains.get(
            str(inputs.get("managedEnvironmentId")), "unknown.azurecontainerapps.io"
        )
        configuration = dict(inputs.get("configuration") or {})
        ingress = dict(configuration.get("ingress") or {})
        # An app with internal-only ingress gets `.internal.` in its name.
        internal = "" if ingress.get("external") else "internal."
        ingress["fqdn"] = f"{app}.{internal}{domain}"
        configuration["ingress"] = ingress
        return {
            "id": _provider(inputs, "Microsoft.App", f"containerApps/{app}"),
            "name": app,
            "configuration": configuration,
            "latestRevisionName": f"{app}--{_hex(name, 7)}",
            "latestRevisionFqdn": f"{app}--{_hex(name, 7)}.{domain}",
            "outboundIpAddresses": ["20.61.2.10"],
        }

    def _UserAssignedIdentity(self, name: str, inputs: dict) -> dict:
        identity = inputs["resourceName"]
        return {
            "id": _provider(
                inputs,
                "Microsoft.ManagedIdentity",
                f"userAssignedIdentities/{identity}",
            ),
            "name": identity,
            "principalId": _guid(f"principal/{identity}"),
            "clientId": _guid(f"client/{identity}"),
            "tenantId": TENANT,
        }

    def _RoleAssignment(self, name: str, inputs: dict) -> dict:
        assignment = _guid(f"assignment/{name}")
        scope = inputs["scope"]
        return {
            "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/"
            f"{assignment}",
            "name": assignment,
        }

    def _ManagementLockByScope(self, name: str, inputs: dict) -> dict:
        return {
            "id": f"{inputs['scope']}/providers/Microsoft.Authorization/locks/"
            f"{inputs['lockName']}",
            "name": inputs["lockName"],
        }

    def _Vault(self, name: str, inputs: dict) -> dict:
        vault = inputs["vaultName"]
        properties = dict(inputs.get("properties") or {})
        properties["vaultUri"] = f"https://{vault}.vault.azure.net/"
        return {
            "id": _provider(inputs, "Microsoft.KeyVault", f"vaults/{vault}"),
            "name": vault,
            "properties": properties,
        }

    def _Secret(self, name: str, inputs: dict) -> dict:
        vault, secret = inputs["vaultName"], inputs["secretName"]
        uri = f"https://{vault}.vault.azure.net/secrets/{secret}"
        return {
            "id": _provider(
                inputs, "Microsoft.KeyVault", f"vaults/{vault}/secrets/{secret}"
            ),
            "name": secret,
            "properties": {
                "secretUri": uri,
                "secretUriWithVersion": f"{uri}/{_hex(name, 32)}",
            },
        }

    def _Registry(self, name: str, inputs: dict) -> dict:
        registry = inputs["registryName"]
        return {
            "id": _provider(
                inputs, "Microsoft.ContainerRegistry", f"registries/{registry}"
            ),
            "name": registry,
            "loginServer": f"{registry.lower()}.azurecr.io",
        }

    def _Server(self, name: str, inputs: dict) -> dict:
        server = inputs["serverName"]
        return {
            "id": _provider(
                inputs, "Microsoft.DBforPostgreSQL", f"flexibleServers/{server}"
            ),
            "name": server,
            "fullyQualifiedDomainName": f"{server}.postgres.database.azure.com",
            "state": "Ready",
            "replicationRole": (
                "AsyncReplica" if inputs.get("createMode") == "Replica" else "Primary"
            ),
        }

    def _Configuration(self, name: str, inputs: dict) -> dict:
        path = (
            f"flexibleServers/{inputs['serverName']}/configurations/"
            f"{inputs['configurationName']}"
        )
        return {
            "id": _provider(inputs, "Microsoft.DBforPostgreSQL", path),
            "name": inputs["configurationName"],
        }

    def _Database(self, name: str, inputs: dict) -> dict:
        path = (
            f"flexibleServers/{inputs['serverName']}/databases/{inputs['databaseName']}"
        )
        return {
            "id": _provider(inputs, "Microsoft.DBforPostgreSQL", path),
            "name": inputs["databaseName"],
        }

    def _MetricAlert(self, name: str, inputs: dict) -> dict:
        rule = inputs["ruleName"]
        return {
            "id": _provider(inputs, "Microsoft.Insights", f"metricAlerts/{rule}"),
            "name": rule,
        }
