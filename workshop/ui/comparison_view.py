"""Definitions side by side, question by question: the reveal in step 3 and the diff of two
versions use the same view."""
from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from workshop import catalog, compare
from workshop.charts import agreement_heatmap
from workshop.compare import STATUS_ICONS, Comparison
from workshop.definition import Definition, format_amount
from workshop.text import escape_markdown


def row_sentences(definition: Definition, question: str) -> str:
    """One question's answer as Markdown bullets (user text escaped), with its note."""
    if question == catalog.ENGAGEMENT:
        lines = [a.sentence() for a in definition.actions]
        if definition.actions or definition.threshold:
            lines.append(f"MQL threshold: {definition.threshold} points")
    else:
        lines = [f"{c.sentence()} ({c.role_phrase()})"
                 for c in definition.criteria_for(question)]
    note = definition.notes.get(question)
    text = "\n".join(f"- {escape_markdown(line)}" for line in lines) or "—"
    return text + (f"\n\n*“{escape_markdown(note)}”*" if note else "")


def _everyone(count: int) -> str:
    return {2: "both", 3: "all three"}.get(count, f"all {count}")


def _range_text(low: float, high: float, unit: str) -> str:
    if low == high:
        return format_amount(low, unit)
    if math.isinf(low) and math.isinf(high):
        return "any value"
    if math.isinf(low):
        return f"at most {format_amount(high, unit)}"
    if math.isinf(high):
        return f"at least {format_amount(low, unit)}"
    return f"{format_amount(low, unit, bare=True)} to {format_amount(high, unit)}"


def _range_rules(item: compare.FieldSpread, answering: int) -> list[str]:
    """Each draft's range rules on the field, each rule once with whose it is ('at most 20,000
    (Facilitator, Sales)'), how it counts when the rules do not all count alike; nothing when
    every draft has the same one rule, which the range all of them accept already says."""
    rule_sets = {tuple(rules) for rules in item.rules.values()}
    several = any(len(rules) > 1 for rules in item.rules.values())
    if not item.rules or (len(rule_sets) == 1 and len(item.rules) == answering
                          and not several and not item.mixed_currencies):
        return []
    whose: dict[compare.RangeRule, list[str]] = {}
    for name, rules in item.rules.items():
        for rule in rules:
            whose.setdefault(rule, []).append(name)
    roles = len({rule.role for rule in whose}) > 1
    return [f"{escape_markdown(_range_text(*rule.bounds, rule.unit))}"
            + (f", {escape_markdown(rule.role[:1].lower() + rule.role[1:])}" if roles else "")
            + f" ({escape_markdown(', '.join(names))})" for rule, names in whose.items()]


def spread_markdown(drafts: dict[str, Definition], row: compare.QuestionComparison) -> str:
    """What the drafts that answered share (✓, bold) and what only some have (with whose),
    field by field, as Markdown; empty when fewer than two answered."""
    if len(row.answered_by) < 2:
        return ""
    everyone = _everyone(len(row.answered_by))
    lines = []
    for item in compare.spread(drafts, row.question.key):
        parts = []
        if item.shared:
            parts.append("✓ " + ", ".join(f"**{escape_markdown(v)}**" for v in item.shared)
                         + f" ({everyone})")
        if item.overlap is not None:
            parts.append(f"✓ **{escape_markdown(_range_text(*item.overlap, item.unit))}** "
                         f"({everyone} accept)")
        elif item.mixed_currencies:
            parts.append("amounts in different currencies")
        elif len(item.rules) >= 2:
            parts.append("no range all of them accept")
        by_who: dict[tuple[str, ...], list[str]] = {}
        for value, who in item.some.items():
            by_who.setdefault(tuple(who), []).append(value)
        for who, values in by_who.items():
            parts.append(", ".join(escape_markdown(v) for v in values)
                         + f" (only {escape_markdown(', '.join(who))})")
        parts.extend(_range_rules(item, len(row.answered_by)))
        if item.open_by:
            parts.append(f"left open by {escape_markdown(', '.join(item.open_by))}")
        if parts:
            lines.append(f"- *{escape_markdown(item.label)}*: " + " · ".join(parts))
    return "\n".join(lines)


