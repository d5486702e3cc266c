"""Boards, their current elements, and the log of applied operations.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE boards (
            id text PRIMARY KEY,
            name text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            seq bigint NOT NULL DEFAULT 0,
            link_generation integer NOT NULL DEFAULT 1,
            element_count integer NOT NULL DEFAULT 0,
            size_bytes bigint NOT NULL DEFAULT 0
        )
        """
    )
    # A deleted element keeps its row (body NULL) so that its id cannot come back.
    op.execute(
        """
        CREATE TABLE elements (
            board_id text NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
            id text NOT NULL,
            body jsonb,
            PRIMARY KEY (board_id, id)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE ops (
            board_id text NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
            seq bigint NOT NULL,
            op_id text NOT NULL,
            body jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (board_id, seq),
            UNIQUE (board_id, op_id)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE ops")
    op.execute("DROP TABLE elements")
    op.execute("DROP TABLE boards")
