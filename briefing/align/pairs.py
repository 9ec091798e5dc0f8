"""Pair scoring: the signals that tell "same claim" from "same topic", and the calibrated model.

The weights are a logistic regression fitted by ``bench/calibrate.py`` on MSRP train pairs
and the annotated dev claims of the default corpus; the figures it reached are in the
comment above ``WEIGHTS``. Re-run that script and paste its output to recalibrate.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.align.anchors import FIGURE_KINDS, NONE, ORG, PERSON, PLACE, PassageAnchors, unit_of
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
    # Entity anchors (``anchors.py``), each weighed by its rarity in the corpus (``rarity``):
    "anchors_shared",  # rare names and figures both state, summed rarity, capped at 1
    "person_conflict",  # each names a person the other does not (the rarer, the stronger)
    "place_conflict",  # each names a place or organisation the other does not
    "figures_agree",  # both state a figure of one unit, and the same value
    "figures_conflict",  # both state figures of one unit, never the same value
    "years_conflict",  # both state years (or month days), none the same
    "same_speaker",  # a verb of saying with the same named speaker in both
    "speaker_conflict",  # both have named speakers, none the same
    "context_apart",  # 1 - overlap of the two articles' own names and years (anchors.context)
)
# Below this many pairs, scoring one by one costs less than starting the batch (and numpy).
BATCH_FROM = 20_000
BATCH_SIZE = 50_000
# A stem in at most this many passages is an anchor: in a one-story corpus, the names and
# figures that only the passages reporting one claim carry.
RARE_DF = 3
RARE_CAP = 3
# Three rare shared anchors (anchors.rarity) are full evidence.
ANCHORS_CAP = 3.0

# Fitted by `python bench/calibrate.py ../shared/calibration/msrp-train.tsv` before the anchors
# (MSRP train pairs and the dev annotation, dev examples weighted 20 each): MSRP train accuracy
# 0.742 / F1 0.818 as a pair classifier at 0.5; average precision 0.119 over the dev corpus's
# candidate pairs. The anchor signals weigh 0: the anchors act through the candidate index
# (figures), CONTEXT_GATE in linking.py and ``conflicting`` here. Fits that weigh them too
# (bench/calibrate.py --stacked --weights 3,1,1: the lexical weights scaled by 0.735 and the
# anchor signals fitted beside them on ECB+ dev, the dev annotation and MSRP train) raised ECB+
# pair recall out of sample (0.046 -> 0.060 at link threshold 0.2, annotated precision 0.963 ->
# 0.971) but learned event-level agreement from ECB+ (same people, same event) that is not
# claim-level: on the default corpus "Lavrov welcomed the possibility that the Taliban might form
# a government" joined the "no rush to recognize" claim and became the overview's sentence for it.
INTERCEPT = -8.8225
WEIGHTS = (
    1.3066,  # cosine
    1.9467,  # overlap
    1.6086,  # rarest
    2.5921,  # sort_ratio
    0.7901,  # set_ratio
    -4.1460,  # bigrams
    0.8668,  # numbers_agree
    0.0959,  # numbers_conflict
    -0.0972,  # names
    -0.4129,  # names_conflict
    1.0928,  # quoted
    -0.5515,  # length
    3.2753,  # coverage
    5.3068,  # char_ratio
    0.2400,  # rare_shared
    0.1758,  # numbers_same
    -0.5347,  # numbers_missing
    0.0,  # anchors_shared
    0.0,  # person_conflict
    0.0,  # place_conflict
    0.0,  # figures_agree
    0.0,  # figures_conflict
    0.0,  # years_conflict
    0.0,  # same_speaker
    0.0,  # speaker_conflict
    0.0,  # context_apart
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

    @classmethod
    def from_counts(cls, df: Mapping[str, int], size: int) -> Vocabulary:
        """The vocabulary of ``size`` passages from their stems' document frequencies, counted
        apart (by partition, in the Dask engine) and summed; equal to ``build`` over them
        (tests/test_dask_engine.py checks it)."""
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
    anchors: PassageAnchors = NONE  # names, figures and speakers from the NLP pass, if any

    @classmethod
    def of(cls, words: Words, vocabulary: Vocabulary, anchors: PassageAnchors = NONE) -> Profile:
        """Precompute a passage's weights against the vocabulary."""
        stems = set(words.stems)
        idf = [vocabulary.idf(t) for t in stems]
        return cls(
            words=words,
            weight=math.fsum(idf),
            norm=math.sqrt(math.fsum(x * x for x in idf)),
            joined=" ".join(words.stems),
            distinct=len(stems),
            anchors=anchors,
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
    cosine = math.fsum(x * x for x in shared_idf) / (a.norm * b.norm) if shared else 0.0
    overlap = math.fsum(shared_idf) / min(a.weight, b.weight) if shared else 0.0
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
        math.fsum(shared_idf) / max(a.weight, b.weight) if shared else 0.0,
        ratios[2] / 100,
        min(RARE_CAP, sum(1 for t in shared if vocabulary.df_of.get(t, 0) <= RARE_DF)) / RARE_CAP,
        float(both_numbers and wa.numbers == wb.numbers),
        len(wa.numbers ^ wb.numbers) / len(wa.numbers | wb.numbers) if wa.numbers or wb.numbers else 0.0,
        *anchor_signals(a.anchors, b.anchors, vocabulary),
    )


