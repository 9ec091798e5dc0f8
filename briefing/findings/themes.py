"""Select each theme's key points from the clusters, with citations, what one outlet alone reports,
and the consensus: the claims most independent outlets share, the most central to the story first."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.findings.centrality import Centrality, measure
from briefing.findings.uniqueness import Closeness
from briefing.models import Alignment, Article, Cluster, Passage, Point, Settings, ThemeSection, ThemeSpec
from briefing.text import fragment, leans, without_dateline, words

# A passage serves a theme when its relevance reaches this; relevance is the IDF weight of
# the theme's terms it carries (a rare term alone, or two common ones, are enough).
MIN_RELEVANCE = 1.5
# A passage serves every theme on which its relevance reaches this share of its best theme's.
SHARE_OF_BEST = 0.75
# Ranking: relevance times outlets to this power; 1.5 lets a claim of four outlets outrank a
# more central claim of two, but not one three times as central.
OUTLET_WEIGHT = 1.5
# Two points whose stem strings reach this token_set_ratio state one claim: keep the first.
DUPLICATE_RATIO = 70
# A point reads best as one sentence of ordinary length.
POINT_MIN_WORDS, POINT_MAX_WORDS = 6, 60
# Claims reported by one outlet alone, shown per theme and per outlet.
UNIQUE_PER_THEME = 4
UNIQUE_PER_OUTLET = 3
CONSENSUS_POINTS = 6
# Consensus: a claim counts its independent outlets (a reprint's copies are in no cluster, and
# only the counted outlets count) and qualifies when min(3, outlets) carry it. When fewer than
# CONSENSUS_MIN claims qualify, claims of two outlets join them if two is a majority of the
# story's outlets ("two of three") or if no claim at all reaches three.
CONSENSUS_MIN = 3
# Ranked by centrality to the story (centrality.py: what the other claims, the articles and the
# headlines are about) times outlets to this power, as the overview weighs them: a claim of three
# outlets outranks a two-outlet claim up to 1.5 times as central. Calibrated with bench/rouge.py's
# stories: consensus-only ROUGE-2 (first 200 words) 0.0751 / 0.0753 / 0.0765 at 1 / 2 / 3 (flat;
# the old ranking by outlets alone: 0.0304, empty on 10 of 18 stories); 1 keeps an aside all
# outlets share from leading what the story is about.
CONSENSUS_OUTLET_WEIGHT = 1.0
# Single-outlet claims are spread over outlets from this many times as many candidates.
SPREAD_POOL = 4
# ... among the points at least this share as relevant as the best one.
SPREAD_FLOOR = 0.5
# A single-outlet point gains from its anchors (names, figures, quotes: it can be checked), up to
# this many: past it a name-laden aside would outrank what the theme is about.
ANCHOR_CAP = 2


# A sentence opening with a pronoun or a conjunction leans on the one before it: as a point,
# a sentence that stands alone reads better, unless the leaning one is far more relevant.
LEANING_PENALTY = 0.7
# A cluster's point is stated by one of its members linked at least this share as strongly (summed
# link scores) as its best-linked one: a passage that joined a claim on weak links (the semantic
# route's attachments, a merge at MERGE_MIN) may be the most relevant to a theme while saying
# something else ("Key officials ... have all spoken positively about the Taliban" joined
# "We have maintained contacts with the Taliban for the last seven years" at pair scores 0.03).
# In a two-passage claim both members are linked alike, so this decides only in larger ones.
# Half: a member linked as a pair is far above it (0.6 + 0.03 against 0.03 + 0.04 there). Measured
# with bench/rouge.py (18 Multi-News stories, the semantic route on) the consensus moved 1.05 ->
# 1.04 of the baseline's ROUGE-2 and the lead not at all.
CORE_SHARE = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class _Scored:
    passage: Passage
    stems: tuple[str, ...]
    anchors: int  # names, numbers and quotes: what makes a claim checkable


def select(
    alignment: Alignment,
    themes: Sequence[ThemeSpec],
    *,
    outlets: Sequence[str],
    articles: Sequence[Article],
    lead: Sequence[Point] = (),
    settings: Settings,
) -> tuple[tuple[Point, ...], tuple[ThemeSection, ...], tuple[Point, ...]]:
    """Consensus points, one section per theme, and notable single-outlet claims.

    ``outlets`` are the outlets counted as sources (none that only reprints another), ``articles``
    give the headlines, ``lead`` is the overview, whose sentences the consensus does not repeat
    word for word where another member of the claim's cluster reads as well.
    """
    scored = {
        p.id: _Scored(
            passage=p, stems=(w := words(p.text)).stems, anchors=_anchors(p.text, w.names, w.numbers)
        )
        for p in alignment.passages
    }
    df: Counter[str] = Counter()
    for item in scored.values():
        df.update(set(item.stems))
    n = max(1, len(scored))

    def idf(token: str) -> float:
        return math.log((n + 1) / (df.get(token, 0) + 0.5))

    clustered = {pid for cluster in alignment.clusters for pid in cluster.passages}
    closeness = Closeness(alignment.passages)

    # Relevance of every passage to every theme; a passage serves the themes where its
    # relevance is close to its best, so "no rush to recognize" stays out of "military".
    relevances = [
        {pid: _relevance(item.stems, _theme_terms(theme), idf) for pid, item in scored.items()}
        for theme in themes
    ]
    best = {pid: max((r[pid] for r in relevances), default=0.0) for pid in scored}

    def serves(pid: str, relevance: dict[str, float]) -> bool:
        return relevance[pid] >= MIN_RELEVANCE and relevance[pid] >= SHARE_OF_BEST * best[pid]

    sections: list[ThemeSection] = []
    for theme, relevance in zip(themes, relevances, strict=True):
        candidates = [
            _cluster_point(cluster, scored, relevance)
            for cluster in alignment.clusters
            if any(serves(pid, relevance) for pid in cluster.passages) and _states(cluster, scored)
        ]
        # Rank by how many outlets report a claim and how central it is to the theme.
        ranked = sorted(
            candidates,
            key=lambda p: (-(len(p.outlets) ** OUTLET_WEIGHT) * p.relevance, p.passage),
        )
        points = _budget(_fold(ranked, scored, limit=settings.max_points), settings)
        singles = sorted(
            (
                _single_point(
                    scored[pid],
                    relevance[pid] * (1 + min(scored[pid].anchors, ANCHOR_CAP)) * _lean(scored[pid]),
                )
                for pid in scored
                if pid not in clustered and serves(pid, relevance) and _readable(scored[pid])
            ),
            key=lambda p: (-p.relevance, p.passage),
        )
        # Lazy: a single that restates a key point or an earlier single is skipped.
        distinct = closeness.distinct(singles, shown=[pid for point in points for pid in point.passages])
        unique = _spread(_fold(distinct, scored, limit=UNIQUE_PER_THEME * SPREAD_POOL), UNIQUE_PER_THEME)
        sections.append(
            ThemeSection(
                id=theme.id,
                title=theme.title,
                question=theme.question,
                points=points,
                unique=unique,
            )
        )

    consensus = _consensus(
        alignment,
        scored,
        centre=measure(alignment, articles=articles),
        counted=frozenset(outlets),
        lead=lead,
    )
    unique_all = sorted(
        (
            _single_point(
                s, s.anchors * math.fsum(idf(t) for t in set(s.stems)) / (1 + len(s.stems)) * _lean(s)
            )
            for pid, s in scored.items()
            if pid not in clustered and _readable(s)
        ),
        key=lambda p: (-p.relevance, p.passage),
    )
    per_outlet: Counter[str] = Counter()
    unique_points: list[Point] = []
    # Nor one that restates a claim the lead or the consensus cites other outlets for.
    shown = closeness.shown(pid for point in (*lead, *consensus) for pid in point.passages)
    # Nor one the lead already states, nor one that restates a point of its own outlet kept
    # before it (an outlet may quote one remark twice: "'I'm sad that he was indicted,' said
    # Ed Mullins" and "Ed Mullins responded ..., 'I'm sad that he was indicted'").
    # The lead may show a clause as the whole sentence it was cut from: the sentence's other
    # clauses are stated too.
    said = [" ".join(point.text.split()) for point in lead]
    stated = {point.passage for point in lead} | {
        p.id for p in alignment.passages if any(" ".join(p.text.split()) in text for text in said)
    }
    kept_texts: list[str] = []
    for point in unique_all:
        if per_outlet[point.outlets[0]] >= UNIQUE_PER_OUTLET or point.passage in stated:
            continue
        text = " ".join(scored[point.passage].stems)
        if shown.close_to(point.passage) or _restates_any(text, kept_texts):
            continue
        per_outlet[point.outlets[0]] += 1
        unique_points.append(point)
        shown.add(point.passage)
        kept_texts.append(text)
    unique_points.sort(key=lambda p: (p.outlets[0], p.passage))
    return consensus, tuple(sections), tuple(unique_points)


def _consensus(
    alignment: Alignment,
    scored: dict[str, _Scored],
    *,
    centre: Centrality,
    counted: frozenset[str],
    lead: Sequence[Point],
) -> tuple[Point, ...]:
    """The claims most independent outlets share, ranked by outlets and centrality, each once."""
    story_outlets = len(counted) or len({p.outlet for p in alignment.passages})
    said = {" ".join(p.text.split()) for p in lead} | {p.passage for p in lead}
    supported: list[tuple[int, Point]] = []
    for cluster in alignment.clusters:
        support = len(counted.intersection(cluster.outlets)) or len(cluster.outlets)
        if support >= 2 and _states(cluster, scored):
            point = _consensus_point(cluster, scored, centre, said, support)
            if point.passage in said or " ".join(point.text.split()) in said:
                continue  # every member that reads alone is the overview's own sentence: said once
            supported.append((support, point))
    widely = [point for support, point in supported if support >= min(3, story_outlets)]
    if len(widely) < CONSENSUS_MIN and (story_outlets <= 3 or not widely):
        widely = [point for _, point in supported]
    ranked = sorted(widely, key=lambda p: (-p.relevance, p.passage))
    return tuple(_fold(ranked, scored, limit=CONSENSUS_POINTS))


def _consensus_point(
    cluster: Cluster, scored: dict[str, _Scored], centre: Centrality, said: set[str], support: int
) -> Point:
    """The claim's clearest member, one the overview has not already said word for word if
    another reads as well; scored by the claim's centrality (its most central readable member)
    times its outlets to CONSENSUS_OUTLET_WEIGHT (and LEANING_PENALTY when no member reads alone)."""
    strength, readable = _members(cluster, scored)
    best = max(
        readable,
        key=lambda m: (
            not leans(m.passage.text),
            m.passage.id not in said and " ".join(m.passage.text.split()) not in said,
            centre.of(m.passage.id),
            strength[m.passage.id],
            -len(m.passage.text),
            m.passage.id,
        ),
    )
    centrality = max(centre.of(m.passage.id) for m in readable)
    if leans(best.passage.text):  # no member reads alone: the claim makes a poor summary line
        centrality *= LEANING_PENALTY
    return _stated_by(best, cluster, centrality * support**CONSENSUS_OUTLET_WEIGHT)


def _theme_terms(theme: ThemeSpec) -> tuple[tuple[str, ...], ...]:
    """Each term or phrase as a stem tuple; example phrasings add their content words."""
    terms = [words(term).stems for term in theme.terms]
    terms.extend((s,) for example in theme.examples for s in set(words(example).stems))
    terms.extend((s,) for s in set(words(theme.title + " " + theme.question).stems))
    return tuple(dict.fromkeys(t for t in terms if t))


def _relevance(
    stems: tuple[str, ...], terms: tuple[tuple[str, ...], ...], idf: Callable[[str], float]
) -> float:
    """IDF weight of the distinct theme terms a passage carries; a phrase counts when all its
    stems do. One single-word term alone is not enough ("forces" in "political forces")."""
    present = set(stems)
    matched = [term for term in terms if all(s in present for s in term)]
    if len(matched) < 2 and not any(len(term) > 1 for term in matched):
        return 0.0
    return sum(sum(idf(s) for s in term) / len(term) * (1.5 if len(term) > 1 else 1.0) for term in matched)


def _anchors(text: str, names: frozenset[str], numbers: frozenset[float]) -> int:
    quotes = sum(text.count(q) for q in '“"') // 2
    return len(names) + len(numbers) + min(quotes, 2)


def _readable(item: _Scored) -> bool:
    """Of a point's length, and a sentence: no clause cut mid-way ("while the Foreign Ministry
    said ...", "... adding,") nor the tail of a quotation opened in another passage."""
    size = len(item.passage.text.split())
    return POINT_MIN_WORDS <= size <= POINT_MAX_WORDS and not fragment(item.passage.text)


