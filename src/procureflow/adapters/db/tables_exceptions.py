"""Tables of the exception queue and the monitors: exceptions that need a person, the
record of every monitor run, the notification outbox and per-role subscriptions.

``open_key`` holds ``subject_type|subject_id|reason_code`` while an exception is open or
acknowledged and NULL once it is resolved; a unique constraint on it keeps at most one
open exception per subject and reason on both dialects (NULLs never collide), so a
monitor that finds the same problem again bumps a counter instead of flooding the queue.
"""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.types import JSONValue, UTCDateTime

exceptions = sa.Table(
    "pf_exceptions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("severity", sa.String(20), nullable=False),
    sa.Column("owner_role", sa.String(100), nullable=False),
    sa.Column("reason_code", sa.String(100), nullable=False),
    sa.Column("subject_type", sa.String(50), nullable=False),
    sa.Column("subject_id", sa.String(200), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("detail", JSONValue, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("open_key", sa.String(400)),
    sa.Column("occurrences", sa.Integer, nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("opened_by", sa.String(200), nullable=False),
    sa.Column("opened_at", UTCDateTime(), nullable=False),
    sa.Column("last_seen", UTCDateTime(), nullable=False),
    sa.Column("acked_by", sa.String(200)),
    sa.Column("acked_at", UTCDateTime()),
    sa.Column("resolved_by", sa.String(200)),
    sa.Column("resolved_at", UTCDateTime()),
    sa.Column("resolution", JSONValue),
    sa.Column("instance_id", sa.String(64)),
    sa.Column("workflow_id", sa.String(200)),
    sa.Column("notified_at", UTCDateTime()),
    sa.UniqueConstraint("open_key", name="uq_pf_exceptions_open_key"),
    sa.Index("ix_pf_exceptions_status_role", "status", "owner_role"),
    sa.Index("ix_pf_exceptions_subject", "subject_type", "subject_id"),
    sa.Index("ix_pf_exceptions_notified_at", "notified_at"),
)

monitor_runs = sa.Table(
    "pf_monitor_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("monitor", sa.String(100), nullable=False),
    sa.Column("as_of", UTCDateTime(), nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("ended_at", UTCDateTime()),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("looked_at", JSONValue, nullable=False),
    sa.Column("found", JSONValue, nullable=False),
    sa.Column("actions", JSONValue, nullable=False),
    sa.Column("error", sa.Text),
    sa.Index("ix_pf_monitor_runs_monitor", "monitor", "started_at"),
)

monitor_actions = sa.Table(
    "pf_monitor_actions",
    metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("monitor", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(50), nullable=False),
    sa.Column("subject_type", sa.String(50), nullable=False),
    sa.Column("subject_id", sa.String(200), nullable=False),
    sa.Column("payload", JSONValue, nullable=False),
    sa.Column("run_id", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

monitor_state = sa.Table(
    "pf_monitor_state",
    metadata,
    sa.Column("monitor", sa.String(100), primary_key=True),
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("value", JSONValue, nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

payment_holds = sa.Table(
    "pf_payment_holds",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("supplier_id", sa.String(100), nullable=False),
    sa.Column("reason_code", sa.String(100), nullable=False),
    sa.Column("detail", JSONValue, nullable=False),
    sa.Column("open_key", sa.String(300)),
    sa.Column("placed_by", sa.String(200), nullable=False),
    sa.Column("placed_at", UTCDateTime(), nullable=False),
    sa.Column("released_by", sa.String(200)),
    sa.Column("released_at", UTCDateTime()),
    sa.UniqueConstraint("open_key", name="uq_pf_payment_holds_open_key"),
    sa.Index("ix_pf_payment_holds_supplier", "supplier_id"),
)

notifications = sa.Table(
    "pf_notifications",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("target", sa.String(1000), nullable=False),
    sa.Column("role", sa.String(100)),
    sa.Column("subject", sa.String(500), nullable=False),
    sa.Column("payload", JSONValue, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime()),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("sent_at", UTCDateTime()),
    sa.Index("ix_pf_notifications_due", "status", "next_attempt_at"),
)

notification_subscriptions = sa.Table(
    "pf_notification_subscriptions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("target", sa.String(1000), nullable=False),
    sa.Column("min_severity", sa.String(20), nullable=False),
    sa.Column("secret", sa.String(200)),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("role", "channel", "target", name="uq_pf_notification_subscriptions_role"),
)

__all__ = [
    "exceptions",
    "monitor_actions",
    "monitor_runs",
    "monitor_state",
    "notification_subscriptions",
    "notifications",
    "payment_holds",
]
