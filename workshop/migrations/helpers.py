"""What the migrations share: they look before they change, because databases from before
schema versions were created table by table as each release needed them."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def has_column(table: str, column: str) -> bool:
    return any(c["name"] == column for c in sa.inspect(op.get_bind()).get_columns(table))


def create_table(name: str, *columns: sa.Column | sa.Constraint,
                 indexes: tuple[str, ...] = ()) -> None:
    """The table (and an index per named column) unless an earlier release already made it."""
    if has_table(name):
        return
    op.create_table(name, *columns)
    for column in indexes:
        op.create_index(f"ix_{name}_{column}", name, [column])


def text(name: str, **kwargs) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False, **kwargs)


def string(name: str, length: int, **kwargs) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=kwargs.pop("nullable", False), **kwargs)


def workshop_id(primary_key: bool = False) -> sa.Column:
    return sa.Column("workshop_id", sa.String(32), sa.ForeignKey("workshop.id"),
                     nullable=False, primary_key=primary_key)