def _stated_by(best: _Scored, cluster: Cluster, relevance: float) -> Point:
    """The cluster's claim as a point, in the words of its member ``best``."""
    return Point(
        text=without_dateline(best.passage.text),
        passage=best.passage.id,
        passages=cluster.passages,
        outlets=cluster.outlets,
        cluster=cluster.id,
        relevance=round(relevance, 4),
    )


def _lean(item: _Scored) -> float:
    """LEANING_PENALTY for a passage that needs the one before it ("and that he was …"), else 1."""
    return LEANING_PENALTY if leans(item.passage.text) else 1.0


def _members(cluster: Cluster, scored: dict[str, _Scored]) -> tuple[dict[str, float], list[_Scored]]:
    """Each member's summed link strength, and the members that may state the claim: those that
    read alone (all, if none does) and are linked at least CORE_SHARE as strongly as the best
    linked of them."""
    strength: dict[str, float] = defaultdict(float)
    for link in cluster.links:
        strength[link.a] += link.score
        strength[link.b] += link.score
    members = [scored[pid] for pid in cluster.passages]
    readable = [m for m in members if _readable(m)] or members
    top = max(strength[m.passage.id] for m in readable)
    return strength, [m for m in readable if strength[m.passage.id] >= CORE_SHARE * top]


