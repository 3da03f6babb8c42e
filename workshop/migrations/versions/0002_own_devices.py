"""Own devices: a join code per workshop, join links per team, auto-reveal, failed join attempts.

Revision ID: 0002
Revises: 0001

Workshops from before get a join code and a join link for each team, so they can invite people
like any new workshop.
"""
import secrets

import sqlalchemy as sa
from alembic import op

from workshop.migrations.helpers import create_table, has_column, string, workshop_id

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as workshop.store had it then
TEAM_ROLES = ("marketing", "sales")


def _join_code(taken: set[str]) -> str:
    while True:
        letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        code = f"{letters[:3]}-{letters[3:]}"
        if code not in taken:
            taken.add(code)
            return code


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # the very first builds kept it as VARCHAR(1000)
        op.alter_column("shareddefinition", "agreed_by", type_=sa.Text())
    create_table("invite", string("secret", 64, primary_key=True), workshop_id(),
                 string("role", 20), indexes=("workshop_id",))
    create_table("joinattempt", sa.Column("id", sa.Integer(), primary_key=True),
                 string("client", 100), sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                 indexes=("client", "at"))
    if not has_column("workshop", "auto_reveal"):
        with op.batch_alter_table("workshop") as batch:
            batch.add_column(sa.Column("auto_reveal", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    if not has_column("workshop", "join_code"):
        with op.batch_alter_table("workshop") as batch:
            batch.add_column(sa.Column("join_code", sa.String(16), nullable=True))
        workshops = sa.table("workshop", sa.column("id"), sa.column("join_code"))
        taken: set[str] = set()
        for (workshop,) in bind.execute(sa.select(workshops.c.id)).all():
            bind.execute(workshops.update().where(workshops.c.id == workshop)
                         .values(join_code=_join_code(taken)))
        with op.batch_alter_table("workshop") as batch:
            batch.alter_column("join_code", existing_type=sa.String(16), nullable=False)
            batch.create_unique_constraint("workshop_join_code_key", ["join_code"])
    invites = sa.table("invite", sa.column("secret"), sa.column("workshop_id"),
                       sa.column("role"))
    have = set(bind.execute(sa.select(invites.c.workshop_id, invites.c.role)).all())
    for (workshop,) in bind.execute(sa.text("SELECT id FROM workshop")).all():
        for role in TEAM_ROLES:
            if (workshop, role) not in have:
                bind.execute(invites.insert().values(secret=secrets.token_urlsafe(32),
                                                     workshop_id=workshop, role=role))
