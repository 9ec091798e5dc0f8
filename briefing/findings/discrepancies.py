"""Where outlets disagree: two statements about one thing with different figures, different
dates for one event, or one affirming what the other negates.

Two statements are about one thing when they are aligned in one cluster, or share rare wording
and, for a figure, the thing it counts and the words around it; for a date, the event named
just before it; for a negation, a named subject. What each passage states comes from
``facts.read`` (the NLP pass's entities, passed in as plain data).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from briefing.findings import facts
from briefing.findings.facts import Fact, Stated
from briefing.models import Alignment, Discrepancy, DiscrepancyKind, Entity, Passage, Reading, Statement
from briefing.text import words

# Calibrated on the 43 development stories (../shared/stories, built without their manifests)
# and the default corpus, reading every listed pair (bench/discrepancies.py).
# Unaligned statements must share this much IDF weight (of the lighter one) for a figure (with
# what the figure counts read from the parse, at 0.08 the one figure pair added on the 43 stories
# was real, "a five page suicide note" / "the note is eight pages long", at 0.13; at 0.05, with
# the context rule loosened too, 16 of 23 listed were false: tests/data/discrepancies-annotated.json)...
FIGURE_OVERLAP = 0.1
# ... and this much for a date or a negation, whose context says less about what they are.
DATE_OVERLAP = 0.3
# A year alone is coarse (a story's events fall in a year or two): unaligned, two statements must
# share half their wording to give one event two years ("mentioned in her blog ... in November of
# 2014" against "assaulted her in 2013" share 0.37; one senator's tenure, 0.74).
YEAR_OVERLAP = 0.5
NEGATION_OVERLAP = 0.3
MAX_DISCREPANCIES = 8
# What a figure counts is told by a word next to it that few passages use ("injured", "Tokyo",
# "Rolex"); "patients" or "older" next to every percentage of a medical study tell nothing.
# On the default corpus (291 passages) "withdrawal" (in 9) tells the Soviet war's length. The
# share, on the 43 development stories and the default corpus (bench/discrepancies.py): 0.04
# listed 4, all real, once captions stopped counting as passages (mn-079's "note", in 11 of 270,
# fell just past it); 0.045 and 0.05 list 7, all real; 0.06 lists 9, 2 of them false.
FIGURE_CONTEXT_DF = 6
FIGURE_CONTEXT_SHARE = 0.045
# A passage with this many figures of one unit lists several things ("Romney (17 percent),
# Huckabee (14 percent)..."): which of them another outlet's figure is, the words do not tell.
LIST_FIGURES = 3
# One figure told twice stays close ("more than 50 million" / "more than 65 million", 5 / 7
# injured); a distance twice another (50-mile zone / 140 miles to Tokyo) is another distance.
MAX_FIGURE_RATIO = 2.0
# Clock times this many minutes apart are one time told roughly ("about 4 p.m." / "4:10 p.m.").
CLOCK_TOLERANCE = 30
# One event's year told twice differs by a year or two (1966-1978 / 1967-1979).
MAX_YEAR_GAP = 2
# A statement may disagree with several others, but is listed at most this often.
DISCREPANCY_REUSE = 2
# The index behind the comparison: stems in at most this many passages, and each passage is
# compared with at most this many others per stem.
DISCREPANCY_INDEX_DF = 50
DISCREPANCY_FANOUT = 50
# Entity labels that name a statement's subject (a negation needs one both statements name).
SUBJECT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "EVENT", "LAW"})
PERSON_LABELS = frozenset({"PERSON"})
# A suspect's status (charged, arrested) or an event's (on schedule) changes as a story unfolds,
# and outlets write it without a name ("No formal charges have been filed yet"): a statement of
# it naming nobody is set against the main person's. On the development stories, the wider
# record words ("confirmed", "signed") paired this way with remarks about someone else.
STATUS_STEMS = frozenset({"charg", "indict", "arrest", "convict", "schedul"})
STATUS_OVERLAP = 0.05  # they share the status word, often little else (0.09 in the test of it)


def find_discrepancies(alignment: Alignment, *, readings: Sequence[Reading] = ()) -> tuple[Discrepancy, ...]:
    """Statements of different outlets that report one thing with different figures or dates,
    or that one affirms and the other negates."""
    passages = alignment.passages
    parsed = {p.id: words(p.text) for p in passages}
    df: Counter[str] = Counter()
    for w in parsed.values():
        df.update(set(w.stems))
    n = max(1, len(parsed))

    idf_of = {t: math.log((n + 1) / (k + 0.5)) for t, k in df.items()}

    # Each passage's distinct stems and their IDF weight, once: the pairs below number about
    # a hundred per passage, and summing per pair was half the stage's time at 50 articles.
    stem_sets = {pid: frozenset(w.stems) for pid, w in parsed.items()}
    weight = {pid: math.fsum(idf_of[t] for t in stems) for pid, stems in stem_sets.items()}

    by_doc: dict[str, tuple[Entity, ...]] = {r.doc: r.entities for r in readings}
    parses = {r.doc: r.figures for r in readings}
    stated = {p.id: facts.read(p, by_doc.get(p.doc, ()), parses.get(p.doc, ())) for p in passages}
    subjects = {p.id: _subjects(p, by_doc.get(p.doc, ())) for p in passages}
    people = {p.id: _subjects(p, by_doc.get(p.doc, ()), labels=PERSON_LABELS) for p in passages}
    main = _main_people(passages, people)
    index = {p.id: i for i, p in enumerate(passages)}
    aligned: set[tuple[int, int]] = set()
    for cluster in alignment.clusters:
        members = sorted(index[pid] for pid in cluster.passages if pid in index)
        aligned.update((i, j) for x, i in enumerate(members) for j in members[x + 1 :])
    pairs = aligned | _indexed_pairs([stem_sets[p.id] for p in passages], [p.outlet for p in passages], df)

    found: list[tuple[float, DiscrepancyKind, Passage, Passage, tuple[str, ...], tuple[str, ...]]] = []
    for i, j in sorted(pairs):
        a, b = passages[i], passages[j]
        if a.outlet == b.outlet:
            continue
        stems_a, stems_b = stem_sets[a.id], stem_sets[b.id]
        if not stems_a or not stems_b:
            continue
        overlap = math.fsum(idf_of[t] for t in stems_a & stems_b) / min(weight[a.id], weight[b.id])
        clash = _clash(
            stated[a.id],
            stated[b.id],
            aligned=(i, j) in aligned,
            overlap=overlap,
            subject=bool(subjects[a.id] & subjects[b.id]),
            # a passage naming nobody ("No formal charges have been filed yet") is about the
            # story's main person, as is one naming them
            anonymous=(not people[a.id] and people[b.id] <= main)
            or (not people[b.id] and people[a.id] <= main),
            df=df,
            passages=n,
        )
        if clash is not None:
            kind, shown_a, shown_b = clash
            found.append((overlap, kind, a, b, shown_a, shown_b))
    found.sort(key=lambda f: (-f[0], f[2].id, f[3].id))
    result: list[Discrepancy] = []
    used: Counter[str] = Counter()
    for overlap, kind, a, b, shown_a, shown_b in found:
        if used[a.id] >= DISCREPANCY_REUSE or used[b.id] >= DISCREPANCY_REUSE:
            continue
        used.update((a.id, b.id))
        shared = sorted(set(parsed[a.id].stems) & set(parsed[b.id].stems), key=lambda t: (-idf_of[t], t))
        result.append(
            Discrepancy(
                kind=kind,
                about=" ".join(shared[:4]),
                score=round(min(1.0, overlap), 4),
                statements=tuple(
                    Statement(passage=p.id, outlet=p.outlet, text=p.text, figures=shown)
                    for p, shown in ((a, shown_a), (b, shown_b))
                ),
            )
        )
        if len(result) >= MAX_DISCREPANCIES:
            break
    return tuple(result)


def _clash(
    a: Stated,
    b: Stated,
    *,
    aligned: bool,
    overlap: float,
    subject: bool,
    anonymous: bool = False,
    df: Counter[str],
    passages: int,
) -> tuple[DiscrepancyKind, tuple[str, ...], tuple[str, ...]] | None:
    """How two statements of one thing disagree, and what each states; None if they do not."""
    if not a.definition and not b.definition:
        figure = _figure_clash(
            a.facts,
            b.facts,
            aligned=aligned,
            overlap=overlap,
            df=df,
            passages=passages,
            compares=(a.compares, b.compares),
        )
        if figure is not None:
            return ("figure", *figure)
    date = _date_clash(a.facts, b.facts, aligned=aligned, overlap=overlap)
    if date is not None:
        return ("date", *date)
    polar = (a.affirms & b.negates) | (a.negates & b.affirms)
    if polar and (aligned or (subject and overlap >= NEGATION_OVERLAP)):
        return ("negation", (), ())
    if anonymous and overlap >= STATUS_OVERLAP:
        # the negation must state the status as it stands ("have been filed yet", "has been
        # postponed"), not a past decision about someone else ("declined in recent months to
        # file charges against police officers" in other cases)
        for stem in sorted(polar & STATUS_STEMS):
            negating = a if stem in a.negates else b
            if negating.status:
                return ("negation", (), ())
    return None


def _main_people(passages: Sequence[Passage], people: dict[str, frozenset[str]]) -> frozenset[str]:
    """The words of the name most outlets give (the story's main person), empty if none is named."""
    outlets: dict[str, set[str]] = defaultdict(set)
    for p in passages:
        for stem in people[p.id]:
            outlets[stem].add(p.outlet)
    if not outlets:
        return frozenset()
    most = max(len(o) for o in outlets.values())
    return frozenset(stem for stem, o in outlets.items() if len(o) == most)


def _figure_clash(
    a: Sequence[Fact],
    b: Sequence[Fact],
    *,
    aligned: bool,
    overlap: float,
    df: Counter[str],
    passages: int,
    compares: tuple[bool, bool] = (False, False),
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """One quantity both count ("people" injured, "miles" to Tokyo), given figures that cannot
    both be true of it."""
    if not aligned and overlap < FIGURE_OVERLAP:
        return None
    rare = max(FIGURE_CONTEXT_DF, FIGURE_CONTEXT_SHARE * passages)
    for fa in (f for f in a if f.kind == "figure"):
        for fb in (f for f in b if f.kind == "figure"):
            unit = fa.unit & fb.unit
            if not unit or fa.hedged != fb.hedged or fa.total or fb.total:
                continue  # a total against one of its parts ("six reactors" / "three of them")
            if fa.thing and fb.thing and not fa.thing & fb.thing:
                continue  # one unit, two things measured: a "12-mile zone", a "30-mile band"
            if _listed(a, unit) or _listed(b, unit):
                continue  # a list of figures ("72 percent versus 63 percent") counts several things
            if not aligned and any(c and _several(f, unit) for c, f in ((compares[0], a), (compares[1], b))):
                continue  # "53 percent of younger patients ..., 48 percent of older": two groups
            near = _own_near(fa, a) & _own_near(fb, b)
            if fa.verb and fb.verb and not fa.verb & fb.verb and (not near or fa.thing != fb.thing):
                # two verbs, and nothing said alike or two things measured: "ordered a 12-mile
                # zone" / "told those within 20 miles to stay indoors"
                continue
            several = _several(a, unit) or _several(b, unit)
            shared = near | (fa.predicate & fb.predicate)
            if not several:
                shared |= fa.context & fb.context
            if not aligned and not (fa.verb & fb.verb or any(df[t] <= rare for t in shared)):
                continue  # the same unit, but not the same thing counted
            if several and aligned and not shared:
                continue
            if _agree(a, b, unit) or not _close(fa.values, fb.values):
                continue
            return (fa.text,), (fb.text,)
    return None


def _own_near(fact: Fact, stated: Sequence[Fact]) -> frozenset[str]:
    """The words next to a figure that are not another figure's ("a 12-mile zone and ... within
    20 miles": "zone" is what the 12 measures, not the 20)."""
    others = {t for f in stated if f is not fact for t in f.thing | f.unit}
    return frozenset(t for t in fact.near if t not in others and not any(c.isdigit() for c in t))


def _agree(a: Sequence[Fact], b: Sequence[Fact], unit: frozenset[str]) -> bool:
    """Some figure of one passage fits some figure of the other: which counts which, the words
    do not tell, so they are not set against each other."""
    return any(
        facts.compatible(fa, fb)
        for fa in a
        if fa.kind == "figure" and fa.unit & unit
        for fb in b
        if fb.kind == "figure" and fb.unit & unit
    )


def _date_clash(
    a: Sequence[Fact], b: Sequence[Fact], *, aligned: bool, overlap: float
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """One event (named just before its date, or a span of years) given two different dates."""
    if not aligned and overlap < DATE_OVERLAP:
        return None
    for fa in (f for f in a if f.kind == "date"):
        for fb in (f for f in b if f.kind == "date"):
            unit = fa.unit & fb.unit
            if not unit or fa.hedged != fb.hedged:
                continue
            spans = fa.span and fb.span
            if not (fa.event & fb.event or spans):
                continue  # one event's time against another's
            if not spans and fa.verb and fb.verb and not fa.verb & fb.verb:
                continue  # the parse dates two acts: "filed a complaint" in 2014, "assaulted" in 2013
            if _values(a, unit, "date") & _values(b, unit, "date"):
                continue
            if "clock" in unit and any(abs(x - y) <= CLOCK_TOLERANCE for x in fa.values for y in fb.values):
                continue  # "about 4 p.m." and "4:10 p.m.": one time, rounded
            if "year" in unit and not any(abs(x - y) <= MAX_YEAR_GAP for x in fa.values for y in fb.values):
                continue
            if unit == {"year"} and not aligned and overlap < YEAR_OVERLAP:
                continue
            return (fa.text,), (fb.text,)
    return None


def _listed(stated: Iterable[Fact], unit: frozenset[str]) -> bool:
    return sum(1 for f in stated if f.kind == "figure" and f.unit & unit) >= LIST_FIGURES


def _several(stated: Iterable[Fact], unit: frozenset[str]) -> bool:
    return sum(1 for f in stated if f.kind == "figure" and f.unit & unit) >= 2


def _values(stated: Iterable[Fact], unit: frozenset[str], kind: str) -> set[float]:
    return {v for f in stated if f.kind == kind and f.unit & unit for v in f.values}


def _close(a: frozenset[float], b: frozenset[float]) -> bool:
    """Some figure of each side is close enough to the other's to be one figure told twice."""
    return any(x > 0 and y > 0 and max(x, y) / min(x, y) <= MAX_FIGURE_RATIO for x in a for y in b)


def _subjects(
    passage: Passage, entities: tuple[Entity, ...], *, labels: frozenset[str] = SUBJECT_LABELS
) -> frozenset[str]:
    """Who or what the passage names: its entities' words, or its capitalised words."""
    named = [
        e.text for e in entities if e.label in labels and e.start >= passage.start and e.end <= passage.end
    ]
    if named or entities:
        return frozenset(s for text in named for s in words(text).stems)
    return words(passage.text).names  # no reading (plain text): its capitalised words


def _indexed_pairs(
    stems: Sequence[frozenset[str]], outlets: Sequence[str], df: Counter[str]
) -> set[tuple[int, int]]:
    """Pairs of passages that share a rare stem (as in alignment): comparing every pair would
    be quadratic, and two statements of one thing share a rare word."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, distinct in enumerate(stems):
        for token in distinct:
            if df[token] <= DISCREPANCY_INDEX_DF:
                postings[token].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        for x, i in enumerate(members):
            # the next DISCREPANCY_FANOUT of other outlets: a long article's own passages
            # sharing the stem would otherwise fill the fan-out with pairs never compared
            others = (j for j in members[x + 1 :] if outlets[j] != outlets[i])
            pairs.update((i, j) for j in itertools.islice(others, DISCREPANCY_FANOUT))
    return pairs
