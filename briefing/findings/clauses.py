"""Which date of a sentence dates its event: the parse's arcs read for the main clause, and quotations.

The timeline lists a sentence under the date of the event it reports. A date in a relative clause
or qualifying a noun is background ("the rage ignited by the shooting on Aug. 9"); a weekday inside
a quotation is the speaker's. These read the NLP pass's frozen data (``Figure.path``) and the
article's text, never a parse object.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefing.models import Arc, Figure
from briefing.text import MONTHS

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# A date qualifies a noun when an arc on its way up the parse has a noun for head, directly
# ("the August 9 death", "the shooting on Aug. 9") or through a clause ("the protests that
# rocked that city in 1999", "a poll released Friday"). Such a date is background to the
# sentence's event unless the noun frames that event: it is the main verb's subject ("Thursday's
# ruling provides", "Documents released on Friday showed"; not a relative clause on a name,
# "Jackson, who resigned in November, used ...", nor the subject of "be", "Two mosques, founded
# in 1970, are ..."), it sits in one of _FRAMING's phrases under a verb ("said in a statement
# Friday", "at a news conference Friday", "in an interview that aired Wednesday night"), or it is
# the verb's object with the date hung on it as an adverb would be ("declared an emergency on
# Friday", "rebuffed calls late Monday": the parser's attachment, not a qualifier).
# Elsewhere it is background: "unrest since the August 9 death", "set a May 1 deadline",
# "accused Republicans of exploiting the Sept. 11 attacks". Read off the dates these rules drop
# on the 25 basil stories (bench/timeline.py measures the result).
_NOUN_CLAUSES = frozenset({"relcl", "acl"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_FRAMING = frozenset({"in", "at", "during", "on"})
# How a date attaches to a noun when it dates the noun's verb rather than the noun itself.
_ADVERBIAL = frozenset({"prep", "npadvmod"})
_COPULAS = frozenset({"be", "is", "are", "was", "were", "been", "'s", "’s"})
# Heads that belong to the date itself: the parser often splits "Sunday afternoon" or "Monday,
# Aug. 17" into a date and its head, two entities.
_TIME_WORDS = frozenset(
    {"morning", "afternoon", "evening", "night", "day", "week", "weekend", "month", "year", "noon"}
    | set(_WEEKDAYS)
    | set(MONTHS)
)


def present_state(figure: Figure | None) -> bool:
    """Whether a date's verb is a present "is" or "are": "There are overlaps in Russia's moves
    in 1996", "In 2021, Russia is an active participant" compare or describe, and happened on
    no day of their own (a weekday stays: "The vote is Thursday")."""
    verb = next((arc for arc in figure.path if _verb(arc)), None) if figure is not None else None
    return verb is not None and verb.head in ("VBZ", "VBP") and verb.word in _COPULAS


def quoted(text: str, at: int) -> bool:
    """Whether offset ``at`` lies inside a quotation opened in its paragraph (news reopens a
    quotation at each paragraph it runs on, so a paragraph is the scope)."""
    inside = False
    for char in text[text.rfind("\n", 0, at) + 1 : at]:
        if char == "“":
            inside = True
        elif char == "”":
            inside = False
        elif char == '"':
            inside = not inside
    return inside


def main_clause(path: Sequence[Arc]) -> bool:
    """Whether a date whose arcs up the parse are ``path`` dates its sentence's main event: it
    hangs on a verb, directly or through a noun that frames the event (see _NOUN_CLAUSES). A
    date under a verb of saying ("said the suspect was arrested Friday") or in an adverbial
    clause counts: the sentence reports that event."""
    for n, arc in enumerate(path):
        if arc.word in _TIME_WORDS and arc.head.startswith("NN"):
            continue
        if arc.dep in _NOUN_CLAUSES or arc.head.startswith("NN"):
            via = path[n - 1].word if n and arc.dep == "prep" else ""
            if not _frames(arc.dep, via, path[n + 1 :]):
                return False
    return True


def _frames(kind: str, via: str, rest: Sequence[Arc]) -> bool:
    """Whether a noun that a date qualifies by the arc ``kind`` (through the preposition
    ``via``), and whose own arcs up are ``rest``, frames its sentence's event."""
    if not rest:  # a sentence without a verb: "Ryan's speech on Thursday"
        return kind in _ADVERBIAL
    up = rest[0]
    if up.dep == "pobj":
        above = rest[1] if len(rest) >= 2 else None
        return up.word in _FRAMING and above is not None and above.dep == "prep" and _verb(above)
    if up.dep in _SUBJECTS and _verb(up):
        return kind != "relcl" and up.word not in _COPULAS
    if up.dep == "dobj" and _verb(up):
        # "declared a national emergency on Friday", "rebuffed calls late Monday": the parser
        # hangs the verb's date on its object; "set a May 1 deadline" qualifies the object.
        return kind == "npadvmod" or (kind == "prep" and via in _FRAMING)
    return False


def _verb(arc: Arc) -> bool:
    return arc.head.startswith(("VB", "MD"))