def _states(cluster: Cluster, scored: dict[str, _Scored]) -> bool:
    """Whether some member of a claim is a sentence, not a fragment: a claim whose every member
    is a clause cut mid-way ("but in June the Supreme Court voted, 5-4, ...") makes no point."""
    return any(not fragment(scored[pid].passage.text) for pid in cluster.passages)


def _cluster_point(cluster: Cluster, scored: dict[str, _Scored], relevance: dict[str, float]) -> Point:
    """The cluster's clearest member for a theme: the most relevant, then best-linked, readable one."""
    strength, readable = _members(cluster, scored)
    best = max(
        readable,
        key=lambda m: (
            relevance.get(m.passage.id, 0.0) * (LEANING_PENALTY if leans(m.passage.text) else 1.0),
            not leans(m.passage.text),  # decides when no theme ranks (the summary)
            strength[m.passage.id],
            -len(m.passage.text),
            m.passage.id,
        ),
    )
    return _stated_by(best, cluster, relevance.get(best.passage.id, 0.0))


def _single_point(item: _Scored, relevance: float) -> Point:
    return Point(
        text=without_dateline(item.passage.text),
        passage=item.passage.id,
        passages=(item.passage.id,),
        outlets=(item.passage.outlet,),
        cluster=None,
        relevance=round(relevance, 4),
    )


