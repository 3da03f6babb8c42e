"""Agreeing: the log of shared-definition changes, discussion points, proposals, sign-offs,
signed versions and their measurements.

Revision ID: 0004
Revises: 0003

Agreements recorded before sign-offs existed stay where they were (shareddefinition.agreed_by
and agreed_at); the app still counts them as agreed.
"""
import sqlalchemy as sa

from workshop.migrations.helpers import create_table, string, text, workshop_id

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _int(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def upgrade() -> None:
    create_table(
        "sharedchange", _id(), workshop_id(), _int("revision"), string("by_name", 200),
        text("summary"), text("questions"), text("definition_json"),
        _int("restores", nullable=True), _when("at"), indexes=("workshop_id",))
    create_table(
        "discussionpoint", workshop_id(primary_key=True),
        string("question", 40, primary_key=True),
        sa.Column("open", sa.Boolean(), nullable=False), text("note"), _when("updated_at"))
    create_table(
        "proposal", _id(), workshop_id(), _int("number"), _int("shared_revision"),
        text("definition_json"), text("figures_json"), string("source", 300),
        string("status", 20), _when("proposed_at"), indexes=("workshop_id",))
    create_table(
        "signoff", _id(),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposal.id"), nullable=False),
        string("role", 20), string("name", 200),
        sa.Column("agrees", sa.Boolean(), nullable=False), text("reason"),
        sa.Column("in_room", sa.Boolean(), nullable=False), _when("at"),
        sa.UniqueConstraint("proposal_id", "role"), indexes=("proposal_id",))
    create_table(
        "version", _id(), workshop_id(), _int("number"),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposal.id"), nullable=False),
        text("definition_json"), text("signatories_json"), _when("signed_at"),
        _when("reopened_at", nullable=True),
        sa.UniqueConstraint("workshop_id", "number"), indexes=("workshop_id",))
    create_table(
        "measurement", _id(), workshop_id(), _int("version_number"), string("source", 300),
        string("sha256", 64), sa.Column("at_signoff", sa.Boolean(), nullable=False),
        text("figures_json"), _when("measured_at"), indexes=("workshop_id",))
