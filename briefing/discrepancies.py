"""Where outlets disagree: statements that share their wording but not their figures or dates.

Figures are compared by what they count ("nine years" and "10-year" are both years; calendar
years with calendar years); days of a month, decades and "9/11" are not figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from briefing.models import Alignment, Discrepancy, Passage, Statement
from briefing.text import numbers, words

# Discrepancy: two outlets' sentences that share this much IDF weight (of the lighter one)...
DISCREPANCY_OVERLAP = 0.3
# ... or share a word this rare (in at most this many passages) and DISCREPANCY_MIN_OVERLAP.
DISCREPANCY_RARE_DF = 4
DISCREPANCY_MIN_OVERLAP = 0.12
# ... or count the same thing ("nine years" / "10-year") and share this much.
DISCREPANCY_UNIT_OVERLAP = 0.18
MAX_DISCREPANCIES = 8
# Two outlets giving one figure differently stay close ("more than nine years" / "10-year",
# 1999 / 2000); a count ten times another ("102 years" / "10-year war"), or dates decades apart,
# are different things that share a unit.
MAX_FIGURE_RATIO = 3.0
MAX_YEAR_GAP = 5
# A statement may disagree with several others, but is listed at most this often.
DISCREPANCY_REUSE = 2
# The index behind the comparison: stems in at most this many passages, and each passage is
# compared with at most this many others per stem.
DISCREPANCY_INDEX_DF = 50
DISCREPANCY_FANOUT = 50


def find_discrepancies(alignment: Alignment) -> tuple[Discrepancy, ...]:
    """Sentences of different outlets that report one thing with different figures or dates."""
    parsed = {p.id: words(p.text) for p in alignment.passages}
    df: Counter[str] = Counter()
    for w in parsed.values():
        df.update(set(w.stems))
    n = max(1, len(parsed))

    def idf(token: str) -> float:
        return math.log((n + 1) / (df[token] + 0.5))

    figured = [p for p in alignment.passages if _kinds(p.text)]
    # Pairs to compare come from an index of rare stems (as in alignment): two statements of
    # one fact share a rare word, and comparing every pair would be quadratic.
    postings: dict[str, list[int]] = defaultdict(list)
    for n_index, p in enumerate(figured):
        for token in set(parsed[p.id].stems):
            if df[token] <= DISCREPANCY_INDEX_DF:
                postings[token].append(n_index)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        for x, i in enumerate(members):
            for j in members[x + 1 : x + 1 + DISCREPANCY_FANOUT]:
                pairs.add((i, j))
    found: list[tuple[float, Passage, Passage]] = []
    for i, j in sorted(pairs):
        a, b = figured[i], figured[j]
        if a.outlet == b.outlet:
            continue
        kinds_a = _kinds(a.text)
        kinds_b = _kinds(b.text)
        clash = [
            k
            for k in kinds_a.keys() & kinds_b.keys()
            if not kinds_a[k] & kinds_b[k] and _comparable(k, kinds_a[k], kinds_b[k])
        ]
        if not clash:
            continue
        stems_a = set(parsed[a.id].stems)
        stems_b = set(parsed[b.id].stems)
        shared = stems_a & stems_b
        overlap = sum(idf(t) for t in shared) / min(
            sum(idf(t) for t in stems_a), sum(idf(t) for t in stems_b)
        )
        rare = any(df[t] <= DISCREPANCY_RARE_DF for t in shared)
        counted = any(kind != "calendar year" for kind in clash)
        if (
            overlap >= DISCREPANCY_OVERLAP
            or (rare and overlap >= DISCREPANCY_MIN_OVERLAP)
            or (counted and overlap >= DISCREPANCY_UNIT_OVERLAP)
        ):
            found.append((overlap, a, b))
    found.sort(key=lambda oab: (-oab[0], oab[1].id, oab[2].id))
    result: list[Discrepancy] = []
    used: Counter[str] = Counter()
    for overlap, a, b in found:
        if used[a.id] >= DISCREPANCY_REUSE or used[b.id] >= DISCREPANCY_REUSE:
            continue
        used.update((a.id, b.id))
        shared_words = sorted(set(parsed[a.id].stems) & set(parsed[b.id].stems), key=lambda t: -idf(t))
        result.append(
            Discrepancy(
                about=" ".join(shared_words[:4]),
                score=round(min(1.0, overlap), 4),
                statements=tuple(
                    Statement(
                        passage=p.id,
                        outlet=p.outlet,
                        text=p.text,
                        figures=tuple(
                            f"{_format(v)} ({kind})" if kind != "calendar year" else _format(v)
                            for kind, values in sorted(_kinds(p.text).items())
                            for v in sorted(values)
                        ),
                    )
                    for p in (a, b)
                ),
            )
        )
        if len(result) >= MAX_DISCREPANCIES:
            break
    return tuple(result)


def _comparable(kind: str, a: set[float], b: set[float]) -> bool:
    """Some figure of each side is close enough to the other's to be the same one told twice."""
    if kind == "calendar year":
        return any(abs(x - y) <= MAX_YEAR_GAP for x in a for y in b)
    return any(x > 0 and y > 0 and max(x, y) / min(x, y) <= MAX_FIGURE_RATIO for x in a for y in b)


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_FIGURE = re.compile(
    r"(?<![\w/.])(?P<num>\d[\d,]*(?:\.\d+)?)(?P<decade>s\b)?(?![\w/])"
    r"(?:[-\s]+(?:(?:[A-Z][a-z]+|[a-z]+ly),?\s+(?:and\s+)?){0,4}(?P<unit>[a-z]+))?"
)
_DATE_AROUND = re.compile(rf"\b{_MONTHS}\s*$|^\s*{_MONTHS}\b", re.IGNORECASE)


