"""Join a workshop from a join link, or with the short code shown on the shared screen."""
import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import client_id, db, open_workshop
from workshop.ui.pages import MY_DRAFT

st.title("🙋 Join a workshop")
JOIN_ERRORS = (store.StoreError, ValueError)
invite = st.query_params.get("invite")

if invite:
    try:
        with db() as s:
            workshop, role = store.invite_details(s, invite)
    except store.NotFound as error:
        st.error(escape_markdown(str(error)))
        st.stop()
    st.markdown(f"**{escape_markdown(workshop.company)}**: {escape_markdown(workshop.title)}  \n"
                f"You are joining as **{ROLE_LABELS[role]}**. Your draft stays private until "
                "the facilitator reveals all drafts at once.")
    with st.form("join-invite"):
        name = st.text_input("Your name", max_chars=200, placeholder="e.g. Priya (VP Marketing)")
        joined = st.form_submit_button("Join", type="primary")
    if joined:
        try:
            with db() as s:
                workshop_id, token = store.join_with_invite(s, invite, name)
        except JOIN_ERRORS as error:
            st.error(escape_markdown(str(error)))
        else:
            open_workshop(workshop_id, token, MY_DRAFT)
    st.stop()

st.markdown("Type the code shown on the shared screen, pick your team and give your name. "
            "Nobody sees your draft until the facilitator reveals all drafts at once.")
# No team is picked for anyone: outside the form, so the Join button can say what is missing.
role = st.radio("Your team", list(store.TEAM_ROLES), format_func=ROLE_LABELS.get,
                horizontal=True, index=None, key="join:team")
with st.form("join-code"):
    code = st.text_input("Join code", max_chars=12, placeholder="e.g. KX7-42P")
    name = st.text_input("Your name", max_chars=200, placeholder="e.g. Marcus (Sales Director)")
    joined = st.form_submit_button(
        f"Join {ROLE_LABELS[role].lower()}" if role else "Join: pick your team above first",
        type="primary", disabled=role is None)
if joined and role:
    try:  # after many wrong codes from this network, a code waits its turn (seconds)
        with st.spinner("Checking the code…"), db() as s:
            workshop_id, token = store.join_with_code(s, code, role, name, client=client_id())
    except JOIN_ERRORS as error:
        st.error(escape_markdown(str(error)))
    else:
        open_workshop(workshop_id, token, MY_DRAFT)
