"""Each element's place in the stack and its JSON text, stored beside its body.

A snapshot then reads the elements in stack order from an index and joins their
stored text, instead of sorting on an expression and rendering every body again
on each read. Both columns are computed by PostgreSQL from ``body`` on every
write; a deleted element (body NULL) has neither and stays out of the index.

Adding the columns rewrites the elements table once, under an exclusive lock.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE elements
            ADD COLUMN z double precision
                GENERATED ALWAYS AS ((body->>'z')::double precision) STORED,
            ADD COLUMN body_text text
                GENERATED ALWAYS AS (body::text) STORED
        """
    )
    op.execute(
        "CREATE INDEX elements_stack_order ON elements (board_id, z, id) "
        "WHERE body IS NOT NULL"
    )


def downgrade() -> None:
    op.execute("DROP INDEX elements_stack_order")
    op.execute("ALTER TABLE elements DROP COLUMN body_text, DROP COLUMN z")
