"""Align passages across outlets: candidate index, calibrated pair scores, competitive linking.

1. Candidates come from an inverted index over content stems (and the figures the NLP pass
   read, with their units: ``anchors.py``), skipping stems too common to tell claims apart, so
   the cost grows with the number of rare shared words, not all pairs.
2. Each candidate pair gets a probability of "same claim" from a logistic model over a few
   signals (see ``pairs.py``): words, figures, names, quotes, and the entity anchors when the
   pipeline passes them, calibrated on ECB+ dev, MSRP and the annotated dev claims.
3. A link needs that probability, and either mutual preference between the two outlets or a
   high score, and its two articles must share enough of their own names (CONTEXT_GATE);
   clusters grow only while every member still matches the others and no two members state
   different dates or figures.
4. With sentence vectors (the semantic route, ``vectors=``), passages of two outlets that are
   each other's best by margin (``neighbours.py``) are linked too, and so are pairs the pair
   model ranks mutual best just under the link threshold whose vectors vouch for them
   (``vouched_pairs``), under the same merge rules; once merged, a cluster takes the passage of
   an outlet it lacks that is nearest its members on average (``attachments``).
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from briefing.align import linking
from briefing.align.anchors import NONE, Anchors, PassageAnchors
from briefing.align.linking import Outlet, Units
from briefing.align.pairs import Profile, Vocabulary, probabilities
from briefing.models import Alignment, Passage
from briefing.text import Words, words

if TYPE_CHECKING:  # numpy (and neighbours) load only with the semantic route's vectors
    import numpy as np
    import numpy.typing as npt

# Candidate generation. A stem in more than this share of passages (and more than
# MIN_DF_CAP of them) says "same topic", not "same claim", and opens no candidates.
MAX_DF_SHARE = 0.2
MIN_DF_CAP = 12
# ... and never more than this many, however large the corpus: past it a word is topical.
MAX_DF = 150
# Each passage probes the index with its rarest stems only; 8 covers a whole news sentence's
# content words in most cases (the dev corpus's median sentence has 9).
PROBE_STEMS = 8
# ... while their postings stay within this budget, so that the work per passage is bounded
# however large the corpus grows (the rarest stem is always probed). 100 (from 150) left the
# dev and MSRP figures unchanged (75 lost MSRP accuracy) and cut the work at scale.
PROBE_BUDGET = 100
# Each passage keeps its best few candidates per other outlet by shared rare weight. On the dev
# annotation the candidates hold 34 of the 125 annotated pairs, and 14 of the 15 that the pair
# model ranks mutual best among all pairs; the other scores under the link threshold
# (bench/gold_ranks.py). The index is not what limits recall: the scores are.
CANDIDATES_PER_OUTLET = 8
# A candidate must share rare words worth this share of the lighter passage's IDF weight: below
# it the pair model never reached the link threshold on the dev corpus or MSRP (p < 0.01).
MIN_PROBE_OVERLAP = 0.15
# ... and at most this many in all: with many outlets, per-outlet lists would grow with them,
# and the work per passage with the corpus. 12 (from 32) and then 8 left the dev and MSRP
# figures unchanged (4 lost a dev claim); 8 cut the 3,000-article synthetic run by a sixth.
MAX_CANDIDATES = 8
# A passage with fewer content words than this ("What changed?", "Their approach is clear.")
# carries no checkable claim of its own; on the dev corpus such pairs were the top false links.
MIN_CONTENT_WORDS = 4


# The semantic route (vectors from the optional encoder, briefing/align/semantic.py), swept with
# bench/evaluate.py --semantic (dev annotation) and bench/ecbplus.py --semantic (21 ECB+ dev
# topics, which the encoder never saw). MARGIN_NEIGHBOURS: the k of margin mining (each side's 4
# nearest in the other outlet, as Artetxe & Schwenk 2019); SEMANTIC_MIN_COSINE keeps the
# candidate lists short (0.6 found fewer dev claims at every margin); SEMANTIC_MARGIN: margins
# 0.03 / 0.05 / 0.07 / 0.10 alone found 12 / 13 / 11 / 9 of 38 dev claims (links 64 / 55 / 47 / 36).
# With 0.05 alone, ECB+ cross-event links rose from 0.031 to 0.043 of all links: two accounts of
# similar events read alike to an encoder. So a semantic pair needs its articles closer than
# lexical links do (SEMANTIC_CONTEXT_GATE, on anchors.context; 0.8 / 0.6 / 0.4 gave cross-event
# 0.040 / 0.030 / 0.032 with SEMANTIC_MIN_PROBABILITY 0.02) and a little lexical support: a pair
# model probability of 0.02 (0, 0.02, 0.05 gave dev claims 13 / 11 / 10, ECB+ annotated precision
# 0.937 / 0.952 / 0.958). Chosen, on against off, with neighbours.CANDIDATES 16: dev claims
# 9 -> 11 of 38, link precision 0.300 -> 0.234 (0.750 -> 0.786 among annotated passages); ECB+
# cross-event 0.031 -> 0.029, annotated precision 0.963 -> 0.946, pair recall 0.046 -> 0.060;
# MSRP train as two outlets (bench/paraphrase_corpus.py) accuracy 0.722 -> 0.717, F1 0.817 both.
MARGIN_NEIGHBOURS = 4
SEMANTIC_MIN_COSINE = 0.5
SEMANTIC_MARGIN = 0.05
# The semantic route also links pairs that the pair model ranks mutual best under the link
# threshold, from VOUCHED_MIN, when their cosine margin reaches VOUCHED_MARGIN (vouched_pairs).
# On the six hand-annotated stories (bench/claims.py, exhaustive: every shared claim), 162 such
# pairs of scores 0.02-0.12 were 29 % right; their cosine margin told right from wrong best
# (ROC AUC 0.80; the score 0.69, its ratio to the runner-up 0.63). Swept with the route on:
# 0.04 / 0.08 took the stories' link precision 0.791 -> 0.798 and outlet-pair recall 0.300 ->
# 0.314 (0.04 / 0.03: 0.765 / 0.325; 0.06 / 0.05: 0.796 / 0.310), left the dev annotation as it
# was (11 of 87 outlet pairs, 0.786 among annotated passages) and MSRP too (0.717), and raised
# ECB+'s annotated precision 0.946 -> 0.949 and pair recall 0.060 -> 0.061 at the same
# cross-event share (0.029).
VOUCHED_MIN = 0.04
VOUCHED_MARGIN = 0.08
# Once merging is done, a group's nearest passage of an outlet it lacks, by mean cosine with the
# group's members (the centroid of their unit vectors), joins it from ATTACH_COSINE, when that
# passage is in no group, its mean pair-model probability with the members reaches
# linking.SEMANTIC_MIN_PROBABILITY and it passes the route's context and conflict tests
# (linking.attached): two outlets that agree vouch for the third's restatement, which scores too
# low with either to link as a pair. On the six hand-annotated stories (bench/claims.py
# --semantic; the candidates were looked at there) the nearest such passage of each group was
# right 9 times of 12 from mean cosine 0.57, where the mean pair score told right from wrong
# poorly. Swept there: off / 0.6 / 0.57 / 0.55 / 0.53 / 0.5 gave link precision
# 0.798 / 0.808 / 0.821 / 0.824 / 0.821 / 0.807 and outlet-pair recall 0.314 / 0.329 / 0.350 /
# 0.357 / 0.368 / 0.368 (0.55 without the probability test: 0.827 / 0.368, but see the dev
# annotation below); 0.55 rather than 0.53, the nearer to the judged 0.57. Checked at 0.55 against
# off: the dev annotation (bench/evaluate.py --semantic) 11 -> 13 of 87 outlet pairs, link
# precision 0.234 -> 0.224 (0.786 -> 0.765 among annotated passages); without the probability
# test, 13 at 0.206 (0.650). ECB+ dev (bench/ecbplus.py --semantic) links 4,293 -> 4,734,
# cross-event share 0.029 -> 0.031, annotated precision 0.949 -> 0.944, pair recall 0.061 ->
# 0.067, cluster recall 0.702 -> 0.713. MSRP (two outlets: a group lacks none) unchanged.
ATTACH_COSINE = 0.55
# Groups whose mean cosines are computed at once: 256 groups x 40,000 passages is 41 MB of float32.
ATTACH_BLOCK = 256


def align(
    passages: Sequence[Passage],
    *,
    anchors: Anchors | None = None,
    vectors: npt.NDArray[np.floating] | None = None,
) -> Alignment:
    """Cluster the passages that report the same claim in two or more outlets.

    ``anchors`` (``anchors.build`` over the NLP pass's readings) add each passage's figures to
    the candidate index, its names, figures and speakers to the pair signals, and its article's
    own names to linking (CONTEXT_GATE); without them only the words count, as before.
    ``vectors`` (one unit row per passage, ``semantic.encode``) open the semantic route:
    passages that are mutual best by margin across two outlets are linked too (SEMANTIC_MARGIN);
    without them the lexical route alone links.
    """
    # Millions of small long-lived objects (stems, profiles, pairs) and no reference cycles:
    # the cyclic garbage collector would rescan them all again and again as they accumulate
    # (about half the time at 10,000 articles), for nothing to free.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _align(passages, anchors or Anchors(), vectors)
    finally:
        if enabled:
            gc.enable()


def _align(
    passages: Sequence[Passage], anchors: Anchors, vectors: npt.NDArray[np.floating] | None = None
) -> Alignment:
    # The stages are public so that the Dask engine (briefing/align/distributed.py) runs the same
    # ones: prepare per passage, the index (candidate_pairs' pieces) and score per partition,
    # conclude on the scored pairs (linking.py).
    prepared = [prepare(p, anchors.get(p.id)) for p in passages]
    indexed = [tokens for _, tokens in prepared]
    vocabulary = Vocabulary.build(indexed)
    units = make_units(passages, [parsed for parsed, _ in prepared], vocabulary, anchors)
    outlets = [p.outlet for p in passages]
    scores = _score_candidates(units, outlets, indexed, vocabulary)
    if vectors is None:
        return linking.conclude(passages, units, scores)
    semantic = sorted({*semantic_pairs(outlets, indexed, vectors), *vouched_pairs(units, scores, vectors)})
    missing = [pair for pair in semantic if pair not in scores]
    fresh = score([(units.profile(i), units.profile(j)) for i, j in missing], vocabulary)
    scores = dict(sorted([*scores.items(), *zip(missing, fresh, strict=True)]))
    usable = [len(set(tokens)) >= MIN_CONTENT_WORDS for tokens in indexed]
    return linking.conclude(
        passages,
        units,
        scores,
        semantic=semantic,
        propose=lambda groups: attachments(groups, vectors, outlets, usable),
    )


def attachments(
    groups: Sequence[Sequence[int]],
    vectors: npt.NDArray[np.floating],
    outlets: Sequence[str],
    usable: Sequence[bool],
) -> list[tuple[float, int, int]]:
    """For each group (positions), the passage in no group of each outlet the group lacks whose
    mean cosine with the group's members is highest, from ATTACH_COSINE: (mean cosine, group
    number, passage), for ``linking.attached`` to check. Only passages with MIN_CONTENT_WORDS,
    and only up to neighbours.EXACT_UP_TO passages (the cosines are exact): past it, none."""
    import numpy as np

    from briefing.align import neighbours

    if len(outlets) > neighbours.EXACT_UP_TO or not groups:
        return []
    clustered = {m for group in groups for m in group}
    names = sorted(set(outlets))
    code = np.array(_codes(outlets, names), dtype=np.int64)
    free = np.array([n for n in range(len(outlets)) if usable[n] and n not in clustered], dtype=np.int64)
    if not len(free):
        return []
    free_vectors = vectors[free]
    # Each outlet's rows of the free passages, in position order: its nearest is the argmax of
    # its rows (the first of equal cosines, so the earliest passage, as everywhere else).
    by_outlet = [(int(o), np.flatnonzero(code[free] == o)) for o in np.unique(code[free])]
    found: list[tuple[int, int, float, int]] = []  # (group, outlet code, mean cosine, passage)
    for start in range(0, len(groups), ATTACH_BLOCK):
        block = groups[start : start + ATTACH_BLOCK]
        centroids = np.stack([vectors[list(group)].mean(axis=0) for group in block])
        near = free_vectors @ centroids.T  # free passages x groups: mean cosine with the members
        present = np.zeros((len(names), len(block)), dtype=bool)
        for column, group in enumerate(block):
            present[code[list(group)], column] = True
        columns = np.arange(len(block))
        for outlet, own in by_outlet:
            mine = near[own]
            rows = mine.argmax(axis=0)
            cosines = mine[rows, columns]
            for column in np.flatnonzero((cosines >= ATTACH_COSINE) & ~present[outlet]).tolist():
                found.append((start + column, outlet, float(cosines[column]), int(free[own[rows[column]]])))
    return [(cosine, g, x) for g, _, cosine, x in sorted(found)]


def _codes(outlets: Sequence[str], names: list[str]) -> list[int]:
    """Each passage's outlet as its place among the sorted outlet names."""
    index = {name: k for k, name in enumerate(names)}
    return [index[o] for o in outlets]


