"""core tables

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import procureflow.adapters.db.types

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "pf_audit_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("stream", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_audit_entries")),
        sa.UniqueConstraint("stream", "seq", name="uq_pf_audit_entries_stream_seq"),
    )
    op.create_table(
        "pf_audit_heads",
        sa.Column("stream", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("stream", name=op.f("pk_pf_audit_heads")),
    )
    op.create_table(
        "pf_audit_seals",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "heads",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_pf_audit_seals")),
    )
    op.create_table(
        "pf_effects",
        sa.Column("idempotency_key", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_pf_effects")),
    )
    op.create_table(
        "pf_events",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("event_id", sa.String(length=500), nullable=False),
        sa.Column("type", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("time", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "envelope",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "received_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "started",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_events")),
        sa.UniqueConstraint("source", "event_id", name="uq_pf_events_source_event_id"),
    )
    op.create_table(
        "pf_guard_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=64), nullable=True),
        sa.Column("task_key", sa.String(length=1000), nullable=True),
        sa.Column("policy", sa.String(length=200), nullable=False),
        sa.Column("policy_digest", sa.String(length=64), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "decided_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_guard_decisions")),
        sa.UniqueConstraint("instance_id", "task_key", name="uq_pf_guard_decisions_instance_task"),
    )
    op.create_table(
        "pf_playbook_versions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("namespace", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("origin", sa.String(length=500), nullable=True),
        sa.Column(
            "registered_at",
            procureflow.adapters.db.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_playbook_versions")),
    )
    with op.batch_alter_table("pf_playbook_versions", schema=None) as batch_op:
        batch_op.create_index("ix_pf_playbook_versions_name", ["namespace", "name"], unique=False)

    op.create_table(
        "pf_instances",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("playbook_id", sa.String(length=64), nullable=False),
        sa.Column("namespace", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "input", sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"), nullable=True
        ),
        sa.Column(
            "output",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "error", sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"), nullable=True
        ),
        sa.Column("trigger_event", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "completed_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["playbook_id"],
            ["pf_playbook_versions.id"],
            name=op.f("fk_pf_instances_playbook_id_pf_playbook_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_instances")),
    )
    with op.batch_alter_table("pf_instances", schema=None) as batch_op:
        batch_op.create_index("ix_pf_instances_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_pf_instances_status", ["status"], unique=False)

    op.create_table(
        "pf_approvals",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.String(length=64), nullable=True),
        sa.Column("workflow_id", sa.String(length=200), nullable=True),
        sa.Column("task_key", sa.String(length=1000), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column(
            "action",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column(
            "reasoning",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=True,
        ),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column(
            "chain",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "due_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column(
            "decided_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "created_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["pf_instances.id"],
            name=op.f("fk_pf_approvals_instance_id_pf_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_approvals")),
        sa.UniqueConstraint("instance_id", "task_key", name="uq_pf_approvals_instance_task"),
    )
    with op.batch_alter_table("pf_approvals", schema=None) as batch_op:
        batch_op.create_index("ix_pf_approvals_status", ["status"], unique=False)

    op.create_table(
        "pf_subscriptions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("instance_id", sa.String(length=64), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column(
            "filters",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "created_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "closed_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["pf_instances.id"],
            name=op.f("fk_pf_subscriptions_instance_id_pf_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_subscriptions")),
    )
    with op.batch_alter_table("pf_subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_pf_subscriptions_open", ["closed_at"], unique=False)

    op.create_table(
        "pf_task_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=1000), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "input", sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"), nullable=True
        ),
        sa.Column(
            "output",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "error", sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"), nullable=True
        ),
        sa.Column(
            "started_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "ended_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["pf_instances.id"],
            name=op.f("fk_pf_task_runs_instance_id_pf_instances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_task_runs")),
        sa.UniqueConstraint("instance_id", "key", name="uq_pf_task_runs_instance_key"),
    )

    op.create_table(
        "pf_users",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column(
            "roles",
            sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pf_users")),
    )
    op.create_table(
        "pf_api_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "revoked_at", procureflow.adapters.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["pf_users.id"], name=op.f("fk_pf_api_tokens_user_id_pf_users")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_pf_api_tokens")),
    )


def downgrade() -> None:
    op.drop_table("pf_api_tokens")
    op.drop_table("pf_users")

    op.drop_table("pf_task_runs")
    with op.batch_alter_table("pf_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_pf_subscriptions_open")

    op.drop_table("pf_subscriptions")
    with op.batch_alter_table("pf_approvals", schema=None) as batch_op:
        batch_op.drop_index("ix_pf_approvals_status")

    op.drop_table("pf_approvals")
    with op.batch_alter_table("pf_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_pf_instances_status")
        batch_op.drop_index("ix_pf_instances_created_at")

    op.drop_table("pf_instances")
    with op.batch_alter_table("pf_playbook_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_pf_playbook_versions_name")

    op.drop_table("pf_playbook_versions")
    op.drop_table("pf_guard_decisions")
    op.drop_table("pf_events")
    op.drop_table("pf_effects")
    op.drop_table("pf_audit_seals")
    op.drop_table("pf_audit_heads")
    op.drop_table("pf_audit_entries")
