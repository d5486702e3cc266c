"""Board sizes counted as PostgreSQL stores the elements, and never below zero.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    # Earlier counts could drift (even below zero): count again from the rows.
    op.execute(
        """
        UPDATE boards SET size_bytes = coalesce(
            (SELECT sum(octet_length(body::text)) FROM elements
             WHERE elements.board_id = boards.id AND body IS NOT NULL),
            0
        )
        """
    )
    op.execute(
        "ALTER TABLE boards ADD CONSTRAINT boards_size_bytes_not_negative "
        "CHECK (size_bytes >= 0)"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE boards DROP CONSTRAINT boards_size_bytes_not_negative")
