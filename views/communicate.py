"""Step 4: the agreed definition on one page, to share, print and hang on the wall."""
import streamlit as st

from workshop import export, store, versions, wall
from workshop.evaluate import export_headers
from workshop.formats import FORMATS, render
from workshop.rules import sql_refusal
from workshop.text import escape_markdown
from workshop.ui.context import require_workshop, step_header, visit
from workshop.ui.downloads import one_pager_downloads
from workshop.ui.layout import one_pager_box
from workshop.ui.leads_source import no_leads_yet, workshop_leads
from workshop.ui.pages import COMMUNICATE, COMPARE, HISTORY
from workshop.ui.sharing import announcement_panel, poster_qr_notice, wall_panel, wall_url

place, workshop, actor = require_workshop()
step_header(workshop, place, COMMUNICATE, actor)
st.title("Step 4 · Communicate the agreed definition")

with visit(place) as ws:
    if not ws.is_revealed():
        st.info("The shared definition is built in step 3, after the reveal.")
        st.page_link(COMPARE.path, label="Go to step 3 →", query_params=place.params)
        st.stop()
    shared = ws(store.shared_state)
    signed = ws(versions.versions)
    agreed = ws(wall.agreed_for)  # the wall page's version: both show the same one-pager
    secret = ws(wall.wall_link)
    noted = {q: p.note for q, p in ws(versions.discussion).items()}

if agreed is not None and not agreed.being_revised:
    # As signed: a decision note changed since goes into the next version.
    page = agreed.page(wall_url(secret) if secret else "")
    definition, number, measured = agreed.definition, agreed.number, agreed.measured
else:
    if agreed is not None:
        st.warning(f"Version {agreed.number} is reopened: this is a preview of version "
                   f"{agreed.number + 1} as it stands, not signed yet. The wall page still "
                   f"shows version {agreed.number}.")
    else:
        st.warning("This is a preview of the shared definition as it stands: nobody has "
                   "signed it yet. Propose it for sign-off at the end of step 3.")
    definition, number, measured = shared.definition, None, None
    page = export.one_pager(definition, company=workshop.company, title=workshop.title,
                            facilitator=workshop.facilitator_name, agreed_by=[],
                            agreed_at=None, version=None, measured=None, link="",
                            decisions=noted)
with visit(place) as ws:
    upload = ws(store.current_upload)
if number is not None and measured is None and upload is None:
    no_leads_yet(place, actor.is_facilitator, "figures on the one-pager")
    if actor.is_facilitator:
        st.caption(f"Once an export is uploaded, open *Versions and measurements* to measure "
                   f"version {number} on it; the one-pager then carries its figures.")
elif number is not None and measured is None:  # uploaded, not measured yet
    if actor.is_facilitator:
        st.info(f"No figures on the one-pager yet: measure version {number} on "
                f"{escape_markdown(upload.filename)} under *Versions and measurements*, and "
                "the one-pager carries them.")
        st.page_link(HISTORY.path, label="Measure it →", icon=HISTORY.icon,
                     query_params=place.params)
    else:
        st.info(f"No figures on the one-pager yet: the facilitator measures version {number} "
                "on the company's export.")
base_name = f"ideal-lead-{workshop.id}"
poster_qr_notice(place, actor, number is not None, secret if number is not None else None)
one_pager_downloads(page, base_name, "communicate")
st.subheader("Rules RevOps can run")
columns_of = {}
leads_of = mapping_of = None
if upload is not None:  # the SQL names and reads the columns as the workshop's export has them
    source = workshop_leads(place)
    if source is not None:
        leads_of, mapping_of = source.leads, source.mapping
        columns_of = export_headers(source.leads, definition)
st.caption("The definition as JSON (imports back to exactly this definition), as SQL giving "
           "every lead its stage and points"
           + (f" (with the column names of {escape_markdown(upload.filename)})" if upload
              else "") + ", and as a points table for a CRM's lead scoring.")
refused = sql_refusal(definition, leads_of, mapping_of)
if refused:
    st.caption(f"SQL: {escape_markdown(refused)}")
rule_columns = st.columns(4)
for column, (fmt, label) in zip(rule_columns, (("json", "⬇️ Definition JSON"),
                                                ("sql", "⬇️ SQL"),
                                                ("points", "⬇️ Points table (CSV)")),
                                strict=False):
    extension, mime = FORMATS[fmt]
    column.download_button(
        label, data=lambda fmt=fmt: render(definition, fmt, page, columns=columns_of,
                                           leads=leads_of, mapping=mapping_of).data,
        file_name=f"{base_name}.{extension}", mime=mime, width="stretch", key=f"rules:{fmt}",
        on_click="ignore")
if agreed is not None:
    st.subheader("The wall page")
    wall_panel(place, actor, secret)
    if not agreed.being_revised:
        st.subheader("Announce it")
        announcement_panel(place, page, agreed, signed[-2] if len(signed) > 1 else None,
                           secret)
st.subheader("The one-pager")
one_pager_box(page)
