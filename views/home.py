"""Home: the demos, the workshops this device created, joined or opened (nobody else's),
and a form to start a new one."""
import streamlit as st

from workshop import demo, store, wall
from workshop.text import escape_markdown, when
from workshop.ui.backup_panel import restore_panel
from workshop.ui.context import client_id, db, keep_to_the_turn, open_workshop
from workshop.ui.device import remembered
from workshop.ui.pages import COMMUNICATE, FACILITATOR, JOIN, MY_DRAFT
from workshop.ui.sharing import wall_url

st.title("🎯 Ideal Lead Workshop")
keep_to_the_turn()  # the device's workshops are not listed to whoever has a turn
st.markdown("Get marketing and sales to agree, in one session, on what a good lead is: "
            "each side drafts alone, the drafts are revealed side by side, the team merges "
            "them into one definition, tests it on real leads and hangs it on the wall.")

st.page_link(JOIN.path, label="Invited to a workshop? Join with its code", icon="🙋")

with db() as s:
    workshops = {w.id: w for w in store.list_workshops(s)}


def demo_card(summary: store.WorkshopSummary) -> None:
    """A demo opens as a fresh copy for each visitor (about to reveal at step 1; the finished
    one at step 4), so nothing one visitor does reaches the next; its wall page is the
    template's own, which nobody changes."""
    with db() as s:
        token = store.demo_facilitator_token(s, summary.id)
        secret = wall.wall_link(s, summary.id, token) if summary.agreed else None
    st.markdown(f"**{escape_markdown(summary.company)}**: {escape_markdown(summary.title)}  \n"
                f"Facilitator: {escape_markdown(summary.facilitator_name)} · 🧪 Demo")
    if summary.agreed:
        st.markdown("🏁 **Finished demo**: the same company after the workshop, with its "
                    "signed version 1, its figures and the one-pager.")
    else:
        st.markdown("▶️ **Demo**: three drafts done, about to be revealed. Open it and play "
                    "the facilitator.")
    st.caption("You get a copy of your own: change anything, nobody else sees it.")
    columns = st.columns(3)
    label = "Open the result" if summary.agreed else "Open"
    if columns[0].button(label, key=f"open:{summary.id}", width="stretch", type="primary"):
        try:
            with db() as s:
                copy, copy_token = demo.copy_demo(s, summary.id, client=client_id())
        except store.TooManyWorkshops as error:
            st.error(escape_markdown(str(error)))
            return
        open_workshop(copy, copy_token, COMMUNICATE if summary.agreed else FACILITATOR)
    if secret:
        columns[1].link_button("🖼️ Wall page", wall_url(secret), width="stretch")


def place_card(summary: store.WorkshopSummary, token: str, role: str) -> None:
    status = ("✅ Agreed" if summary.agreed else "🔓 Drafts revealed" if summary.revealed
              else "✏️ Drafting")
    badge = " · 🧪 your copy of the demo" if summary.is_demo else ""
    who = "facilitator" if role == "facilitator" else f"{role} participant"
    st.markdown(f"**{escape_markdown(summary.company)}**: {escape_markdown(summary.title)}  \n"
                f"You are its {who} · {status}{badge} · created "
                f"{when(summary.created_at)}")
    if st.button("Open", key=f"mine:{summary.id}:{role}", width="content"):
        page = FACILITATOR if role == "facilitator" else MY_DRAFT
        open_workshop(summary.id, token, page)


st.header("Try the demo")
for template in store.DEMO_TEMPLATES:
    if template in workshops:
        with st.container(border=True):
            demo_card(workshops[template])

st.header("Your workshops")
mine = []
with db() as s:
    for workshop_id, token in remembered():
        if workshop_id in workshops and workshop_id not in store.DEMO_TEMPLATES:
            try:
                actor = store.authenticate(s, workshop_id, token)
            except store.StoreError:
                continue
            mine.append((workshops[workshop_id], token, actor.role))
if not mine:
    st.caption("The workshops you create, join or open on this device are listed here; "
               "nobody else's are. Any other workshop opens from its own link.")
for summary, token, role in mine:
    with st.container(border=True):
        place_card(summary, token, role)

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
                                                    facilitator_name=facilitator,
                                                    client=client_id())
    except (ValueError, store.StoreError) as error:
        st.error(escape_markdown(str(error)))
    else:
        st.session_state["created"] = workshop.id
        open_workshop(workshop.id, token)

restore_panel()