def score_line(comparison: Comparison) -> None:
    """The alignment score and how many questions fall in each class."""
    score_col, counts_col = st.columns([1, 3])
    score = comparison.score
    score_col.metric("Alignment score", "–" if score is None else f"{score:.0f} / 100")
    counts = comparison.counts()
    counts_col.markdown("  \n".join(
        f"{STATUS_ICONS[status]} **{count}** {status}"
        for status, count in counts.items() if count))


PHONE_WORDS = ("iphone", "android", "mobile", "ipod")
LAYOUT_KEY = "compare:layout"
PICKED_KEY = "compare:layout:picked"  # the layout the person picked, over the device's
SCREEN_KEY = "compare:screen"
PHONE, WIDE = "📱 Phone", "🖥️ Wide"
NARROW = "(max-width: 640px)"
# The page never scrolls sideways on a narrow screen: long words wrap, wide blocks shrink.
NARROW_STYLE = f"""
<style>
@media {NARROW} {{
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] {{ overflow-x: hidden; }}
  [data-testid="stMarkdownContainer"] {{ overflow-wrap: anywhere; }}
  [data-testid="stMainBlockContainer"] {{ padding-left: 0.8rem; padding-right: 0.8rem; }}
}}
.st-key-{SCREEN_KEY.replace(":", "-")} {{ display: none; }}
</style>
"""
# Tells the page whether the browser's window is narrow, once, for a browser whose user agent
# does not say it is a phone (a phone asking for the desktop site, a narrow window).
_SCREEN_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const narrow = window.matchMedia(data.query).matches;
  if (data.narrow !== narrow) { setStateValue("narrow", narrow); }
}
"""
_screen = st.components.v2.component("workshop_screen_width", js=_SCREEN_JS)


def looks_like_a_phone(user_agent: str | None, mobile_hint: str | None = None) -> bool:
    """A phone's browser says so in its user agent ("iPhone", "Android … Mobile") or, in
    Chromium, in its `Sec-CH-UA-Mobile: ?1` header."""
    agent = (user_agent or "").casefold()
    return (mobile_hint or "").strip() == "?1" or any(word in agent for word in PHONE_WORDS)


def _remember_pick() -> None:
    st.session_state[PICKED_KEY] = st.session_state[LAYOUT_KEY]


def phone_layout(presenting: bool = False) -> bool:
    """The layout switch for step 3: the phone layout (one question at a time, sentences
    instead of charts) by default on a phone's browser, the wide one elsewhere; either can be
    picked, and the pick stays. A browser that does not say it is a phone gets the phone
    layout too once it reports a narrow window. Also keeps the page from scrolling sideways on
    a narrow screen. The projector in presentation mode is always wide, without the switch."""
    st.html(NARROW_STYLE)
    if presenting:
        return False
    headers = st.context.headers
    screen = st.session_state.get(SCREEN_KEY)
    narrow = screen.get("narrow") if hasattr(screen, "get") else None
    _screen(key=SCREEN_KEY, data={"narrow": narrow, "query": NARROW}, default={"narrow": None},
            on_narrow_change=lambda: None)
    phone = narrow is True or looks_like_a_phone(headers.get("User-Agent"),
                                                 headers.get("Sec-CH-UA-Mobile"))
    st.session_state[LAYOUT_KEY] = st.session_state.get(PICKED_KEY, PHONE if phone else WIDE)
    choice = st.segmented_control(
        "Layout", [WIDE, PHONE], required=True, key=LAYOUT_KEY, on_change=_remember_pick,
        help="Phone: one question at a time and figures in sentences instead of charts.")
    return choice == PHONE


def agreement_sentences(comparison: Comparison) -> None:
    """The heatmap in words, for a narrow screen: each pair's overall similarity and the
    questions on which it is closest and furthest apart."""
    if len(comparison.drafts) < 2:
        return
    matrix = compare.pair_matrix(comparison)
    lines = []
    for pair, cells in matrix.iterrows():
        questions = cells.drop("Overall").dropna()
        if questions.empty:
            lines.append(f"- **{escape_markdown(str(pair))}**: no question both answered")
            continue
        line = f"- **{escape_markdown(str(pair))}**: {cells['Overall']:.0%} alike overall"
        if len(questions) > 1:
            line += (f"; closest on {escape_markdown(str(questions.idxmax()))} "
                     f"({questions.max():.0%}), furthest apart on "
                     f"{escape_markdown(str(questions.idxmin()))} ({questions.min():.0%})")
        lines.append(line)
    st.markdown("\n".join(lines))


def who_agrees_with_whom(comparison: Comparison) -> None:
    """The heatmap of pairs × questions, when there are at least two drafts."""
    if len(comparison.drafts) < 2:
        return
    matrix = compare.pair_matrix(comparison)
    st.plotly_chart(agreement_heatmap(matrix), config={"displayModeBar": False})
    st.caption("Each cell is how similar two drafts are on one question (100% = the same "
               "answer); a dash means one of the two left it open.")


def comparison_rows(comparison: Comparison, *, extra: dict[str, Definition] | None = None,
                    only_changed: bool = False, only: str | None = None,
                    below: Callable[[compare.QuestionComparison], None] | None = None) -> int:
    """A bordered block per question (or only the question `only`): status in words and icon,
    each draft's answer, the `extra` columns (e.g. the shared definition), then whatever
    `below` draws. Returns how many rows were drawn."""
    names = list(comparison.drafts)
    shown = 0
    for row in comparison.rows:
        if only_changed and row.status in (compare.AGREE, compare.UNANSWERED):
            continue
        if only is not None and row.question.key != only:
            continue
        shown += 1
        key = row.question.key
        with st.container(border=True):
            similarity = "" if row.similarity is None else f" · similarity {row.similarity:.0%}"
            st.markdown(f"### {STATUS_ICONS[row.status]} {row.question.title}\n"
                        f"**{row.status.capitalize()}**{similarity} · *{row.question.prompt}*")
            spread_text = spread_markdown(comparison.drafts, row)
            if spread_text:
                st.markdown(spread_text)
            columns = st.columns(len(names) + len(extra or {}))
            for column, name in zip(columns, names, strict=False):
                column.markdown(f"**{escape_markdown(name)}**")
                column.markdown(row_sentences(comparison.drafts[name], key))
            for column, (label, definition) in zip(columns[len(names):], (extra or {}).items(),
                                                   strict=True):
                column.markdown(f"**{escape_markdown(label)}**")
                column.markdown(row_sentences(definition, key))
            if below is not None:
                below(row)
    return shown


FOCUS = "compare:focus"


def one_question_at_a_time(comparison: Comparison) -> str:
    """On the shared screen: pick the question the room talks about (previous / next, or any
    from the list, which says each one's status); returns its key."""
    keys = [row.question.key for row in comparison.rows]
    status = {row.question.key: row.status for row in comparison.rows}
    titles = {row.question.key: row.question.title for row in comparison.rows}
    index = min(st.session_state.get(FOCUS, 0), len(keys) - 1)
    back, pick, on = st.columns([1, 3, 1], vertical_alignment="bottom")
    if back.button("◀ Previous question", key="focus:back", disabled=index == 0,
                   width="stretch", wrap=True):
        index -= 1
    if on.button("Next question ▶", key="focus:on", disabled=index == len(keys) - 1,
                 width="stretch", wrap=True):
        index += 1
    st.session_state[FOCUS] = index
    chosen = pick.selectbox(
        "Question on the screen", range(len(keys)), index=index, key=f"focus:pick:{index}",
        format_func=lambda i: f"{i + 1}. {STATUS_ICONS[status[keys[i]]]} {titles[keys[i]]} "
                              f"({status[keys[i]]})")
    if chosen != index:
        st.session_state[FOCUS] = chosen
        st.rerun()
    return keys[index]
