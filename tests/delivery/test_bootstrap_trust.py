"""The one-time cloud setup (ops/bootstrap) under the program's mocks: every role
trusts one GitHub environment of this repository only, and the state is private,
versioned and encrypted."""

import json
from typing import Any

import pytest

from ops.bootstrap import aws, azure, gcp
from ops.bootstrap.trust import ACCESS, GITHUB_ISSUER, subject
from tools import program_runs

REPOSITORY = "example-org/whiteboard"
ENVIRONMENTS = [access.environment for access in ACCESS]


def run(declare: Any) -> Any:
    """`declare` under the program's mocks. The GCP and Azure fakes know only the
    program's own resource types, so they step aside: these resources then echo
    their inputs, which is all the checks below read."""
    program_runs.harness_fixtures()
    import pulumi_harness

    with pytest.MonkeyPatch.context() as patch:
        for package in ("gcp", "azure-native"):
            patch.delitem(pulumi_harness._FAKES, package, raising=False)
        return program_runs.component_run(declare)


@pytest.fixture(scope="module")
def aws_run() -> Any:
    return run(lambda: aws.declare(REPOSITORY, "whiteboard-state", "eu-west-1"))


@pytest.fixture(scope="module")
def gcp_run() -> Any:
    return run(
        lambda: gcp.declare(REPOSITORY, "whiteboard-ops", "europe-west1", "wb-state")
    )


@pytest.fixture(scope="module")
def azure_run() -> Any:
    return run(
        lambda: azure.declare(
            REPOSITORY,
            subscription_id="00000000-0000-0000-0000-000000000001",
            tenant_id="00000000-0000-0000-0000-000000000002",
            location="westeurope",
            name_prefix="whiteboard",
        )
    )


def test_subject_names_repository_and_environment() -> None:
    assert subject(REPOSITORY, "prod") == "repo:example-org/whiteboard:environment:prod"
    with pytest.raises(ValueError, match="owner/name"):
        subject("whiteboard", "prod")


def test_aws_roles_trust_exactly_one_environment_each(aws_run: Any) -> None:
    roles = {role.name: role for role in aws_run.of_type("aws:iam/role:Role")}
    assert sorted(roles) == sorted(f"github-{env}" for env in ENVIRONMENTS)

    for environment in ENVIRONMENTS:
        policy = json.loads(roles[f"github-{environment}"]["assumeRolePolicy"])
        (statement,) = policy["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        condition = statement["Condition"]["StringEquals"]
        assert condition == {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": subject(REPOSITORY, environment),
        }
    provider = aws_run.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider["url"] == GITHUB_ISSUER


def test_aws_only_deploy_environments_get_administrator_access(aws_run: Any) -> None:
    attachments = aws_run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    admins = sorted(
        a.name for a in attachments if a["policyArn"].endswith("AdministratorAccess")
    )
    assert admins == ["github-prod-deploy", "github-staging-deploy"]


def test_aws_state_is_private_versioned_and_encrypted_with_a_rotated_key(
    aws_run: Any,
) -> None:
    block = aws_run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(
        block[key]
        for key in (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
    )
    versioning = aws_run.one("aws:s3/bucketVersioning:BucketVersioning")
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    encryption = aws_run.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    default = encryption["rules"][0]["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert aws_run.one("aws:kms/key:Key")["enableKeyRotation"] is True
    outputs = aws_run.outputs
    assert outputs["PULUMI_BACKEND_URL"].startswith("s3://whiteboard-state?")
    assert outputs["secretsProvider"].startswith("awskms://alias/whiteboard-pulumi")


def test_aws_image_tags_cannot_be_overwritten(aws_run: Any) -> None:
    for repository in aws_run.of_type("aws:ecr/repository:Repository"):
        assert repository["imageTagMutability"] == "IMMUTABLE"


def test_gcp_pool_admits_only_this_repository(gcp_run: Any) -> None:
    provider = gcp_run.one(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
    )
    assert provider["attributeCondition"] == f"assertion.repository == '{REPOSITORY}'"
    assert provider["oidc"]["issuerUri"] == GITHUB_ISSUER


def test_gcp_each_account_is_usable_from_one_environment(gcp_run: Any) -> None:
    bindings = {
        binding.name: binding["member"]
        for binding in gcp_run.of_type("gcp:serviceaccount/iAMMember:IAMMember")
    }
    for environment in ENVIRONMENTS:
        member = bindings[f"github-{environment}-federation"]
        assert member.startswith("principal://iam.googleapis.com/")
        assert member.endswith(f"/subject/{subject(REPOSITORY, environment)}")
    owners = sorted(
        member.name
        for member in gcp_run.of_type("gcp:projects/iAMMember:IAMMember")
        if member["role"] == "roles/owner"
    )
    assert owners == ["github-prod-owner", "github-staging-owner"]


def test_gcp_state_bucket_is_private_and_versioned(gcp_run: Any) -> None:
    bucket = gcp_run.one("gcp:storage/bucket:Bucket")
    assert bucket["publicAccessPrevention"] == "enforced"
    assert bucket["versioning"]["enabled"] is True


def test_azure_identities_trust_one_environment_each(azure_run: Any) -> None:
    credentials = azure_run.of_type(
        "azure-native:managedidentity:FederatedIdentityCredential"
    )
    subjects = sorted(credential["subject"] for credential in credentials)
    assert subjects == sorted(subject(REPOSITORY, env) for env in ENVIRONMENTS)
    for credential in credentials:
        assert credential["issuer"] == GITHUB_ISSUER
        assert credential["audiences"] == ["api://AzureADTokenExchange"]


def test_azure_previews_only_read_and_deploys_administer(azure_run: Any) -> None:
    assignments = azure_run.of_type("azure-native:authorization:RoleAssignment")

    def roles_of(environment: str) -> set[str]:
        return {
            a["roleDefinitionId"].rsplit("/", 1)[1]
            for a in assignments
            if a.name.startswith(f"github-{environment}-")
        }

    assert azure.CONTRIBUTOR not in roles_of("preview-prod")
    assert azure.READER in roles_of("preview-prod")
    assert azure.CONTRIBUTOR in roles_of("prod")
    assert roles_of("images") == {azure.ACR_PUSH}
