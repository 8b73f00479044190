"""exceptions: the exception queue, monitor runs and actions, payment holds, notifications

Revision ID: 0601_exceptions
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import JSONValue, UTCDateTime

revision = "0601_exceptions"
down_revision = "0001_core"
branch_labels = ("exceptions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_exceptions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("owner_role", sa.String(100), nullable=False),
        sa.Column("reason_code", sa.String(100), nullable=False),
        sa.Column("subject_type", sa.String(50), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("detail", JSONValue, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("open_key", sa.String(400), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("acked_by", sa.String(200), nullable=True),
        sa.Column("acked_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", JSONValue, nullable=True),
        sa.Column("instance_id", sa.String(64), nullable=True),
        sa.Column("workflow_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pf_exceptions"),
        sa.UniqueConstraint("open_key", name="uq_pf_exceptions_open_key"),
    )
    op.create_index("ix_pf_exceptions_status_role", "pf_exceptions", ["status", "owner_role"])
    op.create_index("ix_pf_exceptions_subject", "pf_exceptions", ["subject_type", "subject_id"])
    op.create_table(
        "pf_monitor_runs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("monitor", sa.String(100), nullable=False),
        sa.Column("as_of", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("looked_at", JSONValue, nullable=False),
        sa.Column("found", JSONValue, nullable=False),
        sa.Column("actions", JSONValue, nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pf_monitor_runs"),
    )
    op.create_index("ix_pf_monitor_runs_monitor", "pf_monitor_runs", ["monitor", "started_at"])
    op.create_table(
        "pf_monitor_actions",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("monitor", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("subject_type", sa.String(50), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("payload", JSONValue, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_pf_monitor_actions"),
    )
    op.create_table(
        "pf_payment_holds",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("supplier_id", sa.String(100), nullable=False),
        sa.Column("reason_code", sa.String(100), nullable=False),
        sa.Column("detail", JSONValue, nullable=False),
        sa.Column("open_key", sa.String(300), nullable=True),
        sa.Column("placed_by", sa.String(200), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("released_by", sa.String(200), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pf_payment_holds"),
        sa.UniqueConstraint("open_key", name="uq_pf_payment_holds_open_key"),
    )
    op.create_index("ix_pf_payment_holds_supplier", "pf_payment_holds", ["supplier_id"])
    op.create_table(
        "pf_notifications",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("role", sa.String(100), nullable=True),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("payload", JSONValue, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pf_notifications"),
    )
    op.create_index("ix_pf_notifications_due", "pf_notifications", ["status", "next_attempt_at"])
    op.create_table(
        "pf_notification_subscriptions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("min_severity", sa.String(20), nullable=False),
        sa.Column("secret", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pf_notification_subscriptions"),
        sa.UniqueConstraint(
            "role", "channel", "target", name="uq_pf_notification_subscriptions_role"
        ),
    )


def downgrade() -> None:
    op.drop_table("pf_notification_subscriptions")
    op.drop_index("ix_pf_notifications_due", table_name="pf_notifications")
    op.drop_table("pf_notifications")
    op.drop_index("ix_pf_payment_holds_supplier", table_name="pf_payment_holds")
    op.drop_table("pf_payment_holds")
    op.drop_table("pf_monitor_actions")
    op.drop_index("ix_pf_monitor_runs_monitor", table_name="pf_monitor_runs")
    op.drop_table("pf_monitor_runs")
    op.drop_index("ix_pf_exceptions_subject", table_name="pf_exceptions")
    op.drop_index("ix_pf_exceptions_status_role", table_name="pf_exceptions")
    op.drop_table("pf_exceptions")
