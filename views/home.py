"""Home: the workshops on this server and a form to start a new one."""
import streamlit as st

from workshop import store, wall
from workshop.text import escape_markdown
from workshop.ui.backup_panel import restore_panel
from workshop.ui.context import JOIN, STEP_PAGES, client_id, db, open_workshop
from workshop.ui.sharing import wall_url

st.title("🎯 Ideal Lead Workshop")
st.markdown("Get marketing and sales to agree, in one session, on what a good lead is: "
            "each side drafts alone, the drafts are revealed side by side, the team merges "
            "them into one definition, tests it on real leads and hangs it on the wall.")

st.page_link(JOIN, label="Invited to a workshop? Join with its code", icon="🙋")

with db() as s:
    workshops = store.list_workshops(s)



def demo_card(summary: store.WorkshopSummary) -> None:
    """A demo opens for anyone: about to reveal at step 1; the finished one at step 4, with its
    wall page."""
    with db() as s:
        token = store.demo_facilitator_token(s, summary.id)
        secret = wall.wall_link(s, summary.id, token) if summary.agreed else None
    if summary.agreed:
        st.markdown("🏁 **Finished demo**: the same company after the workshop, with its "
                    "signed version 1, its figures and the one-pager.")
    else:
        st.markdown("▶️ **Demo**: three drafts done, about to be revealed. Open it and play "
                    "the facilitator.")
    columns = st.columns(3)
    if summary.agreed:
        if columns[0].button("Open the result", key=f"open:{summary.id}", width="stretch",
                             type="primary"):
            open_workshop(summary.id, token, STEP_PAGES[4][0])
        if secret:
            columns[1].link_button("🖼️ Wall page", wall_url(secret), width="stretch")
    elif columns[0].button("Open", key=f"open:{summary.id}", width="stretch", type="primary"):
        open_workshop(summary.id, token)


st.header("Workshops")
for summary in workshops:
    with st.container(border=True):
        status = ("✅ Agreed" if summary.agreed else "🔓 Drafts revealed" if summary.revealed
                  else "✏️ Drafting")
        badge = " · 🧪 Demo" if summary.is_demo else ""
        st.markdown(f"**{escape_markdown(summary.company)}**: "
                    f"{escape_markdown(summary.title)}  \n"
                    f"Facilitator: {escape_markdown(summary.facilitator_name)} · "
                    f"{status}{badge} · created {summary.created_at:%d %b %Y}")
        if summary.is_demo:
            demo_card(summary)
        else:
            st.caption("🔒 Opens from its facilitator link")

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
    except (ValueError, store.TooManyWorkshops) as error:
        st.error(str(error))
    else:
        st.session_state["created"] = workshop.id
        open_workshop(workshop.id, token)

restore_panel()