def vouched_pairs(
    units: Units, scores: Mapping[tuple[int, int], float], vectors: npt.NDArray[np.floating]
) -> list[tuple[int, int]]:
    """Pairs the pair model ranks mutual best but scores under the link threshold (from
    VOUCHED_MIN), whose vectors stand out from each side's neighbours by VOUCHED_MARGIN: the
    words and the vectors each vouch for the pair where neither alone would. Their margins are
    exact (each side's neighbourhood against every passage), so only up to neighbours.EXACT_UP_TO
    passages: past it, none."""
    from briefing.align import neighbours

    if len(units) > neighbours.EXACT_UP_TO:
        return []
    best = linking.best_matches(linking.sides(units, scores))
    near = [
        (i, j)
        for (i, j), s in scores.items()
        if VOUCHED_MIN <= s < linking.LINK_THRESHOLD
        and best[(i, units.outlet(j))][1] == j
        and best[(j, units.outlet(i))][1] == i
    ]
    outlets = [str(units.outlet(n)) for n in range(len(units))]
    found = neighbours.margins(vectors, outlets, near, k=MARGIN_NEIGHBOURS)
    return [pair for pair, margin in zip(near, found, strict=True) if margin >= VOUCHED_MARGIN]


def semantic_pairs(
    outlets: Sequence[str], indexed: Sequence[Sequence[str]], vectors: npt.NDArray[np.floating]
) -> list[tuple[int, int]]:
    """The semantic route's candidate links (i < j): passages of two outlets that are mutual
    best by margin over their vectors' cosine (``neighbours``), each with MIN_CONTENT_WORDS."""
    from briefing.align import neighbours

    if len(vectors) != len(outlets):
        raise ValueError(f"{len(vectors)} vectors for {len(outlets)} passages")
    found = neighbours.mutual_pairs(
        vectors,
        outlets,
        usable=[len(set(tokens)) >= MIN_CONTENT_WORDS for tokens in indexed],
        k=MARGIN_NEIGHBOURS,
        min_cosine=SEMANTIC_MIN_COSINE,
        min_margin=SEMANTIC_MARGIN,
    )
    return [(p.i, p.j) for p in found]


