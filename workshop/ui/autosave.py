"""A text field that saves as the person types: a short pause (or leaving the field, or the
page going to the background on a phone) sends what is typed, so nothing shown is lost on a
refresh. What is typed is also kept in the tab until it is saved: a reload within the pause
tears the page down before its last save leaves, and the reloaded box sends it then.

Streamlit's own text_input/text_area hand their value over only on Enter, Ctrl+Enter or a
click elsewhere, so this is a small `st.components.v2` component with its own text box. It
sends `{"text", "base", "seq"}`: the text, the revision of the saved value it was typed over,
and a sequence number. While one save is on its way it sends nothing else (the next change
waits for the answer), so a quick second change is never refused for the first one's revision.
The page answers with the saved value and its revision, the last sequence number it handled
(`ack`) and the last it refused (`refused`): a refused change gives way to the latest value.
The status under the box says "Saved" only when the saved value is what the box shows.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import partial

import streamlit as st

from workshop.ui.context import current_place

OnSave = Callable[[str, int], bool]  # (text, base revision) -> saved; False: refused

_JS = r"""
export default function (component) {
  const { data, setStateValue, parentElement } = component;
  let s = parentElement.__autosave;
  if (!s) {
    s = parentElement.__autosave = { seq: data.seq || 0, inFlight: false, timer: null,
                                      base: data.revision, shown: data.value, reset: null };
    const label = document.createElement("label");
    label.className = "label";
    const box = document.createElement(data.multiline ? "textarea" : "input");
    box.className = "box";
    if (data.multiline) { box.rows = 3; } else { box.type = "text"; }
    const status = document.createElement("div");
    status.className = "status";
    status.setAttribute("aria-live", "polite");
    label.appendChild(document.createTextNode(data.label));
    label.appendChild(box);
    parentElement.appendChild(label);
    parentElement.appendChild(status);
    box.value = data.value;
    s.box = box; s.status = status;
    s.pending = () => box.value !== s.shown;
    // At the box's limit the browser keeps only what fits (a long paste is cut): said, so no
    // one takes the cut text for all of it.
    s.show = (text) => {
      const full = text && box.maxLength > 0 && box.value.length >= box.maxLength;
      status.textContent = full ? text + " · " + box.maxLength.toLocaleString("en")
        + " characters, the most this box holds: anything beyond them was not kept" : text;
    };
    s.send = () => {
      clearTimeout(s.timer); s.timer = null;
      if (s.inFlight || !s.pending()) { return; }
      s.inFlight = true; s.seq += 1; s.sentText = box.value; s.keep();
      s.show("Saving…");
      setStateValue("typed", { text: box.value, base: s.base, seq: s.seq });
    };
    s.later = () => { clearTimeout(s.timer); s.timer = setTimeout(s.send, s.delay); };
    // What is typed is also kept in this tab's sessionStorage until it is saved: a reload
    // right after typing tears the page down before its last save leaves, and the reloaded
    // box sends it then. Kept only over the saved value it was typed on (`shown`), or over
    // the one on its way (`sent`: a server restarted while it was saved drew the box again
    // from it, without an answer to the tab), and never beyond the tab.
    const kept = "autosave:" + data.name;
    s.keep = () => {
      const sent = s.inFlight ? s.sentText : null;
      try {
        sessionStorage.setItem(kept, JSON.stringify({ text: box.value, shown: s.shown, sent }));
      } catch (error) { /* no storage: the pause, leaving and hiding still save */ }
    };
    s.forget = () => { try { sessionStorage.removeItem(kept); } catch (error) { } };
    let left = null;
    try { left = JSON.parse(sessionStorage.getItem(kept) || "null"); } catch (error) { }
    const landed = left && (left.shown === data.value
                            || (typeof left.sent === "string" && left.sent === data.value));
    if (landed && typeof left.text === "string"
        && left.text !== data.value && left.text.length <= data.max_chars) {
      box.value = left.text;  // typed before a reload, never saved: save it now
      setTimeout(s.send, 0);
    } else {
      s.forget();
    }
    box.addEventListener("input", () => { s.keep(); s.show("Not saved yet…"); s.later(); });
    box.addEventListener("blur", s.send);
    box.addEventListener("change", s.send);
    const away = () => { if (document.visibilityState === "hidden") { s.send(); } };
    document.addEventListener("visibilitychange", away);
    window.addEventListener("pagehide", s.send);
    // Closing the tab within the pause (or while a save is on its way) ends it before the
    // save leaves, and the tab's copy dies with it: the browser asks first, as it does for
    // a form left unsent. A reload asks too; after it the box sends what the tab kept.
    const unsaved = (event) => {
      if (!s.inFlight && !s.pending()) { return; }
      s.send();
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", unsaved);
    s.cleanup = () => {
      document.removeEventListener("visibilitychange", away);
      window.removeEventListener("pagehide", s.send);
      window.removeEventListener("beforeunload", unsaved);
      clearTimeout(s.timer);
    };
  }
  const { box } = s;
  box.maxLength = data.max_chars;
  box.placeholder = data.placeholder || "";
  box.setAttribute("data-autosave", data.name);
  s.delay = data.delay_ms;
  if (s.inFlight && data.ack >= s.seq) {  // the answer to the change on its way
    s.inFlight = false;
    if (data.refused === s.seq) {           // refused: the latest saved value takes its place
      box.value = data.value;
    }
    // saved as sent (the page may have tidied it, say trimmed spaces: not sent again)
    s.shown = data.refused === s.seq ? data.value : s.sentText; s.base = data.revision;
    if (box.value === s.sentText || data.refused === s.seq) { s.forget(); } else { s.keep(); }
  } else if (!s.inFlight && !s.pending()) { // saved elsewhere meanwhile: show the latest
    // (the box lives in a shadow root: the document's active element is its host)
    const focused = (box.getRootNode().activeElement || document.activeElement) === box;
    if (box.value !== data.value && !focused) { box.value = data.value; }
    if (box.value === data.value) { s.shown = data.value; s.base = data.revision; }
  } else if (!s.inFlight && data.value === box.value) {
    s.shown = data.value; s.base = data.revision;
  }
  if (s.inFlight) { s.show("Saving…"); }
  else if (s.pending()) {  // typed meanwhile: its save is due (a rerun never delays it)
    s.show("Not saved yet…");
    if (!s.timer) { s.later(); }
  }
  else { s.show(data.value ? "✓ Saved" : ""); }
  return s.cleanup;
}
"""

_CSS = """
.label { display: flex; flex-direction: column; gap: 0.25rem;
         font-family: var(--st-font); font-size: 0.875rem; color: var(--st-text-color); }
.box { font: inherit; font-size: 1rem; color: var(--st-text-color);
       background: var(--st-secondary-background-color); border: 1px solid transparent;
       border-radius: var(--st-base-radius, 0.5rem); padding: 0.5rem 0.75rem; width: 100%;
       box-sizing: border-box; resize: vertical; }
.box:focus { outline: none; border-color: var(--st-primary-color); }
.box:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 1px; }
.status { min-height: 1.1rem; font-size: 0.8rem; opacity: 0.7; font-family: var(--st-font); }
"""

_component = st.components.v2.component("workshop_autosave_text", js=_JS, css=_CSS)
DELAY_MS = 700


def autosave_text(label: str, value: str, revision: int, key: str, on_save: OnSave, *,
                  max_chars: int, placeholder: str = "", multiline: bool = False,
                  kept_as: str | None = None) -> None:
    """A text box showing `value` (saved at `revision`) that calls `on_save(text, base)` about
    0.7 s after the last keystroke, when the field is left, or when the page is hidden.
    `on_save` returns False when it refused the change (say, stale); the box then shows the
    `value` of the next run. The label is shown as plain text, never as Markdown.
    `kept_as` names what is typed in the tab until it is saved (default: `key`): a box drawn
    under a new key on the next page (see definition_form._drawn) still finds it."""
    # What this session last handled, kept apart from the box's own state (a form may drop
    # its widgets' state to show the latest; the box must still hear the answer).
    record = st.session_state.setdefault(f"autosave:{key}", {"ack": 0, "refused": None})
    ack = record["ack"]
    shown = _component(
        key=key,
        data={"label": label, "value": value or "", "revision": int(revision), "ack": ack,
              "refused": record["refused"], "max_chars": int(max_chars),
              "placeholder": placeholder, "multiline": multiline, "delay_ms": DELAY_MS,
              "seq": ack, "name": _kept_name(kept_as or key)},
        default={"typed": None},
        on_typed_change=partial(_changed, key, on_save), height="content")
    sent = _sent_seq(shown)
    if sent > record["ack"]:
        # A change the box sent that this session never handled: after a server restart the
        # browser hands its widgets' last values to a new session, without their callbacks.
        # Saved now, unless it is what is saved (it was, before the restart: sent again with
        # the revision it was typed over, it would be refused as changed elsewhere), and the
        # page drawn again from what is saved, with the box's answer.
        if _sent_text(shown).strip() != (value or "").strip():
            _changed(key, on_save)
        record["ack"] = max(record["ack"], sent)
        st.rerun()


def _kept_name(name: str) -> str:
    """`name` under who types it, and where: a tab keeps typing for the key that typed it, in
    its workshop, and offers it to no other. A tab may open another person's link, a shared
    screen hands itself from one person to the next, and a removed person's row number can
    be given to the next one to join; none of them is offered what someone else typed."""
    place = current_place()
    who = f"{place.workshop_id}\n{place.token}" if place is not None else ""
    return f"{hashlib.sha256(who.encode()).hexdigest()[:16]}:{name}"


def last_sent(key: str) -> str | None:
    """The text the box with `key` sent last and this session has not handled yet (None:
    nothing such), for a button clicked right after typing: leaving the box to click sends
    it, and the click must not act on less. A change handled already is saved, or gave way
    to what another screen saved since: the caller reads that."""
    state = st.session_state.to_dict()
    sent = state.get(key)
    record = state.get(f"autosave:{key}")
    handled = record.get("ack", 0) if isinstance(record, dict) else 0
    return _sent_text(sent) if _sent_seq(sent) > handled else None


def _sent_change(sent: object) -> dict:
    """The change a box's state holds ({}: none, or none readable)."""
    change = sent.get("typed") if hasattr(sent, "get") else None
    return change if isinstance(change, dict) else {}


def _sent_text(sent: object) -> str:
    """The text of the change a box's state holds ("": none, or none readable)."""
    text = _sent_change(sent).get("text")
    return text if isinstance(text, str) else ""


def _sent_seq(sent: object) -> int:
    """The sequence number of the change a box's state holds (0: none, or none readable)."""
    try:
        return int(_sent_change(sent).get("seq") or 0)
    except (TypeError, ValueError):
        return 0


def _changed(key: str, on_save: OnSave) -> None:
    state = st.session_state.to_dict()
    change = _sent_change(state.get(key))
    if not isinstance(change.get("text"), str):
        return
    try:
        base = int(change.get("base") or 0)
        seq = int(change.get("seq") or 0)
    except (TypeError, ValueError):
        return
    record = state.get(f"autosave:{key}")
    saved = on_save(change["text"], base)
    if isinstance(record, dict):  # changed in place: see definition_form._store
        record["ack"] = max(record["ack"], seq)
        if not saved:
            record["refused"] = seq
