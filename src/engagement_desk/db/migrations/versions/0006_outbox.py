"""outbox: emails kept in the database until the mail server takes them; when each
registration's ticket and reminder were sent

Revision ID: 0006_outbox
Revises: 0005_erasure_tombstones
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_outbox"
down_revision = "0005_erasure_tombstones"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("registration_id", sa.String(length=36), nullable=True),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "sending",
                "sent",
                "refused",
                name="outboxstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sending_since", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_outbox_message_event_id_event"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_outbox_message_registration_id_registration"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_message_message_id")),
    )
    op.create_index(
        "ix_outbox_message_status", "outbox_message", ["status", "created_at"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_message_event_id"), "outbox_message", ["event_id"], unique=False
    )
    op.create_index(
        op.f("ix_outbox_message_registration_id"),
        "outbox_message",
        ["registration_id"],
        unique=False,
    )
    with op.batch_alter_table("registration") as batch:
        batch.add_column(sa.Column("ticket_sent_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("reminder_sent_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registration") as batch:
        batch.drop_column("reminder_sent_at")
        batch.drop_column("ticket_sent_at")
    op.drop_index(op.f("ix_outbox_message_registration_id"), table_name="outbox_message")
    op.drop_index(op.f("ix_outbox_message_event_id"), table_name="outbox_message")
    op.drop_index("ix_outbox_message_status", table_name="outbox_message")
    op.drop_table("outbox_message")
