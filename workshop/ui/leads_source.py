"""Which leads a workshop's figures use: its latest uploaded export, else the sample leads.

A parsed export is kept once per server (by file hash and mapping), so several browser
sessions share one copy and changing a criterion never re-reads the file."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from workshop import store
from workshop.leads import OtherColumn, load_sample_leads, other_columns
from workshop.mapping import Mapping
from workshop.pipeline import ImportedLeads, import_leads
from workshop.ui.context import Place, db
from workshop.uploads import load_upload

SAMPLE_LABEL = "the sample leads"


@dataclass(frozen=True)
class LeadsSource:
    leads: pd.DataFrame
    label: str
    upload: store.LeadsUpload | None = None

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
    return load_sample_leads() if key[0] == "sample" else imported(*key[1:]).leads


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


def workshop_leads(place: Place) -> LeadsSource:
    with db() as s:
        upload = store.current_upload(s, place.workshop_id, place.token)
    if upload is None:
        return LeadsSource(load_sample_leads(), SAMPLE_LABEL)
    try:
        result = imported(upload.sha256, upload.filename, upload.mapping_json)
    except (ValueError, FileNotFoundError) as error:
        st.warning(f"{error} Showing the sample leads instead.")
        return LeadsSource(load_sample_leads(), SAMPLE_LABEL)
    return LeadsSource(result.leads, f"{upload.filename} ({upload.rows:,} leads)", upload)


def workshop_columns(place: Place) -> dict[str, OtherColumn]:
    """The workshop's lead columns beyond the catalog, for criteria on any column."""
    return _other_columns(workshop_leads(place).key)


@st.cache_data(max_entries=16, show_spinner=False)
def _other_columns(key: tuple[str, ...]) -> dict[str, OtherColumn]:
    return other_columns(leads_for(key))
