"""Step 4: the agreed definition on one page, to share, print and hang on the wall."""
import streamlit as st

from workshop import export, pdf, store, versions
from workshop.formats import FORMATS, render
from workshop.mapping import Mapping
from workshop.text import escape_markdown
from workshop.ui.context import STEP_PAGES, db, require_workshop, step_header

place, workshop, actor = require_workshop()
step_header(workshop, place, 4, actor)
st.title("Step 4 · Communicate the agreed definition")

with db() as s:
    if not store.is_revealed(s, place.workshop_id):
        st.info("The shared definition is built in step 3, after the reveal.")
        st.page_link(STEP_PAGES[3][0], label="Go to step 3 →", query_params=place.params)
        st.stop()
    shared = store.shared_state(s, place.workshop_id, place.token)
    signed = versions.versions(s, place.workshop_id, place.token)
    taken = versions.measurements(s, place.workshop_id, place.token)

latest = signed[-1] if signed else None
if latest is not None and latest.reopened_at is None:
    definition, number = latest.definition, latest.number
    measured = next((m for m in reversed(taken) if m.version_number == number), None)
    agreed_by = [f"{s['name']} ({s['team']})" for s in latest.signatories]
    agreed_at = latest.signed_at
else:
    st.warning("This is a preview of the shared definition as it stands: nobody has signed it "
               "yet. Propose it for sign-off at the end of step 3.")
    definition, number, agreed_by, agreed_at = shared.definition, None, [], None
    measured = None

page = export.one_pager(definition, company=workshop.company, title=workshop.title,
                        facilitator=workshop.facilitator_name, agreed_by=agreed_by,
                        agreed_at=agreed_at, version=number, measured=measured)
base_name = f"ideal-lead-{workshop.id}"


@st.cache_data(max_entries=32, show_spinner="Laying out the page for print…")
def fitted(key: str, paper: str, _page: export.OnePager) -> pdf.Fitted:
    """Cached by the page's content and the paper: laying out a PDF takes a second or more."""
    return pdf.to_pdf(_page, paper)


@st.cache_data(max_entries=32, show_spinner=False)
def png(key: str, paper: str, _page: export.OnePager) -> bytes:
    return pdf.to_png(fitted(key, paper, _page))


paper = st.segmented_control("Paper", ["A4", "Letter"], default="A4", required=True,
                             key="communicate:paper")
try:
    printed = fitted(repr(page), paper, page)
except pdf.PdfUnavailable as error:
    printed = None
    st.warning(str(error))
if printed is not None and printed.message:
    st.info(printed.message)
columns = st.columns(4)
if printed is not None:
    columns[0].download_button(f"⬇️ PDF ({paper})", data=printed.pdf,
                               file_name=f"{base_name}.pdf", mime="application/pdf",
                               width="stretch", type="primary")
    columns[1].download_button("⬇️ PNG image", data=lambda: png(repr(page), paper, page),
                               file_name=f"{base_name}.png", mime="image/png",
                               width="stretch")
columns[2].download_button("⬇️ HTML page", data=lambda: export.to_html(page),
                           file_name=f"{base_name}.html", mime="text/html", width="stretch")
columns[3].download_button("⬇️ Markdown", data=lambda: export.to_markdown(page),
                           file_name=f"{base_name}.md", mime="text/markdown", width="stretch")
st.subheader("Rules RevOps can run")
with db() as s:
    upload = store.current_upload(s, place.workshop_id, place.token)
columns_of = {}
if upload is not None:  # the SQL names the columns as the workshop's export does
    columns_of = {key: header for header, key in Mapping.from_json(upload.mapping_json)
                  .columns.items() if key}
st.caption("The definition as JSON (imports back to exactly this definition), as SQL giving "
           "every lead its stage and points"
           + (f" (with the column names of {escape_markdown(upload.filename)})" if upload
              else "") + ", and as a points table for a CRM's lead scoring.")
rule_columns = st.columns(4)
for column, (fmt, label) in zip(rule_columns, (("json", "⬇️ Definition JSON"),
                                                ("sql", "⬇️ SQL"),
                                                ("points", "⬇️ Points table (CSV)")),
                                strict=False):
    extension, mime = FORMATS[fmt]
    column.download_button(
        label, data=lambda fmt=fmt: render(definition, fmt, page, columns=columns_of).data,
        file_name=f"{base_name}.{extension}", mime=mime, width="stretch", key=f"rules:{fmt}")
with st.container(border=True):
    st.markdown(export.to_markdown(page))
