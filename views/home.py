"""Home: the workshops on this server and a form to start a new one."""
import streamlit as st

from workshop import store
from workshop.text import escape_markdown
from workshop.ui.context import JOIN, db, open_workshop

st.title("🎯 Ideal Lead Workshop")
st.markdown("Get marketing and sales to agree, in one session, on what a good lead is: "
            "each side drafts alone, the drafts are revealed side by side, the team merges "
            "them into one definition, tests it on real leads and hangs it on the wall.")

st.page_link(JOIN, label="Invited to a workshop? Join with its code", icon="🙋")

with db() as s:
    workshops = store.list_workshops(s)

st.header("Workshops")
for summary in workshops:
    with st.container(border=True):
        text, action = st.columns([5, 1], vertical_alignment="center")
        status = ("✅ Agreed" if summary.agreed else "🔓 Drafts revealed" if summary.revealed
                  else "✏️ Drafting")
        badge = " · 🧪 Demo" if summary.is_demo else ""
        text.markdown(f"**{escape_markdown(summary.company)}**: "
                      f"{escape_markdown(summary.title)}  \n"
                      f"Facilitator: {escape_markdown(summary.facilitator_name)} · "
                      f"{status}{badge} · created {summary.created_at:%d %b %Y}")
        if not summary.is_demo:
            action.caption("🔒 Opens from its facilitator link")
        elif action.button("Open", key=f"open:{summary.id}", width="stretch", type="primary"):
            with db() as s:
                open_workshop(summary.id, store.demo_facilitator_token(s, summary.id))

st.header("Start a new workshop")
with st.form("new-workshop", clear_on_submit=False):
    company = st.text_input("Company name", max_chars=200, placeholder="e.g. Acme Analytics")
    title = st.text_input("Workshop title", max_chars=200,
                          placeholder="e.g. What is a good lead? Q1 leadership session")
    facilitator = st.text_input("Facilitator's name", max_chars=200,
                                placeholder="e.g. Sam Lee (CEO)")
    submitted = st.form_submit_button("Create workshop", type="primary")
if submitted:
    try:
        with db() as s:
            workshop, token = store.create_workshop(s, company=company, title=title,
                                                    facilitator_name=facilitator)
    except ValueError as error:
        st.error(str(error))
    else:
        st.session_state["created"] = workshop.id
        open_workshop(workshop.id, token)
