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
   each other's best by margin (``neighbours.py``) are linked too, under the same merge rules.
"""

from __future__ import annotations

import gc
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel

from briefing.align.anchors import NONE, Anchors, PassageAnchors
from briefing.align.pairs import Profile, Vocabulary, conflicting, context_apart, probabilities, probability
from briefing.models import Alignment, Cluster, Link, Match, Passage
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

# Linking thresholds on the calibrated probability (one scale everywhere, 0 to 1), swept with
# bench/evaluate.py (dev annotation) and bench/paraphrase_corpus.py (MSRP train as a two-outlet
# corpus). LINK: mutual-best pairs at or above it are linked. 0.12 finds 9 of 38 dev claims
# at link precision 0.30 (0.75 among annotated passages; the other half of the annotation is
# withheld) with MSRP accuracy 0.72 / F1 0.82; 0.5 reaches MSRP accuracy 0.74-0.75 but finds
# almost no dev claim: loose cross-outlet paraphrase scores low on every lexical signal. Out of
# sample on ECB+ dev (bench/ecbplus.py; the model never saw it), with CONTEXT_GATE 0.8: 0.12
# gives cross-event links 0.031, annotated precision 0.963, pair recall 0.046.
LINK_THRESHOLD = 0.12
# STRONG: a pair this likely is linked even when one side prefers another passage (a story
# that states one fact twice); 0.7 gained 1.6 points of MSRP accuracy over 0.85.
STRONG_THRESHOLD = 0.7
# Merging two groups needs every cross pair to reach MERGE_MIN and their mean to reach the
# link threshold, which stops chains a-b-c where a and c say different things.
MERGE_MIN = 0.1
# Passages of two articles that share less than this share of their own names and years
# (anchors.context: those some but not most articles state) come from accounts of different
# events more often than not: on ECB+ dev, 77 % of the candidate pairs between a topic's two
# events and 13 % of its same-event pairs reach 0.8 apart. Such a pair is linked only when
# STRONG. Only corpora of anchors.CONTEXT_MIN_ARTICLES
# articles or more have contexts. Measured with bench/ecbplus.py (21 topics): cross-event links
# 0.055 -> 0.031 of all links, annotated precision 0.948 -> 0.963, pair recall 0.047 -> 0.046;
# 0.9 gave the same recall on the three smallest topics as 0.8. Gating merges too (no group
# joins two such passages) brought cross-event to 0.018 but cost the three smallest topics a
# fifth of their pair recall (0.092 -> 0.071), under the floor of tests/test_ecbplus_floor.py.
# bench/calibrate.py --gates sweeps it out of sample with a fitted model.
CONTEXT_GATE = 0.8


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
SEMANTIC_CONTEXT_GATE = 0.6
SEMANTIC_MIN_PROBABILITY = 0.02

_NON_WORD = re.compile(r"[^\w\x00]+|_")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Unit:
    passage: Passage
    profile: Profile


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
    # conclude on the scored pairs in one process.
    prepared = [prepare(p, anchors.get(p.id)) for p in passages]
    indexed = [tokens for _, tokens in prepared]
    vocabulary = Vocabulary.build(indexed)
    units = make_units(passages, [parsed for parsed, _ in prepared], vocabulary, anchors)
    scores = _score_candidates(units, indexed, vocabulary)
    if vectors is None:
        return conclude(units, scores, vocabulary)
    semantic = semantic_pairs(units, indexed, vectors)
    missing = [pair for pair in semantic if pair not in scores]
    fresh = score([(units[i].profile, units[j].profile) for i, j in missing], vocabulary)
    scores = dict(sorted([*scores.items(), *zip(missing, fresh, strict=True)]))
    return conclude(units, scores, vocabulary, semantic=semantic)


def semantic_pairs(
    units: Sequence[_Unit], indexed: Sequence[Sequence[str]], vectors: npt.NDArray[np.floating]
) -> list[tuple[int, int]]:
    """The semantic route's candidate links (i < j): passages of two outlets that are mutual
    best by margin over their vectors' cosine (``neighbours``), each with MIN_CONTENT_WORDS."""
    from briefing.align import neighbours

    if len(vectors) != len(units):
        raise ValueError(f"{len(vectors)} vectors for {len(units)} passages")
    found = neighbours.mutual_pairs(
        vectors,
        [u.passage.outlet for u in units],
        usable=[len(set(tokens)) >= MIN_CONTENT_WORDS for tokens in indexed],
        k=MARGIN_NEIGHBOURS,
        min_cosine=SEMANTIC_MIN_COSINE,
        min_margin=SEMANTIC_MARGIN,
    )
    return [(p.i, p.j) for p in found]


def prepare(passage: Passage, anchors: PassageAnchors = NONE) -> tuple[Words, tuple[str, ...]]:
    """A passage's words and the tokens the candidate index holds for it (per passage)."""
    parsed = words(passage.text)
    return parsed, index_tokens(parsed, anchors)


