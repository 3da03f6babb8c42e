"""Facilitation: the step on the shared screen, since when, and each step's time box.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa

from workshop.migrations.helpers import create_table, text, workshop_id

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "agendastate", workshop_id(primary_key=True),
        sa.Column("current_step", sa.Integer(), nullable=False),
        sa.Column("step_started_at", sa.DateTime(timezone=True), nullable=False),
        text("minutes_json"))