def prepare(passage: Passage, anchors: PassageAnchors = NONE) -> tuple[Words, tuple[str, ...]]:
    """A passage's words and the tokens the candidate index holds for it (per passage)."""
    return prepare_text(passage.text, anchors)


def prepare_text(text: str, anchors: PassageAnchors = NONE) -> tuple[Words, tuple[str, ...]]:
    """``prepare`` from a passage's text alone (what the Dask engine's records carry)."""
    parsed = words(text)
    return parsed, index_tokens(parsed, anchors)


def profile(parsed: Words, vocabulary: Vocabulary, anchors: PassageAnchors = NONE) -> Profile:
    """What the pair model needs of one passage, against the corpus's vocabulary."""
    return Profile.of(parsed, vocabulary, anchors)


def make_units(
    passages: Sequence[Passage],
    parsed: Sequence[Words],
    vocabulary: Vocabulary,
    anchors: Anchors | None = None,
) -> Units:
    """The passages with their profiles, in the passages' order (indices are positions)."""
    found = anchors or Anchors()
    profiles = [profile(w, vocabulary, found.get(p.id)) for p, w in zip(passages, parsed, strict=True)]
    return Units.of(passages, found, vocabulary, profiles)


def score(pairs: Sequence[tuple[Profile, Profile]], vocabulary: Vocabulary) -> list[float]:
    """The pair model's probability for each candidate pair of profiles."""
    return probabilities(pairs, vocabulary)


