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
    """Document frequencies of stems over the passages being aligned."""

    size: int
    df: dict[str, int]

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> Vocabulary:
        """Count in how many passages each stem occurs."""
        df: Counter[str] = Counter()
        size = 0
        for stems in documents:
            size += 1
            df.update(set(stems))
        return cls(size=size, df=dict(df))

    def idf(self, stem: str) -> float:
        """Smoothed inverse document frequency; unseen stems count as the rarest."""
        return math.log((self.size + 1) / (self.df.get(stem, 0) + 0.5))

    @property
    def max_idf(self) -> float:
        """The IDF of a stem seen once, the scale of ``rarest``."""
        return math.log((self.size + 1) / 1.5)


def features(a: Words, b: Words, vocabulary: Vocabulary) -> tuple[float, ...]:
    """The pair's signals, in the order of FEATURES, each on a 0-to-1 scale."""
    set_a, set_b = set(a.stems), set(b.stems)
    shared = set_a & set_b
    weight_a = sum(vocabulary.idf(t) for t in set_a)
    weight_b = sum(vocabulary.idf(t) for t in set_b)
    weight_shared = sum(vocabulary.idf(t) for t in shared)
    norm_a = math.sqrt(sum(vocabulary.idf(t) ** 2 for t in set_a))
    norm_b = math.sqrt(sum(vocabulary.idf(t) ** 2 for t in set_b))
    cosine = sum(vocabulary.idf(t) ** 2 for t in shared) / (norm_a * norm_b) if shared else 0.0
    overlap = weight_shared / min(weight_a, weight_b) if shared else 0.0
    rarest = max((vocabulary.idf(t) for t in shared), default=0.0) / vocabulary.max_idf
    text_a, text_b = " ".join(a.stems), " ".join(b.stems)
    bigrams_a = set(zip(a.stems, a.stems[1:], strict=False))
    bigrams_b = set(zip(b.stems, b.stems[1:], strict=False))
    fewer = min(len(bigrams_a), len(bigrams_b))
    both_numbers = bool(a.numbers) and bool(b.numbers)
    numbers_shared = bool(a.numbers & b.numbers)
    both_names = bool(a.names) and bool(b.names)
    names_union = a.names | b.names
    quoted_a, quoted_b = set(a.quoted), set(b.quoted)
    fewer_quoted = min(len(quoted_a), len(quoted_b))
    return (
        cosine,
        min(1.0, overlap),
        min(1.0, rarest),
        fuzz.token_sort_ratio(text_a, text_b) / 100,
        fuzz.token_set_ratio(text_a, text_b) / 100,
        len(bigrams_a & bigrams_b) / fewer if fewer else 0.0,
        float(both_numbers and numbers_shared),
        float(both_numbers and not numbers_shared),
        len(a.names & b.names) / len(names_union) if names_union else 0.0,
        float(both_names and not (a.names & b.names)),
        len(quoted_a & quoted_b) / fewer_quoted if fewer_quoted else 0.0,
        min(len(set_a), len(set_b)) / max(len(set_a), len(set_b), 1),
    )


def probability(a: Words, b: Words, vocabulary: Vocabulary) -> float:
    """Calibrated probability that two passages report the same claim."""
    z = INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, features(a, b, vocabulary), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
