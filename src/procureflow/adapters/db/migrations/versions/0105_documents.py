"""documents: stored documents and lineage, signature profiles, signing sessions, keystore metadata

Revision ID: 0105_documents
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from procureflow.adapters.db.types import JSONValue, UTCDateTime

revision = "0105_documents"
down_revision = "0001_core"
branch_labels = ("documents",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pf_documents",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(50), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_pf_documents"),
    )
    op.create_table(
        "pf_document_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("parents", JSONValue, nullable=False),
        sa.Column("operation", sa.String(50), nullable=False),
        sa.Column("profile", sa.String(100), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("details", JSONValue, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["pf_documents.sha256"],
            name="fk_pf_document_versions_sha256_pf_documents",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pf_document_versions"),
    )
    op.create_index("ix_pf_document_versions_sha256", "pf_document_versions", ["sha256"])
    op.create_table(
        "pf_signature_profiles",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("definition", JSONValue, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_pf_signature_profiles"),
    )
    op.create_table(
        "pf_signing_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("draft_sha256", sa.String(64), nullable=True),
        sa.Column("current_sha256", sa.String(64), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pf_signing_sessions"),
    )
    op.create_table(
        "pf_signing_steps",
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("profile", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("signed_sha256", sa.String(64), nullable=True),
        sa.Column("signed_by", sa.String(200), nullable=True),
        sa.Column("signed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["pf_signing_sessions.id"],
            name="fk_pf_signing_steps_session_id_pf_signing_sessions",
        ),
        sa.PrimaryKeyConstraint("session_id", "position", name="pk_pf_signing_steps"),
    )
    op.create_table(
        "pf_keystore_entries",
        sa.Column("alias", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("fingerprint_sha256", sa.String(64), nullable=False),
        sa.Column("key_type", sa.String(50), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("not_after", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("alias", name="pk_pf_keystore_entries"),
    )


def downgrade() -> None:
    for table in (
        "pf_keystore_entries",
        "pf_signing_steps",
        "pf_signing_sessions",
        "pf_signature_profiles",
        "pf_document_versions",
        "pf_documents",
    ):
        op.drop_table(table)
