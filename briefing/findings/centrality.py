"""How central a passage is to the story, MEAD-style: shared by the overview and the consensus.

1. The story's profile: each content stem weighted by its IDF over the passages times how widely
   the story uses it (the share of articles, of shared claims and of headlines that carry it).
2. A passage's centrality: the cosine of its IDF-weighted stems with that profile, 0 to 1.

A shared helper, like text.py: it imports models and text only, so stages may use it without
importing one another.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from briefing.models import Alignment, Article
from briefing.text import words

# Profile weights of the three ways a word shows it is what the story is about: the share of
# articles using it, of shared claims and of headlines. Calibrated on the overview (bench/rouge.py,
# 18 Multi-News stories): article weight 0 instead of 1 took the ratio to lead-200 from 1.29 to
# 1.20; the claim and headline weights are flat from 0 to 2.
ARTICLE_WEIGHT, CLAIM_WEIGHT, HEADLINE_WEIGHT = 1.0, 1.0, 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Centrality:
    """The story's profile, and each aligned passage's distinct content stems."""

    stems: Mapping[str, frozenset[str]]  # passage id -> its distinct content stems
    idf: Mapping[str, float]
    profile: Mapping[str, float]
    norm: float  # the profile's Euclidean length

    def of(self, pid: str) -> float:
        """The cosine of the passage's IDF-weighted stems with the story's profile."""
        own = self.stems[pid]
        # math.fsum throughout: a sum over a set would otherwise depend on the set's (hash) order
        # in its last bits, and two claims scoring alike could swap places from one run to the next.
        length = math.sqrt(math.fsum(self.idf[s] ** 2 for s in own)) or 1.0
        return math.fsum(self.idf[s] * self.profile.get(s, 0.0) for s in own) / (length * self.norm)


def measure(alignment: Alignment, *, articles: Sequence[Article]) -> Centrality:
    """The centrality of every passage of ``alignment`` to the story its articles tell."""
    stems = {p.id: frozenset(words(p.text).stems) for p in alignment.passages}
    idf = _idf(stems.values())
    profile = _profile(alignment, articles, stems, idf)
    norm = math.sqrt(math.fsum(v * v for v in profile.values())) or 1.0
    return Centrality(stems=stems, idf=idf, profile=profile, norm=norm)


def _idf(stem_sets: Iterable[frozenset[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    total = 0
    for found in stem_sets:
        df.update(found)
        total += 1
    return {s: math.log((total + 1) / (count + 0.5)) for s, count in df.items()}


def _profile(
    alignment: Alignment,
    articles: Sequence[Article],
    stems: Mapping[str, frozenset[str]],
    idf: Mapping[str, float],
) -> dict[str, float]:
    """Each stem's IDF times the share of articles, shared claims and headlines that carry it."""
    by_doc: dict[str, set[str]] = defaultdict(set)
    for p in alignment.passages:
        by_doc[p.doc].update(stems[p.id])
    in_docs = Counter(s for found in by_doc.values() for s in found)
    in_claims = Counter(
        s for c in alignment.clusters for s in frozenset().union(*(stems[pid] for pid in c.passages))
    )
    headlines = [
        frozenset(words(a.title).stems)
        for a in articles
        if a.id in by_doc and a.title and a.title.lower() != PurePosixPath(a.path).stem.lower()
    ]
    in_headlines = Counter(s for found in headlines for s in found)
    docs, claims, heads = len(by_doc) or 1, len(alignment.clusters), len(headlines)
    profile: dict[str, float] = {}
    for s, weight in idf.items():
        share = ARTICLE_WEIGHT * in_docs[s] / docs
        if claims:
            share += CLAIM_WEIGHT * in_claims[s] / claims
        if heads:
            share += HEADLINE_WEIGHT * in_headlines[s] / heads
        # A word of one article only says nothing about what the story is.
        if in_docs[s] > 1 or docs == 1:
            profile[s] = weight * share
    return profile
