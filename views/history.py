"""Versions and measurements: every signed version, the diff of any two, reopening, and how the
current version performs on a fresh export compared with when it was agreed."""
import streamlit as st

from workshop import compare, store, versions
from workshop.charts import measurement_chart
from workshop.measure import (
    Figures,
    compared_leads,
    comparison_table,
    left_out_sentence,
    no_newer_sentence,
    period_caveats,
    volume_sentence,
    win_caveats,
)
from workshop.money import currency_mismatch
from workshop.preview import none_qualified_sentence
from workshop.text import BLANK, escape_markdown
from workshop.ui.comparison_view import comparison_rows, score_line
from workshop.ui.context import require_workshop, step_header, visit
from workshop.ui.evidence_panels import measurement_now
from workshop.ui.leads_source import no_leads_yet, workshop_leads
from workshop.ui.pages import COMPARE, EVIDENCE, HISTORY
from workshop.version_tables import (
    measurements_frame,
    measurements_table,
    short_period_notes,
    versions_table,
)

place, workshop, actor = require_workshop()
step_header(workshop, place, HISTORY, actor)
st.title("Versions and measurements")

try:
    with visit(place) as ws:
        signed = ws(versions.versions)
except store.Locked:
    st.info("Versions are shared once the drafts are revealed.")
    st.stop()

if not signed:
    st.info("Nothing is signed yet. In step 3 the facilitator proposes the shared definition "
            "and each team signs it; it then becomes version 1.")
    st.page_link(COMPARE.path, label="Go to step 3 →", query_params=place.params)
    st.stop()


latest = signed[-1]
st.dataframe(versions_table(signed), hide_index=True, width="stretch", placeholder=BLANK,
    column_config={"Wins caught": st.column_config.NumberColumn(format="percent")})

if latest.reopened_at is not None:
    st.info(f"Version {latest.number + 1} is being drafted in step 3, starting from version "
            f"{latest.number}.")
    st.page_link(COMPARE.path, label="Go to step 3 →", query_params=place.params)
elif actor.is_facilitator and st.button(
        f"✏️ Reopen version {latest.number} to draft version {latest.number + 1}",
        key="history:reopen"):
    try:
        with visit(place) as ws:
            ws(versions.reopen)
    except (store.StoreError, ValueError) as error:
        st.warning(escape_markdown(str(error)))
    else:
        st.switch_page(COMPARE.path, query_params=place.params)

st.header("What changed between two versions")
if len(signed) < 2:
    st.caption("With a second version, any two can be compared here, question by question.")
else:
    numbers = [v.number for v in signed]
    left, right = st.columns(2)
    first = left.selectbox("From version", numbers, index=len(numbers) - 2, key="history:a")
    second = right.selectbox("To version", numbers, index=len(numbers) - 1, key="history:b")
    by_number = {v.number: v.definition for v in signed}
    if first == second:
        st.info(f"Both sides are version {first}, the same version: choose two different "
                "versions to see what changed.")
    else:
        diff = compare.compare({f"Version {first}": by_number[first],
                                f"Version {second}": by_number[second]})
        score_line(diff)
        only_changed = st.toggle("Only the questions that changed", value=True,
                                 key="history:only")
        if not comparison_rows(diff, only_changed=only_changed):
            st.success("These two versions give the same answer to every question.")

st.header(f"How version {latest.number} performs now")
source = workshop_leads(place)
with visit(place) as ws:
    taken = ws(versions.measurements)
if source is None:
    no_leads_yet(place, actor.is_facilitator, "measurement")
else:
    now, newer = measurement_now(source, latest.definition, latest.figures)
    st.markdown(f"On **{escape_markdown(source.label)}**. To check it against fresh leads, "
                "upload a new export on the evidence page.")
    st.page_link(EVIDENCE.path, label="Upload a fresh CRM export →", icon="📊",
                 query_params=place.params)
    if not isinstance(now, Figures):
        st.warning(f"No figures on these leads. {escape_markdown(now)}")
    else:
        sha = source.upload.sha256 if source.upload else ""
        earlier = versions.earlier_look(taken, latest.number, names=(source.name, source.label),
                                        sha256=sha, figures=now)
        if actor.is_facilitator and earlier is None:
            with visit(place) as ws:  # every export a version is looked at against is kept
                ws(versions.record_measurement, version_number=latest.number, figures=now,
                   source=source.name, sha256=sha)
                taken = ws(versions.measurements)
        elif actor.is_facilitator and not earlier.at_signoff and earlier.figures != now:
            with visit(place) as ws:  # the same export, its mapping corrected since
                ws(versions.correct_measurement, earlier.id, figures=now)
                taken = ws(versions.measurements)
        st.dataframe(comparison_table(latest.figures, now), hide_index=True, width="stretch",
                     placeholder=BLANK)
        measured = {"when agreed": latest.figures, "now": now}
        st.caption(escape_markdown(compared_leads(measured)))
        if left_out := left_out_sentence(newer, latest.number):
            st.caption(escape_markdown(left_out))
        elif same := no_newer_sentence(newer, latest.figures, latest.number):
            st.caption(escape_markdown(same))
        if now.qualified_per_month is None:
            st.caption(escape_markdown(volume_sentence(now)))
        for caveat in period_caveats(measured) + win_caveats(measured):
            st.caption(escape_markdown(caveat))
        amounts = {c.currency_code for c in latest.definition.criteria if c.is_money}
        if mismatch := currency_mismatch({f"Version {latest.number}": amounts},
                                         source.currency):
            st.warning(escape_markdown(mismatch))
        if now.qualified == 0 and (why := none_qualified_sentence(newer.leads,
                                                                  latest.definition)):
            st.warning(escape_markdown(why))
        if latest.figures is None:
            st.caption("No figures were measured when this version was signed.")

if taken:
    st.subheader("Every measurement so far")
    st.plotly_chart(measurement_chart(measurements_frame(taken)),
                    config={"displayModeBar": False})
    st.dataframe(measurements_table(taken), hide_index=True, width="stretch",
        placeholder=BLANK,
        column_config={"Wins caught": st.column_config.NumberColumn(format="percent")})
    for note in short_period_notes(taken):
        st.caption(escape_markdown(note))
