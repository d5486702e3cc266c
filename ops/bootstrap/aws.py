"""AWS: the GitHub OIDC provider, one role per GitHub environment, the state bucket
(versioned, private, KMS-encrypted), the state key and the image repositories.

Deploy roles get AdministratorAccess, since a deploy creates IAM roles, networks and
databases; only jobs in the `staging` or `prod` environment can take them.
"""

import functools
import json

import pulumi
import pulumi_aws as aws

from ops.bootstrap.trust import ACCESS, GITHUB_ISSUER, subject

AUDIENCE = "sts.amazonaws.com"
ISSUER_HOST = GITHUB_ISSUER.removeprefix("https://")
IMAGES = ("whiteboard/whiteboard-backend", "whiteboard/whiteboard-frontend")
MANAGED = "arn:aws:iam::aws:policy/"


def _trust_policy(provider_arn: str, repository: str, environment: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{ISSUER_HOST}:aud": AUDIENCE,
                            f"{ISSUER_HOST}:sub": subject(repository, environment),
                        }
                    },
                }
            ],
        }
    )


def _state_reader_policy(bucket_arn: str, key_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                },
                {
                    # Previews take and drop the stack's lock.
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"{bucket_arn}/.pulumi/locks/*",
                },
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn},
            ],
        }
    )


def _image_pusher_policy(repository_arns: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ecr:GetAuthorizationToken",
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:CompleteLayerUpload",
                        "ecr:DescribeImages",
                        "ecr:GetDownloadUrlForLayer",
                        "ecr:InitiateLayerUpload",
                        "ecr:PutImage",
                        "ecr:UploadLayerPart",
                    ],
                    "Resource": repository_arns,
                },
            ],
        }
    )


def declare(repository: str, state_bucket: str, region: str) -> dict[str, object]:
    """Everything CI needs in one AWS account; returns what to put in GitHub."""
    provider = aws.iam.OpenIdConnectProvider(
        "github", url=GITHUB_ISSUER, client_id_lists=[AUDIENCE]
    )

    key = aws.kms.Key(
        "pulumi-state",
        description="Encrypts the whiteboard stacks' secrets",
        enable_key_rotation=True,
        deletion_window_in_days=30,
    )
    aws.kms.Alias(
        "pulumi-state", name="alias/whiteboard-pulumi", target_key_id=key.key_id
    )

    bucket = aws.s3.Bucket("pulumi-state", bucket=state_bucket)
    aws.s3.BucketVersioning(
        "pulumi-state",
        bucket=bucket.id,
        versioning_configuration={"status": "Enabled"},
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        "pulumi-state",
        bucket=bucket.id,
        rules=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                },
                "bucket_key_enabled": True,
            }
        ],
    )
    aws.s3.BucketPublicAccessBlock(
        "pulumi-state",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )

    # Images are never overwritten: a tag names one build for good.
    repositories = [
        aws.ecr.Repository(
            name.rsplit("/", 1)[1],
            name=name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[{"encryption_type": "KMS"}],
        )
        for name in IMAGES
    ]

    role_arns: dict[str, pulumi.Output[str]] = {}
    for access in ACCESS:
        trust = functools.partial(
            _trust_policy, repository=repository, environment=access.environment
        )
        role = aws.iam.Role(
            f"github-{access.environment}",
            assume_role_policy=provider.arn.apply(trust),
            max_session_duration=3600,
        )
        if access.level == "read":
            aws.iam.RolePolicyAttachment(
                f"github-{access.environment}-read",
                role=role.name,
                policy_arn=f"{MANAGED}ReadOnlyAccess",
            )
            aws.iam.RolePolicy(
                f"github-{access.environment}-state",
                role=role.id,
                policy=pulumi.Output.all(bucket.arn, key.arn).apply(
                    lambda arns: _state_reader_policy(arns[0], arns[1])
                ),
            )
        elif access.level == "images":
            aws.iam.RolePolicy(
                f"github-{access.environment}-push",
                role=role.id,
                policy=pulumi.Output.all(*[r.arn for r in repositories]).apply(
                    _image_pusher_policy
                ),
            )
        else:
            aws.iam.RolePolicyAttachment(
                f"github-{access.environment}-deploy",
                role=role.name,
                policy_arn=f"{MANAGED}AdministratorAccess",
            )
        role_arns[access.environment] = role.arn

    return {
        "PULUMI_BACKEND_URL": f"s3://{state_bucket}?region={region}&awssdk=v2",
        "secretsProvider": f"awskms://alias/whiteboard-pulumi?region={region}",
        "AWS_REGION": region,
        "AWS_ROLE_ARN": role_arns,
        "IMAGE_REPOSITORY": repositories[0].repository_url.apply(
            lambda url: url.rsplit("/", 1)[0]
        ),
    }
