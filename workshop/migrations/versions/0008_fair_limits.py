"""Fair limits: join codes are paced per network instead of counted server-wide, and creating
or restoring workshops is limited per network.

Revision ID: 0008
Revises: 0007

The old table of failed join attempts goes: its counts were only ever kept for ten minutes.
"""
import sqlalchemy as sa
from alembic import op

from workshop.migrations.helpers import create_table, has_table, string

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if has_table("joinattempt"):
        op.drop_table("joinattempt")
    create_table(
        "joinpace", string("network", 100, primary_key=True),
        sa.Column("paid_off_at", sa.Float(), nullable=False),
        indexes=("paid_off_at",))
    create_table(
        "workshopcreation", sa.Column("id", sa.Integer(), primary_key=True),
        string("network", 100), sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        indexes=("network", "at"))