def profile(parsed: Words, vocabulary: Vocabulary, anchors: PassageAnchors = NONE) -> Profile:
    """What the pair model needs of one passage, against the corpus's vocabulary."""
    return Profile.of(parsed, vocabulary, anchors)


def make_units(
    passages: Sequence[Passage],
    parsed: Sequence[Words],
    vocabulary: Vocabulary,
    anchors: Anchors | None = None,
) -> list[_Unit]:
    """Each passage with its profile, in the passages' order (indices are positions)."""
    found = anchors or Anchors()
    return [
        _Unit(passage=p, profile=profile(w, vocabulary, found.get(p.id)))
        for p, w in zip(passages, parsed, strict=True)
    ]


def score(pairs: Sequence[tuple[Profile, Profile]], vocabulary: Vocabulary) -> list[float]:
    """The pair model's probability for each candidate pair of profiles."""
    return probabilities(pairs, vocabulary)


def conclude(
    units: list[_Unit],
    scores: dict[tuple[int, int], float],
    vocabulary: Vocabulary,
    *,
    semantic: Sequence[tuple[int, int]] = (),
) -> Alignment:
    """From the scored candidate pairs (i < j, in sorted order): best per outlet, links,
    nearest matches and clusters. ``semantic``: the semantic route's pairs (scored too), linked
    as well unless their articles are apart or they state different dates or figures."""
    best = _best_by_outlet(units, scores)
    links = _link(units, scores, best)
    if semantic:
        links = _with_semantic(units, links, scores, semantic)
    nearest = _nearest(units, best)
    clusters = _cluster(units, links, scores, vocabulary)
    return Alignment(
        passages=tuple(u.passage for u in units), clusters=clusters, nearest=_raised(nearest, clusters)
    )


def _raised(nearest: dict[str, Match], clusters: tuple[Cluster, ...]) -> dict[str, Match]:
    """The nearest matches, raised where a cluster joined a passage to one it scores higher with
    than with any of its candidates (merging scores pairs the index never proposed; the anchor
    signals can make such a pair the closest)."""
    for cluster in clusters:
        for link in cluster.links:
            for end, other in ((link.a, link.b), (link.b, link.a)):
                if end not in nearest or link.score > nearest[end].score:
                    nearest[end] = Match(passage=other, score=link.score)
    return nearest


def _nearest(units: list[_Unit], best: dict[tuple[int, str], tuple[float, int]]) -> dict[str, Match]:
    """Each passage's best-scoring candidate in any other outlet."""
    overall: dict[int, tuple[float, int]] = {}
    for (x, _), (score, y) in best.items():
        if x not in overall or (score, -y) > (overall[x][0], -overall[x][1]):
            overall[x] = (score, y)
    return {
        units[x].passage.id: Match(passage=units[y].passage.id, score=round(score, 4))
        for x, (score, y) in sorted(overall.items())
    }


def shared_words(a: str, b: str) -> tuple[str, ...]:
    """The words of ``a`` that ``b`` carries in the same order (rapidfuzz Indel opcodes)."""
    wa = a.split()
    key_a = _keys(a, len(wa))
    key_b = _keys(b, None)
    shared: list[str] = []
    for op in Indel.opcodes(key_a, key_b):
        if op.tag == "equal":
            shared.extend(
                w
                for w, k in zip(wa[op.src_start : op.src_end], key_a[op.src_start : op.src_end], strict=True)
                if k
            )
    return tuple(shared)


def _keys(text: str, expected: int | None) -> list[str]:
    """Each whitespace-separated word lower-cased without punctuation, in one pass."""
    keys = _NON_WORD.sub("", text.lower().replace("\n", " ").replace("\t", " ").replace(" ", "\x00")).split(
        "\x00"
    )
    if expected is not None and len(keys) != expected:  # unusual whitespace: the slow, exact way
        return [_NON_WORD.sub("", w.lower()) for w in text.split()]
    return keys


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
    outlet: str,
    limit: float,
    outlets: Sequence[str] | Mapping[int, str],
    limits: Sequence[float] | Mapping[int, float],
) -> list[int]:
    """The candidates one passage keeps from its accumulated weights: enough shared weight for
    either side, another outlet, the best CANDIDATES_PER_OUTLET per outlet and MAX_CANDIDATES
    in all, heaviest first."""
    by_outlet: dict[str, list[tuple[float, int]]] = defaultdict(list)
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
    units: list[_Unit], indexed: list[tuple[str, ...]], vocabulary: Vocabulary
) -> dict[tuple[int, int], float]:
    """Probability for each candidate pair (i < j) from different outlets."""
    pairs = candidate_pairs(indexed, [u.passage.outlet for u in units], vocabulary)
    scores = score([(units[i].profile, units[j].profile) for i, j in pairs], vocabulary)
    return dict(zip(pairs, scores, strict=True))


