"""Keeping a copy of a workshop (the facilitator, step 1) and restoring one (the home screen)."""
from __future__ import annotations

import streamlit as st

from workshop import backup, store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import Place, client_id, db, link, open_workshop, visit
from workshop.ui.layout import copy_block
from workshop.ui.pages import FACILITATOR, MY_DRAFT

RESTORED = "restored"  # the last restore's new links, shown once in this browser session


def backup_download(place: Place) -> None:
    with st.expander("💾 Back up this workshop"):
        st.caption("One JSON file with everything in this workshop: drafts, the shared "
                   "definition and its history, sign-offs, versions, figures and the uploaded "
                   "leads. It holds no key or link; restoring it (on this or another server, "
                   "on SQLite or PostgreSQL) gives everyone new links. Keep it as safe as the "
                   "drafts themselves.")

        with visit(place) as ws:
            revealed = ws.is_revealed()
        if not revealed:  # the file holds every draft: nobody reads another's before the reveal
            st.info("The backup can be downloaded once the drafts are revealed: until then "
                    "it would show everyone's hidden drafts to whoever holds the file.")
            return

        def make() -> str:  # only when pressed: the file carries the uploads
            with visit(place) as ws:
                return ws(backup.export_workshop)

        with visit(place) as ws:
            name = backup.backup_filename(ws.session, place.workshop_id)
        st.download_button("Download the backup", data=make, file_name=name,
                           mime="application/json", on_click="ignore",
                           key="backup:download")


def restore_panel() -> None:
    st.header("Restore a workshop from a backup")
    restored = st.session_state.get(RESTORED)
    if restored is not None:
        _show_restored(restored)
    upload = st.file_uploader("A backup file (.json) saved with “Back up this workshop”",
                              type=["json"], key="restore:file")
    if upload is None or not st.button("Restore it as a new workshop", key="restore:go"):
        return
    try:
        with db() as s:
            result = backup.restore_workshop(s, upload.getvalue(), client=client_id())
    except (backup.BackupError, store.StoreError) as error:
        st.error(escape_markdown(str(error)))
        return
    st.session_state[RESTORED] = result
    st.rerun()


def _show_restored(restored: backup.Restored) -> None:
    st.success("The workshop is restored, with new links. Send each person their new "
               "personal link (their old ones do not open it); the facilitator's link is "
               "the first. These links are shown this once.")
    for (role, name), token in restored.people.items():
        page = FACILITATOR if role == "facilitator" else MY_DRAFT
        st.markdown(f"**{escape_markdown(name)}** · {ROLE_LABELS[role]}")
        copy_block(link(page.url_path, ws=restored.workshop_id, key=token))
    if st.button("Open the restored workshop", type="primary", key="restore:open"):
        del st.session_state[RESTORED]
        open_workshop(restored.workshop_id, restored.facilitator_token, FACILITATOR)
