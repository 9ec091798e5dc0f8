"""The overview: a few extractive, cited sentences that say what the story is, and its main names.

Sentences are chosen as MEAD-style centroid summarisers choose them, from the shared claims first:

1. The story's profile: each content stem weighted by its IDF over the passages times how widely
   the story uses it (the share of articles, of shared claims and of headlines that carry it).
2. A passage's centrality: the cosine of its IDF-weighted stems with that profile (both in
   centrality.py, which the consensus uses too).
3. A shared claim (a cluster) scores its clearest member's centrality, times the number of
   independent outlets that carry it to the OUTLET_WEIGHT (a reprint counts once: its copies are
   in no cluster, and only the counted outlets count), times a bonus for how early in its article
   the claim comes (news puts what matters first). The opening passages of each article that no
   other outlet shares compete as one-outlet claims, so a story with few shared claims still
   gets its lead.
4. Greedy choice in score order: each claim once (never two members of one cluster, nor two
   sentences that restate each other), a bonus for the first sentence to name who, where and when.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.findings import centrality as story_centrality
from briefing.findings import sentences
from briefing.models import Alignment, Article, Entity, Overview, Passage, Person, Point, Reading
from briefing.text import fragment, leans, without_dateline, words

# Calibration: bench/rouge.py, the overview's ROUGE-2 F1 against the editors' summaries of the
# 18 Multi-News stories in ../shared/stories, as a ratio to the lead-200 baseline in the same run
# (1.29 with the values below, words only; 1.27 since linking.vouched joins more passages to the
# clusters, 1.26 with the semantic route); one constant varied at a time, the others as below.
# Most are flat over a wide range, which is why they are round numbers and not fitted ones.
#
# The overview stops before this many words (whole sentences only) or this many sentences: a
# paragraph an analyst can forward. Ratio at 150 / 175 / 200 / 225 words: 1.12 / 1.26 / 1.27 /
# 1.27; at 5 / 6 / 7 / 8 / 10 sentences: 1.07 / 1.15 / 1.20 / 1.27 / 1.27 (ROUGE F1 rewards a
# lead as long as the reference up to a point: the summaries run 150 to 300 words).
OVERVIEW_WORDS = 200
OVERVIEW_SENTENCES = 8
# A sentence of the overview reads alone: between these many words (12: 1.26, 15: 1.17).
MIN_WORDS, MAX_WORDS = 8, 60
# Score = centrality * outlets ** OUTLET_WEIGHT * position bonus: a claim four outlets carry
# outranks a two-outlet claim up to twice as central. Ratio at 0 / 0.5 / 1 / 1.5: 1.21 / 1.25 /
# 1.30 / 1.29: how many outlets carry a claim does say what the story is.
OUTLET_WEIGHT = 1.0
# Position bonus 1 + POSITION_BONUS / (1 + n) for a claim whose earliest member is its article's
# n-th passage: the opening sentence counts three times one far down the page. Ratio at 0 / 1 / 2
# / 4 / 8: 1.20 / 1.27 / 1.30 / 1.25 / 1.27.
POSITION_BONUS = 2.0
# An article's first LEAD_PASSAGES passages are candidates even when no other outlet shares them
# (ratio at 1 / 2 / 3 / 5: 1.13 / 1.23 / 1.27 / 1.27; without them, 0.88: two stories have no
# shared claim at all).
LEAD_PASSAGES = 3
# Two sentences whose distinct stems overlap this much (Jaccard) say one thing: keep the first
# (0.3 to 0.7: flat; the clusters already hold most restatements together).
DUPLICATE_JACCARD = 0.5
# ... and a sentence most of whose stems another chosen sentence holds restates it too (a clause
# cut from a quote the overview already gives whole: "“I can’t imagine what this place would be"
# beside the whole quotation, Jaccard 0.3).
DUPLICATE_CONTAINED = 0.8
# Each of who / where / when a sentence is the first to name multiplies its score by 1 + this.
# ROUGE-neutral (0 to 0.6 within 0.02); kept so that the lines say who, where and when.
FACET_BONUS = 0.15
# ... among the next SCAN candidates in score order: on the 18 stories a scan of 5, 50 or all
# chose the same sentences; on 10,000 one-line notes scoring alike, a full scan took 15 s, 50 < 1 s.
SCAN = 50
# A sentence that opens with a pronoun or a conjunction, or mid-sentence, leans on what came
# before it: it scores this share (0.3 / 0.5 / 0.8 / 1: 1.22 / 1.27 / 1.27 / 1.25).
LEANING_PENALTY = 0.5
# A clause cut from a longer sentence (the passage does not end a sentence) scores this share:
# ROUGE-neutral (0.5 to 1 within 0.01), kept because a whole sentence reads better forwarded.
CLAUSE_PENALTY = 0.7
# A sentence among its article's first OPENING_PASSAGES passages is a lead and may open the
# overview (see _opens). Order is ROUGE-neutral (the overview is shorter than the 200 words
# scored). Judged by reading the opening sentence of 20 stories (the 18 Multi-News ones and two
# basil-*): 1 and 2 differ on one story only (mn-094: 2 opens with the sentence that reports the
# moment, 1 with "There was no hand-holding as ..."); 3 lets "If so, this would be the oldest
# ..." open mn-005. Before the rule, 4 of 20 opened with background or a quotation (Weiner's
# marriage, Romney's and Trump's statements, mn-005's "If so").
OPENING_PASSAGES = 2
_SENTENCE_END = frozenset(".!?\"”’'")
# The main names listed under the sentences.
MAX_PEOPLE, MAX_PLACES, MAX_DATES = 4, 4, 3

_FACETS = {
    "PERSON": "who",
    "ORG": "who",
    "NORP": "who",
    "GPE": "where",
    "LOC": "where",
    "FAC": "where",
    "DATE": "when",
    "TIME": "when",
}
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_MONTHS = (
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july "
    "august september october november december monday tuesday wednesday thursday friday saturday "
    "sunday"
).split()
_DECADE = re.compile(r"\d0s\b")
# A date names a month or weekday, or a year; a bare number the tagger calls a date is an age
# ("the 28-year-old") or a count as often as not.
_SPECIFIC_DATE = re.compile(r"\b(?:1[6-9]\d\d|20\d\d)|\b(?:" + "|".join(_MONTHS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidate:
    passage: Passage
    text: str  # what the overview shows: the passage, or the whole sentence a clause was cut from
    passages: tuple[str, ...]  # every passage cited
    outlets: tuple[str, ...]  # outlet names, sorted
    cluster: str | None
    score: float
    stems: frozenset[str]
    facets: frozenset[str]
    opens: bool  # can open the overview: reads alone and reports the event (see _opens)


def summarise(
    alignment: Alignment,
    *,
    articles: Sequence[Article],
    readings: Sequence[Reading],
    people: Sequence[Person],
    outlets: Sequence[str],
) -> Overview:
    """The overview of one story: its most central, most widely shared claims and main names.

    ``alignment`` holds the passages that were aligned (a reprint's copies left out), ``outlets``
    the outlets counted as sources, ``people`` the people index in its order.
    """
    passages = {p.id: p for p in alignment.passages}
    if not passages:
        return Overview(sentences=(), people=(), places=(), dates=())
    counted = frozenset(outlets)
    centre = story_centrality.measure(alignment, articles=articles)
    stems, centrality = centre.stems, centre.of
    order = _positions(alignment.passages)
    facets = _facets(alignment.passages, readings)
    dated = _dated(alignment.passages, readings)
    shown = _shown(alignment.passages, readings, articles)
    candidates: list[_Candidate] = []
    clustered: set[str] = set()
    for cluster in alignment.clusters:
        clustered.update(cluster.passages)
        members = [passages[pid] for pid in cluster.passages]
        readable = [m for m in members if m.id in shown]
        if not readable:
            continue
        best = max(readable, key=lambda m: (_clarity(shown[m.id]) * centrality(m.id), -order[m.id], m.id))
        text = shown[best.id]
        support = len(counted.intersection(cluster.outlets)) or len(cluster.outlets)
        first = min(order[m.id] for m in members)
        score = _clarity(text) * centrality(best.id) * support**OUTLET_WEIGHT * _position(first)
        candidates.append(
            _Candidate(
                passage=best,
                text=text,
                passages=cluster.passages,
                outlets=cluster.outlets,
                cluster=cluster.id,
                score=score,
                stems=stems[best.id] if text == best.text else frozenset(words(text).stems),
                facets=facets[best.id],
                opens=_opens(text, first=first, dated=best.id in dated),
            )
        )
    for pid, p in passages.items():
        if pid in clustered or order[pid] >= LEAD_PASSAGES or pid not in shown:
            continue
        if counted and p.outlet not in counted:
            continue
        text = shown[pid]
        candidates.append(
            _Candidate(
                passage=p,
                text=text,
                passages=(pid,),
                outlets=(p.outlet,),
                cluster=None,
                score=_clarity(text) * centrality(pid) * _position(order[pid]),
                stems=stems[pid] if text == p.text else frozenset(words(text).stems),
                facets=facets[pid],
                opens=_opens(text, first=order[pid], dated=pid in dated),
            )
        )
    return Overview(
        sentences=_choose(candidates),
        people=_people(people, outlets=len(counted)),
        places=_top_entities(alignment.passages, readings, _PLACE_LABELS, MAX_PLACES, len(counted)),
        dates=_dates(
            alignment.passages,
            readings,
            len(counted),
            years={a.published.year for a in articles if a.published},
        ),
    )


def _positions(passages: Sequence[Passage]) -> dict[str, int]:
    """Passage id -> its place in its article's reading order (0 for the first)."""
    seen: Counter[str] = Counter()
    order: dict[str, int] = {}
    for p in sorted(passages, key=lambda p: (p.doc, p.start)):
        order[p.id] = seen[p.doc]
        seen[p.doc] += 1
    return order


def _position(n: int) -> float:
    return 1.0 + POSITION_BONUS / (1 + n)


def _readable(text: str) -> bool:
    """Of a sentence's length, and a sentence: no clause cut mid-way nor a quotation's tail."""
    return MIN_WORDS <= len(text.split()) <= MAX_WORDS and not fragment(text)


def _shown(
    passages: Sequence[Passage], readings: Sequence[Reading], articles: Sequence[Article]
) -> dict[str, str]:
    """Passage id -> the text the overview would show for it, for each passage it can show: the
    passage when it reads as a sentence; for a clause cut from a longer sentence ("but this
    year, there's so much more runoff ..."), the whole sentence the parse found around it, when
    that reads alone and fits. A clause carries what the story is about as often as a sentence
    does (bench/rouge.py: dropping them costs 0.007 ROUGE-2); shown cut, it reads as junk."""
    whole = sentences.around(passages, readings, articles)
    shown: dict[str, str] = {}
    for p in passages:
        if _readable(p.text):
            shown[p.id] = p.text
        elif p.id in whole and _readable(whole[p.id]) and not leans(whole[p.id]):
            shown[p.id] = whole[p.id]
    return shown


def _opens(text: str, *, first: int, dated: bool) -> bool:
    """Whether a sentence can open the overview: it reads alone (no pronoun, conjunction or
    quotation first, no question) and reports the event, as a news lead does: it opens its
    article, or it says when ("said Wednesday"). Background ("Weiner, 46, is married to ...")
    and a quotation ("'Today, his fellow Missourians ...,' Mr. Romney said") do neither."""
    plain = without_dateline(text).lstrip()
    if leans(plain) or plain[:1] in "“\"‘'" or plain.rstrip().endswith("?"):
        return False
    return first < OPENING_PASSAGES or dated


def _clarity(text: str) -> float:
    """1 for a sentence that stands alone; LEANING_PENALTY for one that leans on the one before
    (a pronoun or conjunction first) or is a clause cut from a longer sentence."""
    clause = text.rstrip()[-1:] not in _SENTENCE_END
    return (LEANING_PENALTY if leans(text) else 1.0) * (CLAUSE_PENALTY if clause else 1.0)


def _entities_by_passage(passages: Sequence[Passage], readings: Sequence[Reading]) -> dict[str, list[Entity]]:
    """Passage id -> the entities that lie inside it (none outside the aligned passages count)."""
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        by_doc[p.doc].append(p)
    found: dict[str, list[Entity]] = {p.id: [] for p in passages}
    for reading in readings:
        spans = sorted(by_doc.get(reading.doc, ()), key=lambda p: p.start)
        if not spans:
            continue
        at = 0
        for ent in sorted(reading.entities, key=lambda e: e.start):
            while at < len(spans) and spans[at].end <= ent.start:
                at += 1
            if at < len(spans) and spans[at].start <= ent.start and ent.end <= spans[at].end:
                found[spans[at].id].append(ent)
    return found


def _dated(passages: Sequence[Passage], readings: Sequence[Reading]) -> frozenset[str]:
    """The passages that name a day, month or year (a date or time entity, not "46" of an age)."""
    return frozenset(
        pid
        for pid, ents in _entities_by_passage(passages, readings).items()
        if any(e.label in {"DATE", "TIME"} and _SPECIFIC_DATE.search(e.text) for e in ents)
    )


def _facets(passages: Sequence[Passage], readings: Sequence[Reading]) -> dict[str, frozenset[str]]:
    return {
        pid: frozenset(_FACETS[e.label] for e in ents if e.label in _FACETS)
        for pid, ents in _entities_by_passage(passages, readings).items()
    }


def _choose(candidates: Sequence[_Candidate]) -> tuple[Point, ...]:
    """Greedy, best first: each claim once, who / where / when rewarded once each."""
    pool = sorted(candidates, key=lambda c: (-c.score, c.passage.id))
    chosen: list[_Candidate] = []
    cited: set[str] = set()
    covered: set[str] = set()
    total = 0
    facets = frozenset(_FACETS.values())
    taken = [False] * len(pool)
    head = 0  # the first candidate not yet taken
    while head < len(pool) and len(chosen) < OVERVIEW_SENTENCES and OVERVIEW_WORDS - total >= MIN_WORDS:
        # The best with its bonus lies among those whose score times the largest bonus left
        # reaches the best found so far, and within the next SCAN candidates: the bonus settles
        # near-ties, and the scan stays short when thousands of candidates score alike.
        top_bonus = 1 + FACET_BONUS * len(facets - covered)
        at, best_value, seen = head, -1.0, 0
        for n in range(head, len(pool)):
            if taken[n]:
                continue
            c = pool[n]
            seen += 1
            if c.score * top_bonus <= best_value or seen > SCAN:
                break
            value = c.score * (1 + FACET_BONUS * len(c.facets - covered))
            if value > best_value:
                at, best_value = n, value
        taken[at] = True
        while head < len(pool) and taken[head]:
            head += 1
        best = pool[at]
        size = len(best.text.split())
        if total + size > OVERVIEW_WORDS:
            continue
        if cited.intersection(best.passages) or any(_restates(best, c) for c in chosen):
            continue
        chosen.append(best)
        cited.update(best.passages)
        covered.update(best.facets)
        total += size
    return tuple(
        Point(
            text=without_dateline(c.text),
            passage=c.passage.id,
            passages=c.passages,
            outlets=c.outlets,
            cluster=c.cluster,
            relevance=round(c.score, 4),
        )
        for c in _lead_first(chosen)
    )


def _lead_first(chosen: Sequence[_Candidate]) -> list[_Candidate]:
    """The chosen sentences in score order, the best one that can open the overview moved first
    (none moved when none can): the overview says what happened before what it means."""
    opening = next((c for c in chosen if c.opens), None)
    if opening is None:
        return list(chosen)
    return [opening, *(c for c in chosen if c is not opening)]


def _restates(a: _Candidate, b: _Candidate) -> bool:
    """Whether two sentences say one thing: their stems overlap by DUPLICATE_JACCARD, or one
    holds DUPLICATE_CONTAINED of the other's."""
    shared = len(a.stems & b.stems)
    if not shared:
        return False
    return (
        shared / len(a.stems | b.stems) >= DUPLICATE_JACCARD
        or shared / min(len(a.stems), len(b.stems)) >= DUPLICATE_CONTAINED
    )


def _people(people: Sequence[Person], *, outlets: int) -> tuple[str, ...]:
    """The people index's first names (it is ordered by outlets and quotes), named by two or more
    outlets when the story has two."""
    floor = min(2, outlets) if outlets else 1
    return tuple(p.name for p in people if len(p.outlets) >= floor)[:MAX_PEOPLE]


def _top_entities(
    passages: Sequence[Passage],
    readings: Sequence[Reading],
    labels: frozenset[str],
    limit: int,
    outlets: int,
    keep: re.Pattern[str] | None = None,
) -> tuple[str, ...]:
    """The entities of these labels most outlets name, then most often, each in its usual form."""
    outlet_of = {p.id: p.outlet for p in passages}
    named: dict[str, set[str]] = defaultdict(set)
    count: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    tagged: dict[str, Counter[bool]] = defaultdict(Counter)  # how often a form has these labels
    by_passage = _entities_by_passage(passages, readings)
    for ents in by_passage.values():
        for ent in ents:
            tagged[_entity_text(ent.text).lower()][ent.label in labels] += 1
    for pid, ents in by_passage.items():
        for ent in ents:
            text = _entity_text(ent.text)
            if ent.label not in labels or not text or (keep is not None and not keep.search(text)):
                continue
            if tagged[text.lower()][True] * 2 <= sum(tagged[text.lower()].values()):
                continue  # "Melania" tagged a place once, a person more often: not a place
            key = text.lower()
            named[key].add(outlet_of[pid])
            count[key] += 1
            forms[key][text] += 1
    floor = min(2, outlets) if outlets else 1
    ranked = sorted(
        (key for key in named if len(named[key]) >= floor),
        key=lambda k: (-len(named[k]), -count[k], k),
    )
    return tuple(forms[k].most_common(1)[0][0] for k in ranked[:limit])


def _dates(
    passages: Sequence[Passage], readings: Sequence[Reading], outlets: int, *, years: set[int]
) -> tuple[str, ...]:
    """Dates that name a day, month or year ("Tuesday", "Aug. 10", "2021"), not "recent years",
    a decade ("the 1990s"), nor a year before the articles' own when they are dated ("2003" of
    a group listed as terrorist in 2003): background, not when the story happened."""
    found = _top_entities(
        passages, readings, frozenset({"DATE"}), MAX_DATES * 4, outlets, keep=_SPECIFIC_DATE
    )
    recent = {y for year in years for y in (year - 1, year, year + 1)}

    def current(date: str) -> bool:
        stated = {int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", date)}
        return not years or not stated or bool(stated & recent)

    return tuple(d for d in found if not _DECADE.search(d) and current(d))[:MAX_DATES]


def _entity_text(raw: str) -> str:
    """An entity as a list shows it: one line, no leading article, no possessive."""
    text = " ".join(raw.split())
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[’']s$", "", text).strip(" ,;:“”\"'()")
    last = text.rsplit(" ", 1)[-1]
    if text.endswith(".") and (
        "." in last[:-1] or (len(last) <= 4 and last[:-1].isalpha() and last[0].isupper())
    ):
        return text  # an abbreviation keeps its point: "U.S.", "N.Y.", "Mo."
    return text.strip(" .")
