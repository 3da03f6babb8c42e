"""'Wrong team?': a participant moves to the other team before the reveal, with their draft."""
from __future__ import annotations

import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import Place, visit


def team_switch(place: Place, actor: store.Actor) -> None:
    others = [role for role in store.TEAM_ROLES if role != actor.role]
    if not others or actor.role not in store.TEAM_ROLES:
        return
    other = others[0]
    label = ROLE_LABELS[other]
    with st.expander(f"Wrong team? You are in {ROLE_LABELS[actor.role].lower()}"):
        st.caption(f"Until the reveal you can move to {label.lower()}; your draft comes along.")
        if st.button(f"Move me to {label.lower()}", key="draft:switch-team"):
            try:
                with visit(place) as ws:
                    ws(store.switch_team, other)
            except (ValueError, store.StoreError) as error:
                st.error(escape_markdown(str(error)))
            else:
                st.rerun()
