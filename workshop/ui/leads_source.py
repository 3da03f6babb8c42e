"""Which leads a workshop's figures use: its latest uploaded export; the demo workshops, until
one is uploaded, the demo company's sample leads. A real workshop with no export shows no lead
figures at all (never the demo company's).

A parsed export is kept once per server (by file hash and mapping), so several browser
sessions share one copy and changing a criterion never re-reads the file."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from workshop import store
from workshop.lead_values import LeadValues, lead_values
from workshop.leads import load_sample_leads
from workshop.mapping import Mapping
from workshop.measure import leads_count
from workshop.pipeline import ImportedLeads, import_leads
from workshop.text import escape_markdown
from workshop.ui.context import Place, visit
from workshop.ui.pages import EVIDENCE
from workshop.uploads import load_upload

SAMPLE_LABEL = "the sample leads"
NO_LEADS = LeadValues({}, {})


@dataclass(frozen=True)
class LeadsSource:
    leads: pd.DataFrame
    label: str
    upload: store.LeadsUpload | None = None
    mapping: Mapping | None = None  # how the export's columns were read (the SQL needs it)
    currency: str | None = None  # the one the export writes its amounts in, when it says
    exported: pd.DataFrame | None = None  # the export as written, row for row with `leads`
    delimiter: str = ","  # the export's own, for files that go back to its CRM

    @property
    def key(self) -> tuple[str, ...]:
        """Identifies the data for caches: the file's hash and mapping, or the sample."""
        if self.upload is None:
            return ("sample",)
        return ("upload", self.upload.sha256, self.upload.filename, self.upload.mapping_json)

    @property
    def name(self) -> str:
        """What measurements record as their source; the figures say how many leads."""
        return SAMPLE_LABEL if self.upload is None else self.upload.filename


def leads_for(key: tuple[str, ...]) -> pd.DataFrame:
    return sample_leads() if key[0] == "sample" else imported(*key[1:]).leads


@st.cache_resource(show_spinner=False)
def sample_leads() -> pd.DataFrame:
    """One copy of the sample leads for the whole server, read-only like an imported export,
    so what is worked out on it (`workshop.per_table`) is kept between reruns."""
    return load_sample_leads()


@st.cache_resource(max_entries=6, show_spinner="Reading the leads…")
def imported(sha256: str, filename: str, mapping_json: str) -> ImportedLeads:
    """Shared and read-only: nothing downstream modifies the frames it returns."""
    fresh = _just_imported.pop((sha256, filename, mapping_json), None)
    if fresh is not None:
        return fresh
    mapping = Mapping.from_json(mapping_json)
    return import_leads(load_upload(sha256), filename, mapping)


# An upload has just been read to check it: hand that result to the cache instead of reading
# a million rows a second time. Entries are taken out as soon as the cache asks for them.
_just_imported: dict[tuple[str, str, str], ImportedLeads] = {}


def remember_import(sha256: str, filename: str, result: ImportedLeads) -> None:
    _just_imported.clear()  # only the latest upload is ever waiting
    _just_imported[(sha256, filename, result.mapping.to_json())] = result


def workshop_leads(place: Place) -> LeadsSource | None:
    """The leads this person's figures use, or None: a real workshop before its facilitator
    uploads an export (or, for the others, before the reveal)."""
    with visit(place) as ws:
        upload = ws(store.current_upload)
        demo = ws.workshop().is_demo
    return _source(upload, demo)


def _source(upload: store.LeadsUpload | None, demo: bool) -> LeadsSource | None:
    if upload is None:
        return LeadsSource(sample_leads(), SAMPLE_LABEL) if demo else None
    try:
        result = imported(upload.sha256, upload.filename, upload.mapping_json)
    except (ValueError, FileNotFoundError) as error:
        fallback = "Showing the sample leads instead." if demo else \
            "Upload the export again on the evidence page."
        st.warning(f"{escape_markdown(str(error))} {fallback}")
        return LeadsSource(sample_leads(), SAMPLE_LABEL) if demo else None
    return LeadsSource(result.leads, f"{upload.filename} ({leads_count(upload.rows)})", upload,
                       result.mapping, result.currency, result.raw,
                       result.format.delimiter or ",")


def form_values(place: Place) -> LeadValues:
    """What the guided form offers this person from the workshop's own leads: the export's
    values with their counts, the sample's in a demo, nothing before an export exists."""
    with visit(place) as ws:
        upload = ws(store.upload_for_choices)
        demo = ws.workshop().is_demo
    if upload is None and not demo:
        return NO_LEADS
    source = _source(upload, demo)
    return NO_LEADS if source is None else _lead_values(source.key)


@st.cache_data(max_entries=16, show_spinner=False)
def _lead_values(key: tuple[str, ...]) -> LeadValues:
    if key[0] == "sample":
        return lead_values(sample_leads())
    result = imported(*key[1:])
    return lead_values(result.leads, result.currency, result.mapping.outcome_column,
                       currency_mixed=bool(result.mixed_currencies))


def no_leads_yet(place: Place, is_facilitator: bool, what: str = "figures") -> None:
    """Say that the figures need the company's own export, and where to upload it."""
    if is_facilitator:
        st.info(f"No {what} yet: they are worked out on your company's own leads. Upload a "
                "CRM export (CSV or Excel) on the evidence page to see what each definition "
                "would do to them.")
        st.page_link(EVIDENCE.path, label="Upload your CRM export →", icon="📊",
                     query_params=place.params)
    else:
        st.info(f"No {what} yet: they appear once the facilitator uploads the company's CRM "
                "export.")
