"""Pair scoring: the signals that tell "same claim" from "same topic", and the calibrated model.

The weights are a logistic regression fitted by ``bench/calibrate.py`` on MSRP train pairs
and the annotated dev claims of the default corpus; the figures it reached are in the
comment above ``WEIGHTS``. Re-run that script and paste its output to recalibrate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.text import Words

FEATURES = (
    "cosine",  # IDF-weighted cosine of the two stem sets
    "overlap",  # IDF weight shared over the IDF weight of the smaller passage
    "rarest",  # IDF of the rarest shared stem, over the corpus maximum
    "sort_ratio",  # rapidfuzz token_sort_ratio of the stem strings
    "set_ratio",  # rapidfuzz token_set_ratio of the stem strings
    "bigrams",  # shared stem bigrams over the fewer bigrams
    "numbers_agree",  # both state numbers and share one
    "numbers_conflict",  # both state numbers and share none
    "names",  # Jaccard of the capitalised-name stems
    "names_conflict",  # both name someone and share no name
    "quoted",  # shared quoted stems over the fewer quoted stems
    "length",  # shorter over longer, in stems
)

# Fitted by `python bench/calibrate.py ../shared/calibration/msrp-train.tsv tests/data/gold-dev.json`.
INTERCEPT = -7.6588
WEIGHTS = (3.8539, 3.2182, 0.5165, 3.8079, 0.5222, -2.5024, 0.4505, -0.5154, -0.4924, -0.3502, 0.8227, 1.3743)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Inverse document frequencies of stems over the passages being aligned."""

    size: int
    idf_of: dict[str, float]

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> Vocabulary:
        """Count in how many passages each stem occurs, and turn counts into IDF."""
        df: Counter[str] = Counter()
        size = 0
        for stems in documents:
            size += 1
            df.update(set(stems))
        return cls(size=size, idf_of={t: math.log((size + 1) / (n + 0.5)) for t, n in df.items()})

    def idf(self, stem: str) -> float:
        """Smoothed inverse document frequency; unseen stems count as the rarest."""
        return self.idf_of.get(stem, self.max_idf)

    @property
    def max_idf(self) -> float:
        """The IDF of a stem seen once, the scale of ``rarest``."""
        return math.log((self.size + 1) / 1.5)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the pair signals need from one passage, computed once per passage."""

    words: Words
    stems: frozenset[str]
    weight: float  # sum of IDF over distinct stems
    norm: float  # Euclidean norm of the IDF vector
    joined: str  # stems in order, space-separated, for rapidfuzz
    bigrams: frozenset[tuple[str, str]]
    quoted: frozenset[str]

    @classmethod
    def of(cls, words: Words, vocabulary: Vocabulary) -> Profile:
        """Precompute a passage's weights against the vocabulary."""
        stems = frozenset(words.stems)
        idf = [vocabulary.idf(t) for t in stems]
        return cls(
            words=words,
            stems=stems,
            weight=sum(idf),
            norm=math.sqrt(sum(x * x for x in idf)),
            joined=" ".join(words.stems),
            bigrams=frozenset(zip(words.stems, words.stems[1:], strict=False)),
            quoted=frozenset(words.quoted),
        )


def features(a: Profile, b: Profile, vocabulary: Vocabulary) -> tuple[float, ...]:
    """The pair's signals, in the order of FEATURES, each on a 0-to-1 scale."""
    shared = a.stems & b.stems
    shared_idf = [vocabulary.idf(t) for t in shared]
    cosine = sum(x * x for x in shared_idf) / (a.norm * b.norm) if shared else 0.0
    overlap = sum(shared_idf) / min(a.weight, b.weight) if shared else 0.0
    rarest = max(shared_idf, default=0.0) / vocabulary.max_idf
    fewer = min(len(a.bigrams), len(b.bigrams))
    wa, wb = a.words, b.words
    both_numbers = bool(wa.numbers) and bool(wb.numbers)
    numbers_shared = bool(wa.numbers & wb.numbers)
    both_names = bool(wa.names) and bool(wb.names)
    names_union = wa.names | wb.names
    fewer_quoted = min(len(a.quoted), len(b.quoted))
    return (
        cosine,
        min(1.0, overlap),
        min(1.0, rarest),
        fuzz.token_sort_ratio(a.joined, b.joined) / 100,
        fuzz.token_set_ratio(a.joined, b.joined) / 100,
        len(a.bigrams & b.bigrams) / fewer if fewer else 0.0,
        float(both_numbers and numbers_shared),
        float(both_numbers and not numbers_shared),
        len(wa.names & wb.names) / len(names_union) if names_union else 0.0,
        float(both_names and not (wa.names & wb.names)),
        len(a.quoted & b.quoted) / fewer_quoted if fewer_quoted else 0.0,
        min(len(a.stems), len(b.stems)) / max(len(a.stems), len(b.stems), 1),
    )


def probability(a: Profile, b: Profile, vocabulary: Vocabulary) -> float:
    """Calibrated probability that two passages report the same claim."""
    z = INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, features(a, b, vocabulary), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
