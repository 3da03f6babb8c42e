"""A fresh export that also holds leads of the period a version was agreed on (a re-export of
everything, or of the records changed lately) is measured on its newer leads only.

The versions page, one-pager and poster printed 11.5 qualified leads a month where the 700 new
leads made 20.0: 60 re-exported leads of the agreed quarter spread the new ones over six months
they hardly filled. Expected figures are worked out with plain pandas on the files."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from tests.test_real_exports_pages import open_page, texts
from tests.test_revisit_fresh_exports import (
    FIRST,
    LOGISTICS,
    comparison,
    plain_figures,
    plain_reading,
    signed_on,
    store_upload,
    zoho_export,
)
from workshop.measure import MIN_NEWER_LEADS, measure, since_agreed
from workshop.pipeline import import_leads

AGREED_LAST_DAY = "2024-03-31"


def _with_old_leads(old: int, new: int) -> bytes:
    """`new` leads created in the quarter after the agreed one, after `old` leads re-exported
    from the agreed quarter (other records, the same period)."""
    earlier = zoho_export(old, 11, datetime(2024, 1, 1), 91)
    later = zoho_export(new, 12, datetime(2024, 4, 1), 91)
    header, *rows = earlier.decode("utf-8-sig").splitlines()
    return "\r\n".join([header, *rows, *later.decode("utf-8-sig").splitlines()[1:]]) \
        .encode("utf-8-sig") + b"\r\n"


def _plain(data: bytes) -> pd.DataFrame:
    return plain_reading(data, 1.0)


def test_only_the_leads_after_the_agreed_ones_are_measured_now():
    data = _with_old_leads(60, 400)
    leads = import_leads(data, "zoho_all_deals.csv").leads
    agreed = measure(import_leads(FIRST, "first.csv").leads, LOGISTICS)
    assert agreed.last_created <= AGREED_LAST_DAY
    newer = since_agreed(leads, agreed)
    plain = _plain(data)
    after = plain[plain["created"].dt.normalize() > pd.Timestamp(agreed.last_created)]
    assert (newer.after, newer.older, len(newer.leads)) == (
        agreed.last_created, len(plain) - len(after), len(after))
    now = measure(newer.leads, LOGISTICS)
    want = plain_figures(after)
    assert (now.qualified, now.qualified_per_month) == (want["qualified"],
                                                        want["qualified_per_month"])
    everything = plain_figures(plain)
    assert everything["qualified_per_month"] < want["qualified_per_month"]  # what it was


def test_an_export_of_newer_leads_only_or_too_few_is_measured_whole():
    agreed = measure(import_leads(FIRST, "first.csv").leads, LOGISTICS)
    only_new = import_leads(zoho_export(200, 12, datetime(2024, 4, 1), 91), "q2.csv").leads
    assert since_agreed(only_new, agreed).after is None
    few_new = import_leads(_with_old_leads(60, MIN_NEWER_LEADS - 5), "few.csv").leads
    assert since_agreed(few_new, agreed).after is None  # the same export again, say
    assert since_agreed(few_new, None).after is None  # nothing measured when agreed


def test_the_versions_page_and_one_pager_print_the_newer_leads_figures(database, tmp_path):
    params = signed_on(database, tmp_path, FIRST)
    data = _with_old_leads(60, 400)
    store_upload(database, params, data, "zoho_all_deals_2024H1.csv")
    plain = _plain(data)
    agreed_last = _plain(FIRST)["created"].max().normalize()
    after = plain[plain["created"].dt.normalize() > agreed_last]
    want = plain_figures(after)
    page = open_page(params, "views/history.py")
    table = comparison(page)
    assert table.at["Qualified leads (MQL or SQL) per month", "Now"] == \
        f"{want['qualified_per_month']:,.1f}"
    said = texts(page)
    assert "Now counts only the leads created after" in said
    assert f"The {len(plain) - len(after):,} leads of this export" in said
    assert f"{want['qualified_per_month']:,.1f} qualified leads a month" in \
        texts(open_page(params, "views/communicate.py"))
