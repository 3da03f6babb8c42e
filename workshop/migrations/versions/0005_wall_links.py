"""Communicate: read-only wall links to the agreed definition.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa

from workshop.migrations.helpers import create_table, string, workshop_id

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "walllink", string("secret", 64, primary_key=True), workshop_id(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        indexes=("workshop_id",))
