"""Entity anchors of each passage, from the NLP pass: the names, figures and speakers it states.

Pure (no spaCy): it reads the frozen ``Reading`` data. Each anchor is a token such as
``@p:lavrov`` (a person, by surname), ``@g:kabul`` (a place), ``@q:troop=2500`` (a figure with
its unit) or ``@y:2008`` (a year). The aligner indexes them beside the stems, so that a rare shared
name or figure opens a candidate, and counts them in its vocabulary, so that their rarity across the
corpus weighs them: the story's ubiquitous entities (in a fifth of the passages or more) count for
nothing in the pair signals, rare shared ones for much. The pair signals in ``pairs.py`` also read
which anchors conflict: two passages that name different people, places or years, or state
different figures of the same unit, rarely report the same claim.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from briefing.models import Passage, Reading
from briefing.text import MONTHS, STOPWORDS, normalise_token, numbers, stem

# Anchor kinds, by the first letters of the token. Names: a conflict between two passages is
# read per kind (two different people; two different places).
PERSON, ORG, PLACE, GROUP, EVENT = "@p:", "@o:", "@g:", "@n:", "@v:"
# Figures: a value with its unit ("@q:troop=2500", "@q:$=2500000", "@q:%=30"), a year, a day.
FIGURE, YEAR, DAY = "@q:", "@y:", "@d:"
# The named speaker of a verb of saying in the passage.
SPEAKER = "@s:"
NAME_KINDS = (PERSON, ORG, PLACE, GROUP, EVENT)
_CONTEXT_KINDS = frozenset({PERSON, ORG, PLACE, EVENT, YEAR})
# Article context: an anchor in more than this share of the articles is the whole corpus's; with
# fewer articles than the minimum, what one article shares with another says little.
CONTEXT_SHARE = 0.5
CONTEXT_MIN_ARTICLES = 6
# An article's subject is the person it names this often or more, and more often than anyone
# else, not counting the mentions that are the named speaker of a verb of saying (a spokesman or
# police officer quoted throughout is a source, not the subject). Two articles whose subjects
# differ, one of them never naming the other's, report different events more often than not:
# the contexts above leave such subjects out, since each of two similar events' main person is
# in about half of the articles ("Vincent Jackson" / "Jamal Williams", both arrested for drunk
# driving in San Diego in 2009). Swept on ECB+ dev (bench/ecbplus.py, 21 topics) with the
# subject gating links and merges (linking.py): 2 / 3 / 4 / 5 mentions gave cross-event links
# 53 / 58 / 58 / 61 of 3,250 / 3,337 / 3,360 / 3,363 links at pair recall 374 / 382 / 394 / 395
# of 8,493; counting the speakers too cost the three smallest topics 3 of their 81 pairs. Only
# corpora with contexts (CONTEXT_MIN_ARTICLES) have subjects.
SUBJECT_MIN_MENTIONS = 4
# An anchor in this share of the passages or more is the story's own (its main people and
# places) and weighs nothing in the pair signals.
UBIQUITOUS_SHARE = 0.2
FIGURE_KINDS = (FIGURE, YEAR, DAY)
_LABELS = {
    "PERSON": PERSON,
    "ORG": ORG,
    "GPE": PLACE,
    "LOC": PLACE,
    "FAC": PLACE,
    "NORP": GROUP,
    "EVENT": EVENT,
}
_FIGURE_LABELS = frozenset({"CARDINAL", "MONEY", "QUANTITY", "PERCENT"})
# Name parts that say nothing of who is meant: "Jr.", a possessive left as its own token by
# tokenised text ("Lohan 's"), titles the entity recogniser sometimes takes in.
_NAME_NOISE = frozenset("jr sr ii iii iv 's s mr mrs ms dr gen sen rep gov president minister the".split())
_WORD = re.compile(r"[^\W_]+(?:[’'.\-][^\W_]+)*")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})\b")


@dataclass(frozen=True, slots=True, kw_only=True)
class PassageAnchors:
    """The anchors of one passage, as sorted tokens."""

    names: tuple[str, ...] = ()  # PERSON / ORG / PLACE / GROUP / EVENT tokens
    figures: tuple[str, ...] = ()  # FIGURE / YEAR / DAY tokens
    speakers: tuple[str, ...] = ()  # SPEAKER tokens
    # The article's own anchors: the names and years it states that some other articles state
    # too, but not most (one frozenset per article, shared by its passages). Two passages of
    # articles that share few of them likely come from accounts of different events.
    context: frozenset[str] = frozenset()
    # How much each name or figure of the corpus tells claims apart (``rarity``), one mapping
    # shared by every passage of the corpus; an anchor it does not hold counts as rare.
    rarity: Mapping[str, float] = field(default_factory=dict)
    # The article's subject (SUBJECT_MIN_MENTIONS; a person's surname, as in its name tokens,
    # without the kind) and every word of every name it states, both shared by its passages.
    subject: str = ""
    named: frozenset[str] = frozenset()

    @property
    def tokens(self) -> tuple[str, ...]:
        """The anchors the candidate index holds: the figures, with their unit and normalised
        ("Dec. 6" and "December 6" alike). Not the names: a name is a stem of the passage already,
        and indexed twice it took probe slots from rarer words (on the three smallest ECB+ dev
        topics, annotated precision 1.000 -> 0.951 with the names indexed)."""
        return self.figures


NONE = PassageAnchors()


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchors:
    """Each passage's anchors, by passage id; a passage not listed has none."""

    of: Mapping[str, PassageAnchors] = field(default_factory=dict)

    def get(self, passage_id: str) -> PassageAnchors:
        """The passage's anchors (none when the NLP pass gave it none)."""
        return self.of.get(passage_id, NONE)


