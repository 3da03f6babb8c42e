"""A PIN for each person drafting in turns at the shared screen, so a turn opens again only
for them, and the wrong PINs tried in a row.

People who took turns before this release have no PIN: their turns open as they did.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

from workshop.migrations.helpers import has_column

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as table:
        if not has_column("participant", "turn_pin"):
            table.add_column(sa.Column("turn_pin", sa.Text(), nullable=True))
        if not has_column("participant", "turn_pin_misses"):
            table.add_column(sa.Column("turn_pin_misses", sa.Integer(), nullable=False,
                                       server_default="0"))
