"""Core tables: events, playbooks, instances, tasks, approvals, guard decisions, audit.

Other features add their own ``tables_*.py`` modules on the same ``metadata`` and their
own Alembic migration (a branch from ``0001_core``; ``db upgrade`` applies all heads).
"""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.types import JSONValue, UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

events = sa.Table(
    "pf_events",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("event_id", sa.String(500), nullable=False),
    sa.Column("type", sa.String(300), nullable=False),
    sa.Column("subject", sa.String(500)),
    sa.Column("time", UTCDateTime()),
    sa.Column("envelope", JSONValue, nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("started", JSONValue, nullable=False),
    sa.UniqueConstraint("source", "event_id", name="uq_pf_events_source_event_id"),
)

playbook_versions = sa.Table(
    "pf_playbook_versions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("namespace", sa.String(200), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.String(100), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("origin", sa.String(500)),
    sa.Column("registered_at", UTCDateTime(), nullable=False),
    sa.Index("ix_pf_playbook_versions_name", "namespace", "name"),
)

instances = sa.Table(
    "pf_instances",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "playbook_id", sa.String(64), sa.ForeignKey("pf_playbook_versions.id"), nullable=False
    ),
    sa.Column("namespace", sa.String(200), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("input", JSONValue),
    sa.Column("output", JSONValue),
    sa.Column("error", JSONValue),
    sa.Column("trigger_event", sa.String(64)),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("completed_at", UTCDateTime()),
    sa.Index("ix_pf_instances_status", "status"),
    sa.Index("ix_pf_instances_created_at", "created_at"),
)

task_runs = sa.Table(
    "pf_task_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("instance_id", sa.String(64), sa.ForeignKey("pf_instances.id"), nullable=False),
    sa.Column("key", sa.String(1000), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("input", JSONValue),
    sa.Column("output", JSONValue),
    sa.Column("error", JSONValue),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("ended_at", UTCDateTime()),
    sa.UniqueConstraint("instance_id", "key", name="uq_pf_task_runs_instance_key"),
)

subscriptions = sa.Table(
    "pf_subscriptions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("instance_id", sa.String(64), sa.ForeignKey("pf_instances.id"), nullable=False),
    sa.Column("workflow_id", sa.String(200), nullable=False),
    sa.Column("topic", sa.String(300), nullable=False),
    sa.Column("filters", JSONValue, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("closed_at", UTCDateTime()),
    sa.Index("ix_pf_subscriptions_open", "closed_at"),
)

# One row per (event, instance): the listen of that instance the event was delivered to.
# An event arriving before its listen subscribed is delivered when it subscribes; this
# keeps it from going to a second listen of the same instance.
event_deliveries = sa.Table(
    "pf_event_deliveries",
    metadata,
    sa.Column("event_key", sa.String(64), primary_key=True),
    sa.Column("instance_id", sa.String(64), primary_key=True),
    sa.Column("subscription_id", sa.String(64), nullable=False),
    sa.Column("delivered_at", UTCDateTime(), nullable=False),
)

# One row per process that runs the durable engine, beating while it lives: an executor
# silent past the threshold has its pending instances handed to a live one.
executors = sa.Table(
    "pf_executors",
    metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("host", sa.String(200), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("beat_at", UTCDateTime(), nullable=False),
    sa.Column("stopped_at", UTCDateTime()),
)

approvals = sa.Table(
    "pf_approvals",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("instance_id", sa.String(64), sa.ForeignKey("pf_instances.id")),
    sa.Column("workflow_id", sa.String(200)),
    sa.Column("task_key", sa.String(1000)),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("action", JSONValue, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("reasoning", JSONValue),
    sa.Column("requested_by", sa.String(200), nullable=False),
    sa.Column("chain", JSONValue, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("due_at", UTCDateTime()),
    sa.Column("decided_by", sa.String(200)),
    sa.Column("decided_at", UTCDateTime()),
    sa.Column("comment", sa.Text),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("instance_id", "task_key", name="uq_pf_approvals_instance_task"),
    sa.Index("ix_pf_approvals_status", "status"),
)

guard_decisions = sa.Table(
    "pf_guard_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("instance_id", sa.String(64)),
    sa.Column("task_key", sa.String(1000)),
    sa.Column("policy", sa.String(200), nullable=False),
    sa.Column("policy_digest", sa.String(64), nullable=False),
    sa.Column("facts", JSONValue, nullable=False),
    sa.Column("outcome", JSONValue, nullable=False),
    sa.Column("decided_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("instance_id", "task_key", name="uq_pf_guard_decisions_instance_task"),
)

effects = sa.Table(
    "pf_effects",
    metadata,
    sa.Column("idempotency_key", sa.String(500), primary_key=True),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("payload", JSONValue, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

audit_entries = sa.Table(
    "pf_audit_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("stream", sa.String(200), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("subject", sa.String(500)),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("payload", JSONValue, nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("stream", "seq", name="uq_pf_audit_entries_stream_seq"),
)

audit_heads = sa.Table(
    "pf_audit_heads",
    metadata,
    sa.Column("stream", sa.String(200), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

audit_seals = sa.Table(
    "pf_audit_seals",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("heads", JSONValue, nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

users = sa.Table(
    "pf_users",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(300)),
    sa.Column("roles", JSONValue, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

api_tokens = sa.Table(
    "pf_api_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(100), sa.ForeignKey("pf_users.id"), nullable=False),
    sa.Column("label", sa.String(200)),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime()),
    sa.Column("expires_at", UTCDateTime()),
)
