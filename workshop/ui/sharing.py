"""Passing the agreed definition on, in step 4: the wall link (with its QR code) and the
announcement e-mail."""
from __future__ import annotations

import hashlib

import streamlit as st

from workshop import announce, export, merge, store, versions, wall
from workshop.text import escape_markdown
from workshop.ui.context import Place, link, visit
from workshop.ui.invitations import qr_png
from workshop.ui.layout import copy_block
from workshop.ui.pages import WALL


def wall_url(secret: str) -> str:
    return link(WALL.url_path, w=secret)


def wall_panel(place: Place, actor: store.Actor, secret: str | None) -> None:
    """The link anyone in the company can open to read the agreed definition; the facilitator
    creates, replaces or stops it."""
    st.caption("A read-only page with the latest signed version, its signatures and figures: "
               "anyone with the link can read it and download the one-pager, nobody can "
               "change anything. It follows new versions by itself.")
    if secret is None:
        if not actor.is_facilitator:
            st.info("The facilitator has not shared a wall link yet.")
            return
        if st.button("🔗 Create the wall link", type="primary"):
            _change(place, wall.share)
        return
    url = wall_url(secret)
    code, qr = st.columns([3, 1])
    with code:
        copy_block(url)
        st.link_button("🖼️ Open the wall page", url)  # a new tab, with no key of this one
        if actor.is_facilitator:
            # Keyed by the link shown: a click on a screen drawn before another screen made a
            # new link never replaces or stops that one, unseen.
            shown = hashlib.sha256(secret.encode()).hexdigest()[:12]
            replace, stop = st.columns(2)
            if replace.button("Replace the link", help="The old link stops working.",
                              width="stretch", key=f"wall:replace:{shown}"):
                _change(place, wall.share, replace=True)
            if stop.button("Stop sharing", help="The link stops working.", width="stretch",
                           key=f"wall:stop:{shown}"):
                _change(place, wall.stop_sharing)
    qr.image(qr_png(url), width=160, caption="Scan to open the wall page")


NO_QR = ("The PDF and PNG below will have **no QR code**: there is no wall link yet, and the "
         "poster's QR code opens the wall page.")


def poster_qr_notice(place: Place, actor: store.Actor, signed: bool,
                     secret: str | None) -> None:
    """Said before the downloads, never found out on the wall: without a wall link the poster
    has no QR code. The facilitator can create the link right here, first."""
    if secret is not None:
        return
    if not signed:
        st.info(NO_QR + " The wall link exists once a version is signed.")
        return
    if not actor.is_facilitator:
        st.info(NO_QR + " Ask the facilitator to create the wall link first.")
        return
    st.warning(NO_QR + " Create the link first, then download the poster.")
    if st.button("🔳 Put a QR code on the poster: create the wall link", type="primary",
                 key="poster:create-wall-link"):
        _change(place, wall.share)


def _change(place: Place, action, **kwargs) -> None:
    try:
        with visit(place) as ws:
            ws(action, **kwargs)
    except (ValueError, store.StoreError) as error:
        st.error(escape_markdown(str(error)))
        return
    st.rerun()


def announcement_panel(place: Place, page: export.OnePager, agreed: wall.Agreed,
                       previous: versions.VersionInfo | None, secret: str | None) -> None:
    """The e-mail announcing the signed version: copy it, open it in a mail program, or save
    it as text."""
    with visit(place) as ws:
        people = ws(store.revealed_people)
    drafts = merge.drafts_by_team([(p.role, p.label, p.definition) for p in people], {})
    mail = announce.announcement(
        page, agreed.definition, team_drafts=drafts,
        previous=previous.definition if previous else None,
        previous_number=previous.number if previous else None,
        wall_url=wall_url(secret) if secret else None)
    st.caption("What was agreed and what changes for each team compared with its own draft"
               + (f", and what changed since version {previous.number}" if previous else "")
               + ". Copy it with the button at its top right, or open it in your e-mail "
               "program (some cut very long links: if the text arrives cut, paste it).")
    copy_block(f"Subject: {mail.subject}")
    st.code(mail.body, language=None, wrap_lines=True, height=360)
    columns = st.columns(4)
    columns[0].link_button("✉️ Open in your e-mail program", mail.mailto(), width="stretch")
    columns[1].download_button("⬇️ As a text file", data=mail.text().encode(),
                               file_name=f"ideal-lead-{place.workshop_id}-v{agreed.number}"
                               "-announcement.txt", mime="text/plain", width="stretch",
                               on_click="ignore")
