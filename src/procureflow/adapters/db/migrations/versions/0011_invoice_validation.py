"""invoice validation: what the EN 16931 / Factur-X artefacts found on each invoice

Revision ID: 0011_invoice_validation
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_invoice_validation"
down_revision = "0001_core"
branch_labels = ("invoice_validation",)
# The column is added to the payables branch's invoice table.
depends_on = ("0120_payables",)

_JSON = sa.JSON().with_variant(sa.JSON(none_as_null=True), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("pf_invoices") as batch:
        batch.add_column(sa.Column("validation", _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pf_invoices") as batch:
        batch.drop_column("validation")
