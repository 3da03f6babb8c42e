"""What each way of changing the shared definition in step 3 saves besides the definition: the
decision noted per question and the line the change log shows. Kept apart from the page, so
the room reads the same words whichever screen made the change, and tests can check them."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workshop import catalog, merge
from workshop.compare import Comparison
from workshop.definition import Definition

HAND_EDIT = "edited by hand"
TITLES = {q.key: q.title for q in catalog.QUESTIONS}


@dataclass(frozen=True)
class SharedEdit:
    """A change ready for `store.save_shared`: the new definition, the decisions after it
    (question -> how it was decided), the change log's summary and the questions it touched."""

    definition: Definition
    decisions: dict[str, str]
    summary: str
    questions: list[str]


def hand_edit(before: Definition, after: Definition, decisions: dict[str, str]) -> SharedEdit:
    """The guided form or a loaded file changed the shared definition: every question that
    now reads differently is noted as edited by hand (the others keep their decision), and the
    log names them; a save that changed no question is still logged, without names."""
    changed = merge.changed_questions(before, after)
    summary = ("Edited by hand: " + ", ".join(TITLES.get(k, k) for k in changed)
               if changed else "Edited by hand")
    return SharedEdit(after, {**decisions, **{k: HAND_EDIT for k in changed}}, summary, changed)


def row_operation(shared: Definition, decisions: dict[str, str], question: str,
                  operation: str, drafts: dict[str, Definition],
                  leads: pd.DataFrame | None = None) -> SharedEdit:
    """One question decided by a row operation (`merge.apply_operation`, on `leads`): the
    decision says how, and the log line names the question."""
    candidate, how = merge.apply_operation(shared, question, operation, drafts, leads)
    return SharedEdit(candidate, {**decisions, question: how},
                      f"{TITLES.get(question, question)}: {how}", [question])


def suggested_start(comparison: Comparison, leads: pd.DataFrame | None = None) -> SharedEdit:
    """The shared definition started from `merge.suggest` (on `leads`): each question it
    answers or leaves open is noted as suggested, with how."""
    suggested, suggestions = merge.suggest(comparison, leads)
    return SharedEdit(suggested, {s.question: f"suggested ({s.how})" for s in suggestions},
                      "Started from the suggested definition",
                      [s.question for s in suggestions])
