"""Turn-takers: who was added at the shared screen, and so may be handed the screen; and a
revision for each decision note, so a stale save is refused instead of replacing another.

People who joined before this release are taken as having joined on their own device: nobody
is handed a draft they may not have written at the shared screen.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as table:
        table.add_column(sa.Column("at_screen", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("discussionpoint") as table:
        table.add_column(sa.Column("revision", sa.Integer(), nullable=False,
                                   server_default="0"))
