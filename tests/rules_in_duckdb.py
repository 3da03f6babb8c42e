"""The rules SQL a RevOps team runs, run in DuckDB over the export file itself (every column
read as text, as a CRM table loaded from it would hold it)."""
from __future__ import annotations

from pathlib import Path

import duckdb


def sql_stages(path: Path, sql: str, order_by: str) -> list[str]:
    """Each lead's stage from `sql`, run on the CSV at `path` as table `leads`, in the order
    of the SQL expression `order_by`."""
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    rows = connection.execute(f"SELECT lead_stage FROM ({sql.rstrip().rstrip(';')}) AS s "
                              f"ORDER BY {order_by}").fetchall()
    return [row[0] for row in rows]
