"""A column whose header is longer than a rule's column name may be (a survey question used as
a header, as form tools export them) was offered under "Other signals" and could never be
added: "Not saved: String should have at most 200 characters". It is now left out of the
list with a sentence saying why and what to do."""
from __future__ import annotations

import io

import pandas as pd

from tests.test_pages import _to_question, by_key_suffix
from tests.test_real_exports_pages import open_page, texts
from tests.test_revisit_fresh_exports import new_workshop, store_upload
from workshop.definition import MAX_COLUMN_NAME

QUESTION = ("How many people in your organisation will use the product in the first year, "
            "counting every office, every contractor and every team that would need an "
            "account of its own, including those who only read reports now and then?")


def _export() -> bytes:
    assert len(QUESTION) > MAX_COLUMN_NAME
    return pd.DataFrame({
        "Email": [f"lead{i}@firm{i}.com" for i in range(40)],
        "Company": [f"Firm {i}" for i in range(40)],
        "Fleet Size": [str(i * 3) for i in range(40)],
        QUESTION: ["10-50" if i % 2 else "50+" for i in range(40)],
    }).to_csv(index=False).encode()


def test_a_column_with_a_long_name_is_not_offered_and_said_why(database):
    params = new_workshop(database)
    data = _export()
    store_upload(database, params, data, "survey.csv")
    assert QUESTION in pd.read_csv(io.BytesIO(data)).columns
    at = _to_question(open_page(params, "views/facilitator.py"), 12)
    column = by_key_suffix(at.selectbox, ":other:column")
    assert "Fleet Size" in column.options
    assert not any(QUESTION in str(option) for option in column.options)
    assert "1 column is not listed: its name is longer than 200 characters" in texts(at)