def anchor_signals(a: PassageAnchors, b: PassageAnchors, vocabulary: Vocabulary) -> tuple[float, ...]:
    """The anchor signals of FEATURES, all 0 when either passage has no anchors."""
    if a is NONE or b is NONE:
        return _NO_ANCHORS
    shared = set(a.names + a.figures).intersection(b.names + b.figures)
    weight = a.rarity
    shared_rarity = math.fsum(weight.get(t, 1.0) for t in shared)
    same_speaker = bool(set(a.speakers).intersection(b.speakers))
    return (
        min(1.0, shared_rarity / ANCHORS_CAP),
        _conflict(a.names, b.names, (PERSON,), weight),
        _conflict(a.names, b.names, (PLACE, ORG), weight),
        *_figures(a.figures, b.figures),
        float(same_speaker),
        float(bool(a.speakers) and bool(b.speakers) and not same_speaker),
        context_apart(a, b),
    )


def context_apart(a: PassageAnchors, b: PassageAnchors) -> float:
    """1 - the overlap coefficient of the two passages' article contexts; 0 when either has none."""
    ca, cb = a.context, b.context
    return 1.0 - len(ca & cb) / min(len(ca), len(cb)) if ca and cb and ca is not cb else 0.0


def subjects_apart(a: PassageAnchors, b: PassageAnchors) -> bool:
    """Whether the two passages' articles have different subjects (anchors.SUBJECT_MIN_MENTIONS)
    and one of them never names the other's: accounts of two similar events, where the later
    one may recall the earlier ("Williams ... the team's second such arrest", after Jackson's)."""
    if not a.subject or not b.subject or a.subject == b.subject:
        return False
    return a.subject not in b.named or b.subject not in a.named


def conflicting(a: PassageAnchors, b: PassageAnchors) -> bool:
    """Whether two passages cannot state one claim: different years or days, or different
    figures of one unit. Merging two groups into one claim stops at such a pair (the pair model
    only weighs these signals). Two people named apart do not block: on ECB+ dev that cost a
    third of the pair recall of the three smallest topics (0.084 -> 0.068) for no precision."""
    if a is NONE or b is NONE or not a.figures or not b.figures:
        return False
    return any(_figures(a.figures, b.figures)[1:])


def _conflict(
    a: tuple[str, ...], b: tuple[str, ...], kinds: tuple[str, ...], weight: Mapping[str, float]
) -> float:
    """Each names someone (something) of these kinds that the other does not: the rarer of the
    two sides' rarest such names, so that two passages naming different minor figures conflict
    most ("Stefanski announced" / "King announced", both naming the coach)."""
    ka = {t for t in a if t[:3] in kinds}
    kb = {t for t in b if t[:3] in kinds}
    only_a, only_b = ka - kb, kb - ka
    if not only_a or not only_b:
        return 0.0
    return min(max(weight.get(t, 1.0) for t in only_a), max(weight.get(t, 1.0) for t in only_b))


def _figures(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, float, float]:
    """(agree, conflict, dates conflict): figures of a unit both state, and whether a value is shared."""
    agree = conflict = dates = 0.0
    if not a or not b:
        return agree, conflict, dates
    units_a: dict[str, set[str]] = {}
    units_b: dict[str, set[str]] = {}
    for tokens, units in ((a, units_a), (b, units_b)):
        for t in tokens:
            units.setdefault(unit_of(t), set()).add(t)
    for unit in units_a.keys() & units_b.keys():
        same = bool(units_a[unit] & units_b[unit])
        if unit.startswith(FIGURE_KINDS[0]):
            agree = max(agree, float(same))
            conflict = max(conflict, float(not same))
        elif not same:
            dates = 1.0
    return agree, conflict, dates


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


_NO_ANCHORS = (0.0,) * 9


def _logistic(signals: tuple[float, ...]) -> float:
    z = INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, signals, strict=True))
    return 1.0 / (1.0 + math.exp(-z))
