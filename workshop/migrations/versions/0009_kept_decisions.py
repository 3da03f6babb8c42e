"""Decision notes kept with what was signed, and objection reasons kept as they are typed.

Revision ID: 0009
Revises: 0008

A proposal and a version now carry the decision notes as they were proposed. Rows from before
this release get the notes as they stand now: the best that is known of them.
"""
import json

import sqlalchemy as sa
from alembic import op

from workshop.migrations.helpers import create_table, has_column, text

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("proposal", "version"):
        if not has_column(table, "decisions_json"):
            with op.batch_alter_table(table) as batch:
                batch.add_column(text("decisions_json", server_default="{}"))
    _fill_decisions()
    create_table(
        "objectiondraft",
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposal.id"), primary_key=True),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("participant.id"),
                  primary_key=True),
        text("text", server_default=""),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))


def _fill_decisions() -> None:
    bind = op.get_bind()
    notes: dict[str, dict[str, str]] = {}
    for workshop_id, question, note in bind.execute(sa.text(
            "SELECT workshop_id, question, note FROM discussionpoint")):
        if note and note.strip():
            notes.setdefault(workshop_id, {})[question] = note
    for workshop_id, kept in notes.items():
        for table in ("proposal", "version"):
            bind.execute(sa.text(f"UPDATE {table} SET decisions_json = :notes "  # noqa: S608
                                 "WHERE workshop_id = :workshop"),
                         {"notes": json.dumps(kept), "workshop": workshop_id})
