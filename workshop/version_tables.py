"""The versions page's tables, as data: the signed versions and every measurement so far."""
from __future__ import annotations

import pandas as pd

from workshop import versions
from workshop.measure import leads_measured, period_caveats
from workshop.text import when

_MINUTE = "%d %b %Y %H:%M"


def versions_table(signed: list[versions.VersionInfo]) -> pd.DataFrame:
    """A row per signed version, newest first; a version measured without figures has blanks."""
    latest = signed[-1] if signed else None
    return pd.DataFrame([{
        "Version": v.number,
        "Signed": when(v.signed_at),
        "Signed by": ", ".join(versions.signed_by(v.signatories)),
        "Qualified per month": v.figures.qualified_per_month if v.figures else None,
        "Wins caught": v.figures.wins_caught if v.figures else None,
        "Status": ("current" if v is latest and v.reopened_at is None
                   else f"reopened {when(v.reopened_at)}" if v.reopened_at else "replaced"),
    } for v in reversed(signed)])


def measurements_frame(taken: list[versions.MeasurementInfo]) -> pd.DataFrame:
    """A row per measurement, for the chart (`charts.measurement_chart`)."""
    return pd.DataFrame([{
        "measured_at": m.measured_at,
        "label": f"v{m.version_number}" + (" signed" if m.at_signoff else ""),
        "qualified_per_month": m.figures.qualified_per_month if m.figures else None,
        "wins_caught": m.figures.wins_caught if m.figures else None,
        "source": m.source,
    } for m in taken])


def short_period_notes(taken: list[versions.MeasurementInfo]) -> list[str]:
    """A sentence for each measurement whose per-month figures come from less than a month of
    leads, named as the table names it."""
    return [caveat for m in taken for caveat in period_caveats(
        {f"of v{m.version_number} on {m.source} ({when(m.measured_at, _MINUTE)})": m.figures})]


def measurements_table(taken: list[versions.MeasurementInfo]) -> pd.DataFrame:
    """The same rows as shown in a table: the time in words, readable headers."""
    shown = measurements_frame(taken).assign(
        measured_at=[when(m.measured_at, _MINUTE) for m in taken],
        leads_measured=[leads_measured(m.figures) if m.figures else None for m in taken])
    return shown.rename(columns={
        "measured_at": "Measured", "label": "Version", "qualified_per_month": "Qualified per month",
        "wins_caught": "Wins caught", "source": "Export", "leads_measured": "Leads"})