def _kinds(text: str) -> dict[str, set[float]]:
    """Figures by what they count: "10-year" and "nine years" are both years; calendar years
    are compared with calendar years; days of a month, decades and "9/11" are not figures."""
    kinds: dict[str, set[float]] = defaultdict(set)
    found: list[tuple[float, str | None]] = list(_spelled_numbers(text))
    for match in _FIGURE.finditer(text):
        if match.group("decade"):
            continue
        before, after = text[max(0, match.start() - 12) : match.start()], text[match.end("num") :][:12]
        if _DATE_AROUND.search(before) or _DATE_AROUND.search(after):
            continue
        raw = match.group("num")
        value = float(raw.replace(",", ""))
        if value.is_integer() and 1900 <= value <= 2100 and "," not in raw:
            kinds["calendar year"].add(value)
            continue
        found.append((value, match.group("unit")))
    for value, unit in found:
        stems = words(unit).stems if unit and unit.lower() not in _SCALE_WORDS else ()
        if stems:
            kinds[_SAME_UNIT.get(stems[0], stems[0])].add(value)
    return dict(kinds)


_SCALE_WORDS = frozenset({"thousand", "million", "billion", "trillion", "percent", "per"})
# Words news reports use for one count ("2,500 troops" / "2,500 forces"), by stem.
_SAME_UNIT = {"forc": "troop", "soldier": "troop", "servicemen": "troop", "personnel": "troop"}


def _spelled_numbers(text: str) -> list[tuple[float, str]]:
    """Spelled-out counts with the word they count: "more than nine years" -> (9, "years")."""
    found: list[tuple[float, str]] = []
    for match in re.finditer(
        r"\b((?:[a-z]+[\s-]){1,3}?)(years?|troops|soldiers|people|days|months|weeks)\b", text
    ):
        values = numbers(match.group(1))
        if len(values) == 1:
            found.append((next(iter(values)), match.group(2)))
    return found


def _format(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() and not 1900 <= value <= 2100 else f"{value:g}"