def _fold(ranked: Iterable[Point], scored: dict[str, _Scored], *, limit: int) -> list[Point]:
    """The first ``limit`` points in rank order, dropping any that restates one already kept."""
    kept: list[Point] = []
    kept_texts: list[str] = []
    for point in ranked:
        if len(kept) >= limit:
            break
        text = " ".join(scored[point.passage].stems)
        if not _restates_any(text, kept_texts):
            kept.append(point)
            kept_texts.append(text)
    return kept


def _restates_any(text: str, others: Iterable[str]) -> bool:
    """Whether a point's stem string reaches DUPLICATE_RATIO with any of ``others``."""
    return any(fuzz.token_set_ratio(text, other) >= DUPLICATE_RATIO for other in others)


def _budget(points: Sequence[Point], settings: Settings) -> tuple[Point, ...]:
    """At most ``max_points`` points and ``max_words`` words, in rank order."""
    chosen: list[Point] = []
    total = 0
    for point in points:
        size = len(point.text.split())
        if len(chosen) >= settings.max_points or total + size > settings.max_words:
            break
        chosen.append(point)
        total += size
    return tuple(chosen)


def _spread(points: Sequence[Point], limit: int) -> tuple[Point, ...]:
    """Up to ``limit`` points, one per outlet first, then the rest in rank order.

    Only points of at least SPREAD_FLOOR times the best relevance take an outlet's first
    place: balance between outlets must not push out what is plainly central.
    """
    first: list[Point] = []
    seen: set[str] = set()
    floor = SPREAD_FLOOR * max((p.relevance for p in points), default=0.0)
    for point in points:
        if point.outlets[0] not in seen and point.relevance >= floor:
            seen.add(point.outlets[0])
            first.append(point)
    rest = [p for p in points if p not in first]
    return tuple((first + rest)[:limit])
