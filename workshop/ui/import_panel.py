"""Uploading an export and reviewing how its columns map onto the lead fields."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from workshop import store
from workshop.importer import ImportProblem, read_export
from workshop.mapping import ALLOWED_KEYS, Mapping, headers_signature, validate
from workshop.pipeline import map_leads
from workshop.text import escape_markdown
from workshop.ui.context import Place, db
from workshop.ui.leads_source import LeadsSource, imported, remember_import
from workshop.uploads import save_upload

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm"]
NOT_MAPPED = ""


def upload_form(place: Place) -> None:
    """Read an uploaded export, reuse the mapping of an earlier export with the same headers,
    and make it the workshop's leads."""
    file = st.file_uploader("Upload a CRM export (CSV or Excel, up to 200 MB)",
                            type=UPLOAD_TYPES, key="evidence:file")
    if file is None:
        return
    data = file.getvalue()
    marker = (file.name, len(data))
    if st.session_state.get("evidence:done") == marker:
        return
    st.session_state["evidence:done"] = marker
    progress = st.progress(0.0, text=f"Reading {escape_markdown(file.name)} "
                                     f"({len(data) / 1e6:,.1f} MB)…")
    try:
        raw, export_format = read_export(data, file.name)
        progress.progress(0.45, text=f"Matching the columns of {len(raw):,} rows to the lead "
                                     "fields…")
        signature = headers_signature(list(raw.columns))
        with db() as s:
            known = store.saved_mapping(s, place.workshop_id, place.token, signature)
        progress.progress(0.5, text=f"Cleaning the values of {len(raw):,} leads…")
        result = map_leads(raw, export_format, Mapping.from_json(known) if known else None)
    except (ImportProblem, ValueError) as error:
        progress.empty()
        st.error(f"This file cannot be used: {error}")
        return
    progress.progress(0.95, text="Saving…")
    sha = save_upload(data)
    remember_import(sha, file.name, result)
    with db() as s:
        store.record_upload(s, place.workshop_id, place.token, sha256=sha, filename=file.name,
                            rows=len(result.leads), headers_signature=signature,
                            mapping_json=result.mapping.to_json())
    progress.empty()
    st.success(f"Read {len(result.leads):,} leads from {escape_markdown(file.name)}"
               + (" with the mapping used last time for these columns." if known else "."))


def review(place: Place, source: LeadsSource) -> None:
    """Format, data quality and the column mapping of the current upload."""
    upload = source.upload
    result = imported(upload.sha256, upload.filename, upload.mapping_json)
    fmt = result.format
    details = (f"{fmt.kind.upper()}, {fmt.encoding or 'workbook'}"
               + (f", separated by “{fmt.delimiter}”" if fmt.delimiter else "")
               + (", decimal commas" if fmt.decimal == "," else ""))
    st.markdown(f"**{escape_markdown(upload.filename)}**: {fmt.rows:,} rows, "
                f"{fmt.columns} columns ({escape_markdown(details)})")
    quality = quality_of(upload.sha256, upload.filename, upload.mapping_json)
    st.caption(quality.headline())
    with st.expander("Data quality per field"):
        st.dataframe(quality.as_table(), hide_index=True, width="stretch")
    with st.expander("Column mapping and outcome"):
        mapping_editor(place, upload.id, result.raw, result.mapping)


@st.cache_resource(max_entries=6, show_spinner="Checking the data…")
def quality_of(sha256: str, filename: str, mapping_json: str):
    return imported(sha256, filename, mapping_json).quality()


def mapping_editor(place: Place, upload_id: int, raw: pd.DataFrame, mapping: Mapping) -> None:
    options = [NOT_MAPPED] + sorted(ALLOWED_KEYS)
    table = pd.DataFrame({"Column in the export": list(raw.columns),
                          "Lead field": [mapping.columns.get(c, NOT_MAPPED) for c in raw.columns]})
    edited = st.data_editor(
        table, hide_index=True, width="stretch", key=f"evidence:mapping:{upload_id}",
        disabled=["Column in the export"],
        column_config={"Lead field": st.column_config.SelectboxColumn(
            options=options, help="Unmapped columns stay usable by criteria under their name")})
    columns = [NOT_MAPPED] + list(raw.columns)
    outcome = st.selectbox("Column that says whether a lead was won", columns,
                           index=columns.index(mapping.outcome_column)
                           if mapping.outcome_column in columns else 0,
                           format_func=lambda c: c or "(none)", key=f"evidence:outcome:{upload_id}")
    values = (raw[outcome].dropna().astype(str).value_counts().head(50).index.tolist()
              if outcome else [])
    won = st.multiselect("Values that mean won", values,
                         default=[v for v in mapping.won_values if v in values],
                         key=f"evidence:won:{upload_id}")
    still_open = st.multiselect("Values that mean the deal is still open (unknown, not lost)",
                                values, default=[v for v in mapping.open_values if v in values],
                                key=f"evidence:open:{upload_id}")
    st.caption("Leads whose value is neither won nor open count as not won.")
    if st.button("Save the mapping", key=f"evidence:save:{upload_id}"):
        chosen = Mapping(columns={row["Column in the export"]: row["Lead field"]
                                  for _, row in edited.iterrows() if row["Lead field"]},
                         outcome_column=outcome or None, won_values=won,
                         open_values=still_open)
        problems = validate(chosen, list(raw.columns))
        if problems:
            st.error("Not saved: " + "; ".join(problems))
            return
        with db() as s:
            store.update_upload_mapping(s, place.workshop_id, place.token, upload_id,
                                        chosen.to_json())
        st.rerun()


