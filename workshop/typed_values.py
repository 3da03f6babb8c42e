"""Values typed into a criterion that no lead has: said in a sentence, with the nearest value
as a suggestion ("“Helthcare” matches no lead in your export; did you mean Healthcare?").

Values compare as the rules do (workshop/evaluate.py's `named_folds`: case, spaces, `_` and `-`
ignored, and on a catalog category the other names of an option), so "health care" is
Healthcare and "USA" is United States, and neither gets a warning."""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from workshop.evaluate import CHOICES, fold_value, named_folds


@dataclass(frozen=True)
class Unmatched:
    value: str
    suggestion: str | None  # the nearest known value, if one is close

    def sentence(self, from_export: bool, subject: str = "", listed: int | None = None) -> str:
        """'“Helthcare” matches no lead in your export; did you mean Healthcare?'. `listed`:
        the export's values were only its `listed` most common (the rest unknown here);
        without an export, the catalog's usual values for `subject`."""
        if not from_export:
            where = f"is not one of the usual values{f' for {subject}' if subject else ''}"
        elif listed is not None:
            where = f"is not among the {listed:,} most common values in your export"
        else:
            where = "matches no lead in your export"
        hint = f"; did you mean {self.suggestion}?" if self.suggestion else "."
        return f"“{self.value}” {where}{hint}"


def unmatched(typed: Iterable[str], known: Iterable[str], column: str = "") -> list[Unmatched]:
    """The `typed` values that match none of `known` as a rule on `column` would, each with its
    nearest known value (difflib, on the folded forms). Nothing is reported when nothing is
    known."""
    by_fold: dict[str, str] = {}
    for value in known:
        by_fold.setdefault(fold_value(value), str(value))
    if not by_fold:
        return []
    found = []
    for value in typed:
        folded = fold_value(value)
        if not folded or named_folds([value], column) & by_fold.keys():
            continue
        parts = [part for part in str(value).split(CHOICES) if part.strip()]
        if len(parts) > 1 and all(named_folds([part], column) & by_fold.keys()
                                  for part in parts):
            continue  # a cell of several choices ("Software;Retail"), each one a lead's
        near = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.75)
        found.append(Unmatched(str(value), by_fold[near[0]] if near else None))
    return found