def index_tokens(parsed: Words, anchors: PassageAnchors = NONE) -> tuple[str, ...]:
    """What the candidate index holds for a passage: its stems, its figures as tokens of their
    own ("2,500 troops", "in 2003" are anchors too; the pair signals read the figures from the
    passage's numbers, not from these tokens), and its entity anchors ("@p:lavrov",
    "@q:troop=2500"), which the vocabulary also counts for the anchor signals' rarity."""
    return parsed.stems + tuple(f"#{n:g}" for n in sorted(parsed.numbers)) + anchors.tokens


def candidate_pairs(
    stems: Sequence[Sequence[str]], outlets: Sequence[str], vocabulary: Vocabulary
) -> list[tuple[int, int]]:
    """Pairs (i < j) of different outlets worth scoring, from an inverted index of rare stems.

    Each passage probes the index with its PROBE_STEMS rarest stems only (prefix filtering,
    as in similarity joins): a true match shares a rare word, and common words would make the
    work quadratic. A stem in more passages than the cap opens no candidates at all.
    The pieces (``df_cap``, ``eligible_tokens``, ``probe_tokens``, ``overlap_limit``,
    ``accumulate``, ``kept_candidates``) are pure, so that the Dask engine runs the same index
    by partition (briefing/align/distributed.py).
    """
    cap = df_cap(len(stems))
    postings: dict[str, list[int]] = defaultdict(list)
    probes: list[list[str]] = []
    for i, passage_stems in enumerate(stems):
        eligible = eligible_tokens(passage_stems, vocabulary, cap)
        probes.append(probe_tokens(eligible, vocabulary))
        for token in eligible:
            postings[token].append(i)
    limits = [overlap_limit(passage_stems, vocabulary) for passage_stems in stems]
    idf = {token: vocabulary.idf(token) for token in postings}
    chosen: set[tuple[int, int]] = set()
    for i, probe in enumerate(probes):
        if not probe:
            continue
        weights = accumulate((idf[token], postings[token]) for token in probe)
        kept = kept_candidates(weights, outlet=outlets[i], limit=limits[i], outlets=outlets, limits=limits)
        chosen.update((min(i, j), max(i, j)) for j in kept)
    return sorted(chosen)


