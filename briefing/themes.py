"""Select each theme's key points from the clusters, with citations, and what one outlet alone reports."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.models import Alignment, Cluster, Passage, Point, Settings, ThemeSection, ThemeSpec
from briefing.text import words

# A passage serves a theme when its relevance reaches this; relevance is the IDF weight of
# the theme's terms it carries (a rare term alone, or two common ones, are enough).
MIN_RELEVANCE = 1.5
# Two points whose stem strings reach this token_set_ratio state one claim: keep the first.
DUPLICATE_RATIO = 70
# A point reads best as one sentence of ordinary length.
POINT_MIN_WORDS, POINT_MAX_WORDS = 6, 60
# Claims reported by one outlet alone, shown per theme and per outlet.
UNIQUE_PER_THEME = 4
UNIQUE_PER_OUTLET = 3
CONSENSUS_POINTS = 6


@dataclass(frozen=True, slots=True, kw_only=True)
class _Scored:
    passage: Passage
    stems: tuple[str, ...]
    anchors: int  # names, numbers and quotes: what makes a claim checkable


def select(
    alignment: Alignment, themes: Sequence[ThemeSpec], *, outlets: int, settings: Settings
) -> tuple[tuple[Point, ...], tuple[ThemeSection, ...], tuple[Point, ...]]:
    """Consensus points, one section per theme, and notable single-outlet claims."""
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
    cluster_points = [_cluster_point(c, scored, {}) for c in alignment.clusters]

    sections: list[ThemeSection] = []
    for theme in themes:
        terms = _theme_terms(theme)
        relevance = {pid: _relevance(s.stems, terms, idf) for pid, s in scored.items()}
        candidates = [_cluster_point(cluster, scored, relevance) for cluster in alignment.clusters]
        ranked = sorted(
            (p for p in candidates if p.relevance >= MIN_RELEVANCE),
            key=lambda p: (-len(p.outlets), -p.relevance, p.passage),
        )
        points = _budget(_fold(ranked, scored), settings)
        singles = sorted(
            (
                _single_point(scored[pid], relevance[pid] * (1 + scored[pid].anchors))
                for pid in scored
                if pid not in clustered and relevance[pid] >= MIN_RELEVANCE and _readable(scored[pid])
            ),
            key=lambda p: (-p.relevance, p.passage),
        )
        unique = _spread(_fold(singles, scored), UNIQUE_PER_THEME)
        sections.append(
            ThemeSection(
                id=theme.id, title=theme.title, question=theme.question, points=points, unique=unique
            )
        )

    consensus_ranked = sorted(
        cluster_points,
        key=lambda p: (-len(p.outlets), -p.relevance, p.passage),
    )
    consensus = tuple(p for p in _fold(consensus_ranked, scored) if len(p.outlets) >= min(3, outlets))
    unique_all = sorted(
        (
            _single_point(s, s.anchors * sum(idf(t) for t in set(s.stems)) / (1 + len(s.stems)))
            for pid, s in scored.items()
            if pid not in clustered and _readable(s)
        ),
        key=lambda p: (-p.relevance, p.passage),
    )
    per_outlet: Counter[str] = Counter()
    unique_points: list[Point] = []
    for point in unique_all:
        if per_outlet[point.outlets[0]] < UNIQUE_PER_OUTLET:
            per_outlet[point.outlets[0]] += 1
            unique_points.append(point)
    unique_points.sort(key=lambda p: (p.outlets[0], p.passage))
    return consensus[:CONSENSUS_POINTS], tuple(sections), tuple(unique_points)


def _theme_terms(theme: ThemeSpec) -> tuple[tuple[str, ...], ...]:
    """Each term or phrase as a stem tuple; example phrasings add their content words."""
    terms = [words(term).stems for term in theme.terms]
    terms.extend((s,) for example in theme.examples for s in set(words(example).stems))
    terms.extend((s,) for s in set(words(theme.title + " " + theme.question).stems))
    return tuple(dict.fromkeys(t for t in terms if t))


def _relevance(
    stems: tuple[str, ...], terms: tuple[tuple[str, ...], ...], idf: Callable[[str], float]
) -> float:
    """IDF weight of the distinct theme terms a passage carries; a phrase counts when all its stems do."""
    present = set(stems)
    return sum(
        sum(idf(s) for s in term) / len(term) * (1.5 if len(term) > 1 else 1.0)
        for term in terms
        if all(s in present for s in term)
    )


def _anchors(text: str, names: frozenset[str], numbers: frozenset[float]) -> int:
    quotes = sum(text.count(q) for q in '“"') // 2
    return len(names) + len(numbers) + min(quotes, 2)


def _readable(item: _Scored) -> bool:
    size = len(item.passage.text.split())
    return POINT_MIN_WORDS <= size <= POINT_MAX_WORDS


def _cluster_point(cluster: Cluster, scored: dict[str, _Scored], relevance: dict[str, float]) -> Point:
    """The cluster's clearest member for a theme: the most relevant, then best-linked, readable one."""
    strength: dict[str, float] = defaultdict(float)
    for link in cluster.links:
        strength[link.a] += link.score
        strength[link.b] += link.score
    members = [scored[pid] for pid in cluster.passages]
    readable = [m for m in members if _readable(m)] or members
    best = max(
        readable,
        key=lambda m: (
            relevance.get(m.passage.id, 0.0),
            strength[m.passage.id],
            -len(m.passage.text),
            m.passage.id,
        ),
    )
    return Point(
        text=best.passage.text,
        passage=best.passage.id,
        passages=cluster.passages,
        outlets=cluster.outlets,
        cluster=cluster.id,
        relevance=round(relevance.get(best.passage.id, 0.0), 4),
    )


def _single_point(item: _Scored, relevance: float) -> Point:
    return Point(
        text=item.passage.text,
        passage=item.passage.id,
        passages=(item.passage.id,),
        outlets=(item.passage.outlet,),
        cluster=None,
        relevance=round(relevance, 4),
    )


def _fold(ranked: Sequence[Point], scored: dict[str, _Scored]) -> list[Point]:
    """Keep points in rank order, dropping any that restates one already kept."""
    kept: list[Point] = []
    for point in ranked:
        text = " ".join(scored[point.passage].stems)
        if all(fuzz.token_set_ratio(text, " ".join(scored[k.passage].stems)) < DUPLICATE_RATIO for k in kept):
            kept.append(point)
    return kept


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
    """Up to ``limit`` points, one per outlet first, then the rest in rank order."""
    first: list[Point] = []
    seen: set[str] = set()
    for point in points:
        if point.outlets[0] not in seen:
            seen.add(point.outlets[0])
            first.append(point)
    rest = [p for p in points if p not in first]
    return tuple((first + rest)[:limit])