def _best_by_outlet(
    units: list[_Unit], scores: dict[tuple[int, int], float]
) -> dict[tuple[int, str], tuple[float, int]]:
    """(passage, other outlet) -> (score, passage) of its best candidate in that outlet."""
    best: dict[tuple[int, str], tuple[float, int]] = {}
    for (i, j), score in scores.items():
        for x, y in ((i, j), (j, i)):
            key = (x, units[y].passage.outlet)
            if key not in best or (score, -y) > (best[key][0], -best[key][1]):
                best[key] = (score, y)
    return best


def _link(
    units: list[_Unit],
    scores: dict[tuple[int, int], float],
    best: dict[tuple[int, str], tuple[float, int]],
) -> list[tuple[float, int, int]]:
    """Mutual-best pairs per outlet pair above LINK_THRESHOLD, and any pair above STRONG."""
    links: list[tuple[float, int, int]] = []
    for (i, j), score in scores.items():
        if score < LINK_THRESHOLD:
            continue
        mutual = best[(i, units[j].passage.outlet)][1] == j and best[(j, units[i].passage.outlet)][1] == i
        if not (mutual or score >= STRONG_THRESHOLD):
            continue
        if score < STRONG_THRESHOLD and _apart(units[i], units[j]):
            continue
        links.append((score, i, j))
    links.sort(key=lambda sij: (-sij[0], sij[1], sij[2]))
    return links


def _with_semantic(
    units: list[_Unit],
    links: list[tuple[float, int, int]],
    scores: dict[tuple[int, int], float],
    semantic: Sequence[tuple[int, int]],
) -> list[tuple[float, int, int]]:
    """The links plus the semantic route's pairs. Such a pair's score is raised to LINK_THRESHOLD
    (the margin vouches for it as a link at the threshold does), so that merging treats it as a
    link while every other cross pair of a merge must still reach MERGE_MIN and the mean."""
    linked = {(i, j) for _, i, j in links}
    added = list(links)
    for i, j in semantic:
        if (i, j) in linked or scores[(i, j)] < SEMANTIC_MIN_PROBABILITY:
            continue
        if context_apart(units[i].profile.anchors, units[j].profile.anchors) >= SEMANTIC_CONTEXT_GATE:
            continue
        if conflicting(units[i].profile.anchors, units[j].profile.anchors):
            continue
        scores[(i, j)] = max(scores[(i, j)], LINK_THRESHOLD)
        added.append((scores[(i, j)], i, j))
    added.sort(key=lambda sij: (-sij[0], sij[1], sij[2]))
    return added


def _apart(a: _Unit, b: _Unit) -> bool:
    """Whether the two passages' articles share too little of their own names (CONTEXT_GATE)."""
    return context_apart(a.profile.anchors, b.profile.anchors) >= CONTEXT_GATE


def _cluster(
    units: list[_Unit],
    links: list[tuple[float, int, int]],
    scores: dict[tuple[int, int], float],
    vocabulary: Vocabulary,
) -> tuple[Cluster, ...]:
    """Greedy agglomeration over links, strongest first, refusing incoherent merges."""
    group_of: dict[int, int] = {}
    groups: dict[int, list[int]] = {}

    def pair_score(x: int, y: int) -> float:
        key = (min(x, y), max(x, y))
        if key not in scores:
            scores[key] = probability(units[x].profile, units[y].profile, vocabulary)
        return scores[key]

    for _, i, j in links:
        gi = groups.get(group_of.get(i, -1), [i])
        gj = groups.get(group_of.get(j, -1), [j])
        if gi is gj:
            continue
        cross = [
            pair_score(x, y) for x in gi for y in gj if units[x].passage.outlet != units[y].passage.outlet
        ]
        if not cross or min(cross) < MERGE_MIN or sum(cross) / len(cross) < LINK_THRESHOLD:
            continue
        if len(gi) + len(gj) > 2 and any(
            conflicting(units[x].profile.anchors, units[y].profile.anchors) for x in gi for y in gj
        ):
            continue
        merged = sorted(gi + gj)
        key = merged[0]
        for old in (group_of.get(i), group_of.get(j)):
            if old is not None:
                groups.pop(old, None)
        groups[key] = merged
        for member in merged:
            group_of[member] = key

    clusters: list[Cluster] = []
    for members in sorted(groups.values()):
        pairs = [
            (x, y)
            for n, x in enumerate(members)
            for y in members[n + 1 :]
            if units[x].passage.outlet != units[y].passage.outlet
        ]
        cluster_links = tuple(
            Link(
                a=units[x].passage.id,
                b=units[y].passage.id,
                score=round(pair_score(x, y), 4),
                shared=shared_words(units[x].passage.text, units[y].passage.text),
            )
            for x, y in pairs
        )
        mean = sum(link.score for link in cluster_links) / len(cluster_links)
        outlets = sorted({units[m].passage.outlet for m in members})
        clusters.append(
            Cluster(
                id=f"c{len(clusters) + 1}",
                passages=tuple(units[m].passage.id for m in members),
                outlets=tuple(outlets),
                score=round(min(1.0, max(0.0, mean)), 4),
                links=cluster_links,
            )
        )
    return tuple(clusters)
