"""Pair scoring: the signals that tell "same claim" from "same topic", and the calibrated model.

The weights are a logistic regression fitted by ``bench/calibrate.py`` on MSRP train pairs
and the annotated dev claims of the default corpus; the figures it reached are in the
comment above ``WEIGHTS``. Re-run that script and paste its output to recalibrate.
"""

from __future__ import annotations

import itertools
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
    "coverage",  # IDF weight shared over the IDF weight of the larger passage
    "char_ratio",  # rapidfuzz ratio of the lower-cased texts, punctuation dropped
    "rare_shared",  # shared stems that occur in at most RARE_DF passages (names, figures), capped
    "numbers_same",  # both state numbers and state the same ones
    "numbers_missing",  # share of the numbers of either side that the other does not state
)
# Below this many pairs, scoring one by one costs less than starting the batch (and numpy).
BATCH_FROM = 20_000
BATCH_SIZE = 50_000
# A stem in at most this many passages is an anchor: in a one-story corpus, the names and
# figures that only the passages reporting one claim carry.
RARE_DF = 3
RARE_CAP = 3

# Fitted by `python bench/calibrate.py ../shared/calibration/msrp-train.tsv` (dev examples
# weighted 20 each): MSRP train accuracy 0.742 / F1 0.818 as a pair classifier at 0.5;
# average precision 0.119 over the dev corpus's candidate pairs (0.084 with weight 4).
INTERCEPT = -8.8225
WEIGHTS = (
    1.3066,
    1.9467,
    1.6086,
    2.5921,
    0.7901,
    -4.1460,
    0.8668,
    0.0959,
    -0.0972,
    -0.4129,
    1.0928,
    -0.5515,
    3.2753,
    5.3068,
    0.2400,
    0.1758,
    -0.5347,
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Inverse document frequencies of stems over the passages being aligned."""

    size: int
    idf_of: dict[str, float]
    df_of: dict[str, int]
    max_idf: float  # the IDF of a stem seen once, the scale of ``rarest``

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> Vocabulary:
        """Count in how many passages each stem occurs, and turn counts into IDF."""
        df: Counter[str] = Counter()
        size = 0
        for stems in documents:
            size += 1
            df.update(set(stems))
        idf_of = {t: math.log((size + 1) / (n + 0.5)) for t, n in df.items()}
        return cls(size=size, idf_of=idf_of, df_of=dict(df), max_idf=math.log((size + 1) / 1.5))

    def idf(self, stem: str) -> float:
        """Smoothed inverse document frequency; unseen stems count as the rarest."""
        return self.idf_of.get(stem, self.max_idf)


@dataclass(frozen=True, slots=True)
class Profile:
    """What the pair signals need from one passage, computed once per passage.

    Kept small (sets are rebuilt per pair from the stem tuple): at 10,000 articles there are
    300,000 profiles, and frozensets of stems and bigrams tripled the aligner's memory.
    """

    words: Words
    weight: float  # sum of IDF over distinct stems
    norm: float  # Euclidean norm of the IDF vector
    joined: str  # stems in order, space-separated, for rapidfuzz
    distinct: int  # number of distinct stems

    @classmethod
    def of(cls, words: Words, vocabulary: Vocabulary) -> Profile:
        """Precompute a passage's weights against the vocabulary."""
        stems = set(words.stems)
        idf = [vocabulary.idf(t) for t in stems]
        return cls(
            words=words,
            weight=sum(idf),
            norm=math.sqrt(sum(x * x for x in idf)),
            joined=" ".join(words.stems),
            distinct=len(stems),
        )

    @property
    def plain(self) -> str:
        """Lower-cased words, punctuation dropped, for character ratios."""
        return self.words.plain


def features(
    a: Profile, b: Profile, vocabulary: Vocabulary, ratios: tuple[float, float, float] | None = None
) -> tuple[float, ...]:
    """The pair's signals, in the order of FEATURES, each on a 0-to-1 scale.

    ``ratios`` are the three rapidfuzz scores (token_sort, token_set, ratio), when a batch
    computed them already; they are computed here otherwise.
    """
    if ratios is None:
        ratios = (
            fuzz.token_sort_ratio(a.joined, b.joined),
            fuzz.token_set_ratio(a.joined, b.joined),
            fuzz.ratio(a.plain, b.plain),
        )
    stems_a, stems_b = a.words.stems, b.words.stems
    shared = set(stems_a).intersection(stems_b)
    shared_idf = [vocabulary.idf(t) for t in shared]
    cosine = sum(x * x for x in shared_idf) / (a.norm * b.norm) if shared else 0.0
    overlap = sum(shared_idf) / min(a.weight, b.weight) if shared else 0.0
    rarest = max(shared_idf, default=0.0) / vocabulary.max_idf
    bigrams_a = set(itertools.pairwise(stems_a))
    bigrams_b = set(itertools.pairwise(stems_b))
    fewer = min(len(bigrams_a), len(bigrams_b))
    wa, wb = a.words, b.words
    both_numbers = bool(wa.numbers) and bool(wb.numbers)
    numbers_shared = bool(wa.numbers & wb.numbers)
    both_names = bool(wa.names) and bool(wb.names)
    names_union = wa.names | wb.names
    quoted_a, quoted_b = set(wa.quoted), set(wb.quoted)
    fewer_quoted = min(len(quoted_a), len(quoted_b))
    return (
        cosine,
        min(1.0, overlap),
        min(1.0, rarest),
        ratios[0] / 100,
        ratios[1] / 100,
        len(bigrams_a & bigrams_b) / fewer if fewer else 0.0,
        float(both_numbers and numbers_shared),
        float(both_numbers and not numbers_shared),
        len(wa.names & wb.names) / len(names_union) if names_union else 0.0,
        float(both_names and not (wa.names & wb.names)),
        len(quoted_a & quoted_b) / fewer_quoted if fewer_quoted else 0.0,
        min(a.distinct, b.distinct) / max(a.distinct, b.distinct, 1),
        sum(shared_idf) / max(a.weight, b.weight) if shared else 0.0,
        ratios[2] / 100,
        min(RARE_CAP, sum(1 for t in shared if vocabulary.df_of.get(t, 0) <= RARE_DF)) / RARE_CAP,
        float(both_numbers and wa.numbers == wb.numbers),
        len(wa.numbers ^ wb.numbers) / len(wa.numbers | wb.numbers) if wa.numbers or wb.numbers else 0.0,
    )


def probability(a: Profile, b: Profile, vocabulary: Vocabulary) -> float:
    """Calibrated probability that two passages report the same claim."""
    return _logistic(features(a, b, vocabulary))


def probabilities(pairs: Sequence[tuple[Profile, Profile]], vocabulary: Vocabulary) -> list[float]:
    """probability() for many pairs; the string scores run in rapidfuzz's C batch (all cores),
    a chunk at a time so that memory stays flat however many pairs there are."""
    if len(pairs) < BATCH_FROM:
        return [probability(a, b, vocabulary) for a, b in pairs]
    from rapidfuzz import process

    result: list[float] = []
    for start in range(0, len(pairs), BATCH_SIZE):
        chunk = pairs[start : start + BATCH_SIZE]
        joined_a, joined_b = [a.joined for a, _ in chunk], [b.joined for _, b in chunk]
        sort = process.cpdist(joined_a, joined_b, scorer=fuzz.token_sort_ratio, workers=-1).tolist()
        tokens = process.cpdist(joined_a, joined_b, scorer=fuzz.token_set_ratio, workers=-1).tolist()
        plain = process.cpdist(
            [a.plain for a, _ in chunk], [b.plain for _, b in chunk], scorer=fuzz.ratio, workers=-1
        ).tolist()
        result.extend(
            _logistic(features(a, b, vocabulary, (x, y, z)))
            for (a, b), x, y, z in zip(chunk, sort, tokens, plain, strict=True)
        )
    return result


def _logistic(signals: tuple[float, ...]) -> float:
    z = INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, signals, strict=True))
    return 1.0 / (1.0 + math.exp(-z))
