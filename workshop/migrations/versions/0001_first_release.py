"""The first release: workshops, participants, their drafts and the shared definition.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa

from workshop.migrations.helpers import create_table, string, text, workshop_id

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "workshop",
        string("id", 32, primary_key=True), string("company", 200), string("title", 200),
        string("facilitator_name", 200), string("facilitator_token", 64),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=True),
        indexes=("facilitator_token",))
    create_table(
        "participant",
        sa.Column("id", sa.Integer(), primary_key=True), workshop_id(), string("role", 20),
        string("name", 200), string("token", 64, unique=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workshop_id", "role", "name"),
        indexes=("workshop_id",))
    create_table(
        "draft",
        sa.Column("id", sa.Integer(), primary_key=True), workshop_id(),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"),
                  nullable=False, unique=True),
        text("definition_json"), sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        indexes=("workshop_id",))
    create_table(
        "shareddefinition",
        workshop_id(primary_key=True), text("definition_json"),
        sa.Column("revision", sa.Integer(), nullable=False), text("decisions_json"),
        text("agreed_by"), sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))
