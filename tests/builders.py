"""Short builders for definitions in tables of test cases."""
from workshop.definition import Criterion, Definition


def C(field="industry", op="in", values=None, **kw) -> Criterion:  # noqa: N802 - reads as a table
    if values is None and op in ("in", "not_in", "contains_any"):
        values = ["Software"]
    return Criterion(field=field, op=op, values=values or [], **kw)


def D(*criteria, actions=(), threshold=0, notes=None) -> Definition:  # noqa: N802
    return Definition(criteria=list(criteria), actions=list(actions), threshold=threshold,
                      notes=notes or {})
