"""Evidence: the CRM exports a facilitator uploads, with the column mapping chosen for them.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa

from workshop.migrations.helpers import create_table, string, text, workshop_id

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "leadsupload",
        sa.Column("id", sa.Integer(), primary_key=True), workshop_id(), string("sha256", 64),
        string("filename", 300), sa.Column("rows", sa.Integer(), nullable=False),
        string("headers_signature", 64), text("mapping_json"),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        indexes=("workshop_id", "headers_signature"))
