"""The Pulumi type tokens the guardrails inspect, per cloud.

Azure appears twice: `azure-native` (the ARM provider) and `azure` (the classic,
Terraform-based one), so the pack holds whichever the program uses.
"""

# AWS
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
ELASTICACHE_REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
EBS_VOLUME = "aws:ebs/volume:Volume"
ECS_SERVICE = "aws:ecs/service:Service"
ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SECURITY_GROUP_INGRESS_RULE = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
)
SCALING_TARGET = "aws:appautoscaling/target:Target"

# GCP
CLOUD_SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
CLOUD_RUN_SERVICE = "gcp:cloudrunv2/service:Service"
CLOUD_RUN_V1_SERVICE = "gcp:cloudrun/service:Service"

# Azure
AZURE_POSTGRES_SERVERS = frozenset(
    {
        "azure-native:dbforpostgresql:Server",
        "azure-native:dbforpostgresql:FlexibleServer",
        "azure:postgresql/flexibleServer:FlexibleServer",
    }
)
AZURE_POSTGRES_FIREWALL_RULES = frozenset(
    {
        "azure-native:dbforpostgresql:FirewallRule",
        "azure:postgresql/flexibleServerFirewallRule:FlexibleServerFirewallRule",
    }
)
AZURE_CONTAINER_APP = "azure-native:app:ContainerApp"
AZURE_CLASSIC_CONTAINER_APP = "azure:containerapp/app:App"
AZURE_LOCKS = frozenset(
    {
        "azure-native:authorization:ManagementLockAtResourceGroupLevel",
        "azure-native:authorization:ManagementLockAtResourceLevel",
        "azure-native:authorization:ManagementLockByScope",
        "azure:management/lock:Lock",
    }
)
