"""Secrets: the database password and the app's secret key, in Secrets Manager.

Creates, for each secret, a random value (pulumi-random) unless the stack supplies
one (`pulumi config set --secret`), a Secrets Manager secret and its current
version. Containers read them through the task definition's `secrets`; the values
themselves only ever travel as Pulumi secrets.
"""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

# Characters RDS refuses in a master password: '/', '"', '@' and space.
_PUNCTUATION_RDS_ACCEPTS = "!#$%&*()-_=+[]{}<>:?"


@dataclass(frozen=True)
class SecretsArgs:
    """Arguments of `Secrets`."""

    name: str
    """Prefix of every resource name; secrets are named `<name>/<secret>`."""

    database_password: str | None = None
    """A supplied database password; default None: generate one (32 characters)."""

    secret_key: str | None = None
    """A supplied key for signing share links; default None: generate one."""

    recovery_window_days: int = 0
    """Days a deleted secret can be restored (0: deleted at once, 7-30 otherwise)."""


class Secrets(pulumi.ComponentResource):
    """The platform's secrets, generated or supplied, stored in Secrets Manager."""

    database_password: pulumi.Output[str]
    """The database password (a Pulumi secret): the database needs the value."""

    database_password_arn: pulumi.Output[str]
    secret_key_arn: pulumi.Output[str]
    arns: list[pulumi.Output[str]]

    def __init__(
        self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:aws:Secrets", name, None, opts)

        self.database_password = self._value(
            f"{name}-database-password",
            args.database_password,
            random.RandomPassword(
                f"{name}-database-password",
                length=32,
                special=True,
                override_special=_PUNCTUATION_RDS_ACCEPTS,
                opts=pulumi.ResourceOptions(parent=self),
            )
            if args.database_password is None
            else None,
        )
        secret_key = self._value(
            f"{name}-secret-key",
            args.secret_key,
            random.RandomPassword(
                f"{name}-secret-key",
                length=64,
                special=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
            if args.secret_key is None
            else None,
        )

        self.database_password_arn = self._store(
            name, "database-password", self.database_password, args
        )
        self.secret_key_arn = self._store(name, "secret-key", secret_key, args)
        self.arns = [self.database_password_arn, self.secret_key_arn]
        self.register_outputs(
            {
                "database_password_arn": self.database_password_arn,
                "secret_key_arn": self.secret_key_arn,
            }
        )

    @staticmethod
    def _value(
        name: str, supplied: str | None, generated: random.RandomPassword | None
    ) -> pulumi.Output[str]:
        if generated is not None:
            return pulumi.Output.secret(generated.result)
        assert supplied is not None, name
        return pulumi.Output.secret(supplied)

    def _store(
        self, name: str, secret: str, value: pulumi.Output[str], args: SecretsArgs
    ) -> pulumi.Output[str]:
        stored = aws.secretsmanager.Secret(
            f"{name}-{secret}",
            name_prefix=f"{args.name}/{secret}-",
            description=f"{secret.replace('-', ' ')} of {args.name}",
            recovery_window_in_days=args.recovery_window_days,
            opts=pulumi.ResourceOptions(parent=self),
        )

        aws.secretsmanager.SecretVersion(
            f"{name}-{secret}",
            secret_id=stored.id,
            secret_string=value,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return stored.arn
