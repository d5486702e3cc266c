"""GCP: a workload identity pool that admits only this repository's GitHub tokens, one
service account per GitHub environment, the state bucket (versioned, private), the
state key (Cloud KMS) and the image repository (Artifact Registry, immutable tags).

Deploy accounts get roles/owner on the project, since a deploy grants roles of its own;
only jobs in the `staging` or `prod` environment can act as them.
"""

import functools

import pulumi
import pulumi_gcp as gcp

from ops.bootstrap.trust import ACCESS, GITHUB_ISSUER, subject

LEVEL_ROLES = {
    "read": ["roles/viewer"],
    "images": [],
    "deploy": ["roles/owner"],
}


def _principal(pool_name: str, subject: str) -> str:
    """The IAM principal of tokens with exactly this subject, from this pool."""
    return f"principal://iam.googleapis.com/{pool_name}/subject/{subject}"


def declare(
    repository: str, project: str, region: str, state_bucket: str
) -> dict[str, object]:
    """Everything CI needs in one GCP project; returns what to put in GitHub."""
    pool = gcp.iam.WorkloadIdentityPool(
        "github", project=project, workload_identity_pool_id="github"
    )
    provider = gcp.iam.WorkloadIdentityPoolProvider(
        "github",
        project=project,
        workload_identity_pool_id=pool.workload_identity_pool_id,
        workload_identity_pool_provider_id="github",
        attribute_mapping={
            "google.subject": "assertion.sub",
            "attribute.repository": "assertion.repository",
            "attribute.environment": "assertion.environment",
        },
        # Tokens of every other repository are refused at the door.
        attribute_condition=f"assertion.repository == '{repository}'",
        oidc={"issuer_uri": GITHUB_ISSUER},
    )

    bucket = gcp.storage.Bucket(
        "pulumi-state",
        name=state_bucket,
        project=project,
        location=region.upper(),
        uniform_bucket_level_access=True,
        public_access_prevention="enforced",
        versioning={"enabled": True},
    )
    ring = gcp.kms.KeyRing("whiteboard", project=project, location="global")
    key = gcp.kms.CryptoKey(
        "pulumi", key_ring=ring.id, rotation_period=f"{90 * 24 * 3600}s"
    )
    images = gcp.artifactregistry.Repository(
        "images",
        project=project,
        location=region,
        repository_id="whiteboard",
        format="DOCKER",
        docker_config={"immutable_tags": True},
    )

    accounts: dict[str, pulumi.Output[str]] = {}
    for access in ACCESS:
        account = gcp.serviceaccount.Account(
            f"github-{access.environment}",
            project=project,
            account_id=f"github-{access.environment}",
        )
        principal = pool.name.apply(
            functools.partial(
                _principal, subject=subject(repository, access.environment)
            )
        )
        gcp.serviceaccount.IAMMember(
            f"github-{access.environment}-federation",
            service_account_id=account.name,
            role="roles/iam.workloadIdentityUser",
            member=principal,
        )
        member = account.email.apply(lambda email: f"serviceAccount:{email}")
        for role in LEVEL_ROLES[access.level]:
            gcp.projects.IAMMember(
                f"github-{access.environment}-{role.rsplit('/', 1)[1]}",
                project=project,
                role=role,
                member=member,
            )
        if access.level == "read":
            gcp.storage.BucketIAMMember(
                f"github-{access.environment}-state",
                bucket=bucket.name,
                role="roles/storage.objectUser",
                member=member,
            )
            gcp.kms.CryptoKeyIAMMember(
                f"github-{access.environment}-decrypt",
                crypto_key_id=key.id,
                role="roles/cloudkms.cryptoKeyDecrypter",
                member=member,
            )
        if access.level == "images":
            gcp.artifactregistry.RepositoryIamMember(
                f"github-{access.environment}-push",
                project=project,
                location=region,
                repository=images.name,
                role="roles/artifactregistry.writer",
                member=member,
            )
        accounts[access.environment] = account.email

    return {
        "PULUMI_BACKEND_URL": f"gs://{state_bucket}",
        "secretsProvider": key.id.apply(lambda key_id: f"gcpkms://{key_id}"),
        "GCP_WORKLOAD_IDENTITY_PROVIDER": provider.name,
        "GCP_SERVICE_ACCOUNT": accounts,
        "IMAGE_REPOSITORY": f"{region}-docker.pkg.dev/{project}/whiteboard",
    }