def df_cap(size: int) -> int:
    """The most passages (of ``size``) a stem may occur in and still open candidates."""
    return min(MAX_DF, max(MIN_DF_CAP, int(MAX_DF_SHARE * size)))


def eligible_tokens(tokens: Sequence[str], vocabulary: Vocabulary, cap: int) -> list[str]:
    """A passage's index tokens that open candidates (in 2 to ``cap`` passages), rarest first;
    none for a passage of fewer than MIN_CONTENT_WORDS distinct tokens."""
    distinct = set(tokens)
    if len(distinct) < MIN_CONTENT_WORDS:
        return []
    return sorted(
        (t for t in distinct if 2 <= vocabulary.df_of.get(t, 0) <= cap),
        key=lambda t: (vocabulary.df_of[t], t),
    )


def probe_tokens(eligible: Sequence[str], vocabulary: Vocabulary) -> list[str]:
    """The rarest eligible tokens a passage probes the index with, within PROBE_BUDGET postings
    (the rarest is always probed)."""
    probe: list[str] = []
    budget = PROBE_BUDGET
    for token in eligible[:PROBE_STEMS]:
        if probe and vocabulary.df_of[token] > budget:
            break
        probe.append(token)
        budget -= vocabulary.df_of[token]
    return probe


def overlap_limit(tokens: Sequence[str], vocabulary: Vocabulary) -> float:
    """The shared rare weight a candidate needs: MIN_PROBE_OVERLAP of the passage's IDF weight."""
    return MIN_PROBE_OVERLAP * math.fsum(vocabulary.idf(t) for t in set(tokens))


def accumulate(postings: Iterable[tuple[float, Sequence[int]]]) -> dict[int, float]:
    """Shared rare weight per passage over one passage's probe tokens, each given as (its IDF,
    its postings), in probe order (the order of the sums, so every engine gets the same floats)."""
    weights: dict[int, float] = {}
    add = weights.get
    for weight, passages in postings:
        for j in passages:
            weights[j] = add(j, 0.0) + weight
    return weights


def kept_candidates(
    weights: Mapping[int, float],
    *,
    outlet: Outlet,
    limit: float,
    outlets: Sequence[Outlet] | Mapping[int, Outlet],
    limits: Sequence[float] | Mapping[int, float],
) -> list[int]:
    """The candidates one passage keeps from its accumulated weights: enough shared weight for
    either side, another outlet, the best CANDIDATES_PER_OUTLET per outlet and MAX_CANDIDATES
    in all, heaviest first."""
    by_outlet: dict[Outlet, list[tuple[float, int]]] = defaultdict(list)
    for j, weight in weights.items():
        if (weight >= limit or weight >= limits[j]) and outlets[j] != outlet:
            by_outlet[outlets[j]].append((weight, j))
    kept: list[tuple[float, int]] = []
    for ranked in by_outlet.values():
        ranked.sort(key=lambda wj: (-wj[0], wj[1]))
        kept.extend(ranked[:CANDIDATES_PER_OUTLET])
    kept.sort(key=lambda wj: (-wj[0], wj[1]))
    return [j for _, j in kept[:MAX_CANDIDATES]]


def _score_candidates(
    units: Units, outlets: Sequence[str], indexed: list[tuple[str, ...]], vocabulary: Vocabulary
) -> dict[tuple[int, int], float]:
    """Probability for each candidate pair (i < j) from different outlets."""
    pairs = candidate_pairs(indexed, outlets, vocabulary)
    scores = score([(units.profile(i), units.profile(j)) for i, j in pairs], vocabulary)
    return dict(zip(pairs, scores, strict=True))
