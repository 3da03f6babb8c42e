"""Step 3's 'who accepts what' on a field: a draft's 'is not one of' takes in the values other
drafts name, but not those its own must-have list leaves out (a Pipedrive workshop's
facilitator had 'Software, Financial Services or Manufacturing' for an MQL and 'not
Manufacturing' for an SQL, and the Industry row read "Healthcare (only Marketing,
Facilitator)")."""
from workshop import compare
from workshop.definition import Definition


def draft(*criteria: dict) -> Definition:
    return Definition.from_dict({"criteria": list(criteria)})


def rule(op: str, values: list[str], gate: str = "mql", role: str = "must") -> dict:
    return {"field": "industry", "op": op, "values": values, "role": role, "gate": gate,
            "points": 10 if role == "nice" else 0}


MARKETING = draft(rule("in", ["Software", "Healthcare"]))
SALES = draft(rule("in", ["Software", "Retail"]))


def holders(drafts: dict[str, Definition]) -> dict[str, list[str]]:
    """Value -> the drafts the row says accept it, shared values under every name."""
    (item,) = compare.spread(drafts, "industry")
    found = {value: list(who) for value, who in item.some.items()}
    for value in item.shared:
        found[value] = list(drafts)
    return found


def test_an_exclusion_beside_the_drafts_own_list_takes_in_nothing_more():
    facilitator = draft(rule("in", ["Software", "Financial Services"]),
                        rule("not_in", ["Manufacturing"], gate="sql"))
    found = holders({"Facilitator": facilitator, "Marketing": MARKETING, "Sales": SALES})
    assert found["Healthcare"] == ["Marketing"]
    assert found["Retail"] == ["Sales"]
    assert sorted(found["Software"]) == ["Facilitator", "Marketing", "Sales"]
    assert found["Financial Services"] == ["Facilitator"]


def test_an_exclusion_alone_still_takes_in_what_others_name():
    facilitator = draft(rule("not_in", ["Retail"]))
    found = holders({"Facilitator": facilitator, "Marketing": MARKETING, "Sales": SALES})
    assert sorted(found["Healthcare"]) == ["Facilitator", "Marketing"]
    assert found["Retail"] == ["Sales"]


def test_a_list_that_bounds_only_sqls_leaves_an_mql_exclusion_its_reach():
    """'Software' for an SQL says nothing about which MQLs 'not Retail' lets through."""
    facilitator = draft(rule("in", ["Software"], gate="sql"), rule("not_in", ["Retail"]))
    found = holders({"Facilitator": facilitator, "Marketing": MARKETING, "Sales": SALES})
    assert sorted(found["Healthcare"]) == ["Facilitator", "Marketing"]


def test_a_nice_to_have_list_bounds_nothing():
    facilitator = draft(rule("in", ["Software"], role="nice"), rule("not_in", ["Retail"]))
    found = holders({"Facilitator": facilitator, "Marketing": MARKETING, "Sales": SALES})
    assert sorted(found["Healthcare"]) == ["Facilitator", "Marketing"]
