"""Secrets: the database password and the app's secret key, in Secret Manager.

Creates, for each secret, a random value (pulumi-random) unless the stack supplies
one (`pulumi config set --secret`), a Secret Manager secret replicated by Google,
and its version. Cloud Run reads them through each variable's `value_source`, so
the values never sit in the service definition; who may read which secret is
granted per service account by `ContainerService`.
"""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

GENERATED_LENGTH = {"database-password": 32, "secret-key": 64}
"""Characters of each generated secret, by name; these are the secrets' names."""

SECRETS = tuple(GENERATED_LENGTH)

# Cloud SQL takes any printable password; these specials also survive a DSN.
_SPECIALS = {"database-password": "!#$%&*()-_=+[]{}<>:?", "secret-key": ""}


@dataclass(frozen=True)
class SecretsArgs:
    """Arguments of `Secrets`."""

    name: str
    """Prefix of every secret id: `<name>-database-password`, `<name>-secret-key`."""

    database_password: str | None = None
    """A supplied database password; default None: generate one (32 characters)."""

    secret_key: str | None = None
    """A supplied key for signing share links; default None: generate one."""


class Secrets(pulumi.ComponentResource):
    """The platform's secrets, generated or supplied, stored in Secret Manager."""

    database_password: pulumi.Output[str]
    """The database password (a Pulumi secret): the database user needs it."""

    secret_ids: dict[str, pulumi.Output[str]]
    """Each secret's id (`projects/<p>/secrets/<id>`) by name in `SECRETS`, known
    once its value is stored."""

    def __init__(
        self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:gcp:Secrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        supplied = {
            "database-password": args.database_password,
            "secret-key": args.secret_key,
        }
        values: dict[str, pulumi.Output[str]] = {}
        for secret, value in supplied.items():
            if value is not None:
                values[secret] = pulumi.Output.secret(value)
                continue
            generated = random.RandomPassword(
                f"{name}-{secret}",
                length=GENERATED_LENGTH[secret],
                special=bool(_SPECIALS[secret]),
                override_special=_SPECIALS[secret] or None,
                opts=child,
            )
            values[secret] = pulumi.Output.secret(generated.result)

        self.secret_ids = {}
        for secret in SECRETS:
            stored = gcp.secretmanager.Secret(
                f"{name}-{secret}",
                secret_id=f"{args.name}-{secret}",
                replication={"auto": {}},
                opts=child,
            )

            version = gcp.secretmanager.SecretVersion(
                f"{name}-{secret}",
                secret=stored.id,
                secret_data=values[secret],
                opts=child,
            )
            # Taken from the version, so whatever reads `latest` waits until the
            # value is there (Cloud Run refuses a secret without a version).
            self.secret_ids[secret] = version.secret

        self.database_password = values["database-password"]
        self.register_outputs({"secret_ids": self.secret_ids})
