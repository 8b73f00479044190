"""Tables of the document toolkit: documents and their lineage, signature profiles,
signing sessions with the co-signers' order, and keystore metadata (never keys)."""

from __future__ import annotations

import sqlalchemy as sa

from procureflow.adapters.db.tables import metadata
from procureflow.adapters.db.types import JSONValue, UTCDateTime

documents = sa.Table(
    "pf_documents",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("category", sa.String(50)),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
)

document_versions = sa.Table(
    "pf_document_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), sa.ForeignKey("pf_documents.sha256"), nullable=False),
    sa.Column("parents", JSONValue, nullable=False),
    sa.Column("operation", sa.String(50), nullable=False),
    sa.Column("profile", sa.String(100)),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("details", JSONValue, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_pf_document_versions_sha256", "sha256"),
)

signature_profiles = sa.Table(
    "pf_signature_profiles",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("category", sa.String(50), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("definition", JSONValue, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

signing_sessions = sa.Table(
    "pf_signing_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("document_sha256", sa.String(64), nullable=False),
    sa.Column("draft_sha256", sa.String(64)),
    sa.Column("current_sha256", sa.String(64), nullable=False),
    sa.Column("category", sa.String(50), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
)

signing_steps = sa.Table(
    "pf_signing_steps",
    metadata,
    sa.Column(
        "session_id", sa.String(64), sa.ForeignKey("pf_signing_sessions.id"), primary_key=True
    ),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("profile", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("signed_sha256", sa.String(64)),
    sa.Column("signed_by", sa.String(200)),
    sa.Column("signed_at", UTCDateTime()),
)

keystore_entries = sa.Table(
    "pf_keystore_entries",
    metadata,
    sa.Column("alias", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("subject", sa.String(500), nullable=False),
    sa.Column("issuer", sa.String(500), nullable=False),
    sa.Column("fingerprint_sha256", sa.String(64), nullable=False),
    sa.Column("key_type", sa.String(50), nullable=False),
    sa.Column("not_before", UTCDateTime(), nullable=False),
    sa.Column("not_after", UTCDateTime(), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
)