def build(passages: Iterable[Passage], readings: Sequence[Reading]) -> Anchors:
    """Map every passage to the entities and speakers the reading of its article places in it."""
    by_doc = {r.doc: r for r in readings}
    grouped: dict[str, list[Passage]] = {}
    for p in passages:
        grouped.setdefault(p.doc, []).append(p)
    out: dict[str, PassageAnchors] = {}
    found_in: dict[str, list[tuple[Passage, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = {}
    for doc, members in grouped.items():
        reading = by_doc.get(doc)
        if reading is None:
            continue
        members.sort(key=lambda p: (p.start, p.end))
        starts = [p.start for p in members]
        names: dict[str, set[str]] = {}
        figures: dict[str, set[str]] = {}
        speakers: dict[str, set[str]] = {}
        for ent in reading.entities:
            holder = _holder(members, starts, ent.start, ent.end)
            if holder is None:
                continue
            if ent.label in _LABELS:
                token = name_token(_LABELS[ent.label], ent.text)
                if token:
                    names.setdefault(holder.id, set()).add(token)
            elif ent.label == "DATE":
                figures.setdefault(holder.id, set()).update(date_tokens(ent.text))
            elif ent.label in _FIGURE_LABELS:
                after = holder.text[ent.end - holder.start :] if ent.end <= holder.end else ""
                figures.setdefault(holder.id, set()).update(figure_tokens(ent.label, ent.text, after))
        for speech in reading.speech:
            speaker = speech.speaker
            if speaker is None or speaker.kind != "name":
                continue
            holder = _holder(members, starts, speech.start, speech.end)
            token = name_token(SPEAKER, speaker.text)
            if holder is not None and token:
                speakers.setdefault(holder.id, set()).add(token)
        found_in[doc] = [
            (
                p,
                tuple(sorted(names.get(p.id, ()))),
                tuple(sorted(figures.get(p.id, ()))),
                tuple(sorted(speakers.get(p.id, ()))),
            )
            for p in members
        ]
    contexts = _contexts(found_in)
    many = len(found_in) >= CONTEXT_MIN_ARTICLES
    subjects = {doc: _subject(by_doc[doc]) if many else ("", frozenset()) for doc in found_in}
    df: dict[str, int] = {}
    size = 0
    for rows in found_in.values():
        for _, n, f, _ in rows:
            size += 1
            for t in (*n, *f):
                df[t] = df.get(t, 0) + 1
    size = max(size, sum(len(m) for m in grouped.values()))
    weights = {t: rarity(n, size) for t, n in df.items()}
    for doc, rows in found_in.items():
        for p, n, f, s in rows:
            subject, named = subjects[doc]
            if n or f or s or contexts[doc] or subject:
                out[p.id] = PassageAnchors(
                    names=n,
                    figures=f,
                    speakers=s,
                    context=contexts[doc],
                    rarity=weights,
                    subject=subject,
                    named=named,
                )
    return Anchors(of=out)


def rarity(df: int, size: int) -> float:
    """How much an anchor in ``df`` of ``size`` passages tells claims apart, 0 to 1: nothing for
    one in UBIQUITOUS_SHARE of the passages or more (the story's own names), 1 for one in two
    passages or fewer, on the IDF scale between."""
    if size < 2:
        return 1.0
    floor = math.log((size + 1) / (UBIQUITOUS_SHARE * size + 0.5))
    top = math.log((size + 1) / 2.5)
    if top <= floor:
        return 1.0
    return min(1.0, max(0.0, (math.log((size + 1) / (df + 0.5)) - floor) / (top - floor)))


def _contexts(
    found_in: Mapping[str, list[tuple[Passage, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]],
) -> dict[str, frozenset[str]]:
    """Each article's names and years that 2 or more articles, but at most CONTEXT_SHARE of
    them, state (none when the corpus has too few articles to tell)."""
    stated = {
        doc: frozenset(t for _, n, f, _ in rows for t in (*n, *f) if t[:3] in _CONTEXT_KINDS)
        for doc, rows in found_in.items()
    }
    articles = len(stated)
    if articles < CONTEXT_MIN_ARTICLES:
        return {doc: frozenset() for doc in stated}
    df: dict[str, int] = {}
    for tokens in stated.values():
        for t in tokens:
            df[t] = df.get(t, 0) + 1
    limit = CONTEXT_SHARE * articles
    return {doc: frozenset(t for t in tokens if 2 <= df[t] <= limit) for doc, tokens in stated.items()}


def _subject(reading: Reading) -> tuple[str, frozenset[str]]:
    """The article's subject ("" when no person leads by SUBJECT_MIN_MENTIONS) and the words of
    all the names it states ("Laci" of "Laci Peterson" too, where the name token keeps "peterson")."""
    spoken = [(s.speaker.start, s.speaker.end) for s in reading.speech if s.speaker is not None]
    counts: dict[str, int] = {}
    named: set[str] = set()
    for ent in reading.entities:
        if ent.label not in _LABELS:
            continue
        token = name_token(_LABELS[ent.label], ent.text)
        if not token:
            continue
        named.add(token[3:])
        named.update(w for w in (normalise_token(w) for w in _WORD.findall(ent.text)) if w)
        if ent.label == "PERSON" and not any(ent.start < end and ent.end > start for start, end in spoken):
            counts[token[3:]] = counts.get(token[3:], 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if (
        not ranked
        or ranked[0][1] < SUBJECT_MIN_MENTIONS
        or (len(ranked) > 1 and ranked[1][1] == ranked[0][1])
    ):
        return "", frozenset(named)
    return ranked[0][0], frozenset(named)


def _holder(members: list[Passage], starts: list[int], start: int, end: int) -> Passage | None:
    """The passage a span lies in (by its start; a span crossing a clause cut goes to the first)."""
    k = bisect.bisect_right(starts, start) - 1
    if k < 0:
        return None
    p = members[k]
    return p if start < p.end and end > p.start else None


def name_token(kind: str, text: str) -> str:
    """A name as an anchor: a person (or speaker) by surname, anything else by all its words.

    "Sergei Lavrov", "Lavrov" and "Lavrov 's" give "@p:lavrov"; "the Taliban" gives "@o:taliban".
    Empty when the name has no word left (a stray "'s").
    """
    parts = [normalise_token(w) for w in _WORD.findall(text)]
    parts = [w for w in parts if w and w not in _NAME_NOISE]
    if not parts:
        return ""
    if kind in (PERSON, SPEAKER):
        return kind + parts[-1]
    return kind + "_".join(parts)


def date_tokens(text: str) -> set[str]:
    """The years ("@y:2008") and month days ("@d:12-6") a DATE entity states."""
    found = {YEAR + y for y in _YEAR.findall(text)}
    for month, day in _DAY.findall(text):
        number = MONTHS.get(month.lower())
        if number is not None and 1 <= int(day) <= 31:
            found.add(f"{DAY}{number}-{int(day)}")
    return found


def figure_tokens(label: str, text: str, after: str) -> set[str]:
    """A figure with its unit: money and percentages by their sign, a quantity by its last word,
    a bare number by the word it counts ("2,500 troops" -> "@q:troop=2500")."""
    values = numbers(text)
    if not values:
        return set()
    if label == "MONEY":
        unit = "$"
    elif label == "PERCENT":
        unit = "%"
    else:
        # A quantity names its unit inside ("10 miles"); a bare number counts the word after it,
        # when that word is a content word ("2,500 troops", not "two of them").
        words = [normalise_token(w) for w in _WORD.findall(text if label == "QUANTITY" else after[:30])]
        words = [w for w in words if w and not w.isdigit() and w not in _SCALE_WORDS]
        word = (words[-1] if label == "QUANTITY" else words[0]) if words else ""
        unit = stem(word) if word and word not in STOPWORDS else "n"
    return {f"{FIGURE}{unit}={value:g}" for value in values}


_SCALE_WORDS = frozenset({"thousand", "million", "billion", "hundred", "percent"})


def unit_of(token: str) -> str:
    """The kind and unit a figure token states, what two figures must share to conflict."""
    return token.split("=", 1)[0] if token.startswith(FIGURE) else token[:3]
