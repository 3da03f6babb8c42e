"""Sales' capacity (reps, and leads one rep can work a month) kept with the workshop.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from workshop.migrations.helpers import has_column

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ("sales_reps", "leads_per_rep"):
        if not has_column("workshop", column):
            with op.batch_alter_table("workshop") as batch:
                batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
