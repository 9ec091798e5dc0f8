"""From scored candidate pairs to best matches, links and clusters: the stage both engines end on.

The local engine (``alignment.align``) hands ``conclude`` every scored pair at once. The Dask
engine (``distributed.py``) finds each passage's best matches where its pairs were scored
(``best_matches`` over the pairs seen from that passage's side) and hands ``finish`` only the
pairs that may link, with the scores among their passages: no process holds every scored pair.
Both take the same steps, so they give the same links and clusters.

A passage's profile (``pairs.Profile``) is made here only when a merge scores a pair the index
never proposed (``Units``); linking itself reads outlets, scores and anchors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Protocol, TypeVar

from rapidfuzz.distance import Indel

from briefing.align.anchors import Anchors, PassageAnchors
from briefing.align.pairs import Profile, Vocabulary, conflicting, context_apart, probability, subjects_apart
from briefing.models import Alignment, Cluster, Link, Match, Passage
from briefing.text import fragment, words

# Linking thresholds on the calibrated probability (one scale everywhere, 0 to 1), swept with
# bench/evaluate.py (dev annotation) and bench/paraphrase_corpus.py (MSRP train as a two-outlet
# corpus). LINK: mutual-best pairs at or above it are linked. 0.12 finds 9 of 38 dev claims
# at link precision 0.30 (0.75 among annotated passages; the other half of the annotation is
# withheld) with MSRP accuracy 0.72 / F1 0.82; 0.5 reaches MSRP accuracy 0.74-0.75 but finds
# almost no dev claim: loose cross-outlet paraphrase scores low on every lexical signal. Out of
# sample on ECB+ dev (bench/ecbplus.py; the model never saw it), with CONTEXT_GATE 0.8: 0.12
# gives cross-event links 0.031, annotated precision 0.963, pair recall 0.046 (0.011, 0.978 and
# 0.046 with the articles' subjects and MERGE_CONTEXT_GATE, below).
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
# Articles whose subjects differ (pairs.subjects_apart, anchors.SUBJECT_MIN_MENTIONS) are apart
# too: a pair between them links only when STRONG, and no merge of two groups joins two such
# articles. And a merge of two groups stops when their articles are apart on average: the mean
# context_apart of the cross pairs whose articles' contexts hold MERGE_CONTEXT_MIN anchors or
# more reaches MERGE_CONTEXT_GATE (a group of one event's passages meeting a group of the
# other's; a lone pair between apart articles may still join, which gating every pair, above,
# did not allow). Measured with bench/ecbplus.py (21 topics; the smallest three in brackets):
# cross-event links 107 -> 58 (7 -> 7) with the subjects, -> 38 (7) with the mean as well, of
# 3,429 -> 3,360 -> 3,312 links (0.031 -> 0.017 -> 0.011); annotated precision 0.963 -> 0.966
# -> 0.978; pair recall 392 -> 394 -> 391 of 8,493 (81 -> 81 -> 81 of 882). Swept there: the
# mean's gate 0.7 / 0.8 / 0.9 gave cross-event 35 / 38 / 48 at pair recall 379 / 391 / 393;
# counting contexts of one anchor (MERGE_CONTEXT_MIN 1) cost the smallest topics 2 pairs, of
# 3 and 4 anchors let 41 and 46 cross-event links through. On the two halves of the topics
# (1, 5, 9, ... and 3, 7, 11, ...) cross-event went 40 -> 16 and 67 -> 22, pair recall 188 ->
# 187 and 204 -> 204: the gains are not one topic's, but every figure here was chosen on ECB+
# dev, the only annotated corpus with CONTEXT_MIN_ARTICLES articles (the six stories and the
# dev annotation have 3 to 5, so neither rule acts there). On the semantic route, which also
# keeps its pairs and attachments off articles with different subjects (``_with_semantic``,
# ``attached``): cross-event 145 -> 68 of 4,734 -> 4,589 links (0.031 -> 0.015), annotated
# precision 0.944 -> 0.957, pair recall 568 -> 560 (78 and 560 without the route's own checks).
MERGE_CONTEXT_GATE = 0.8
MERGE_CONTEXT_MIN = 2
# The semantic route's pairs (alignment.semantic_pairs) link only when their articles are
# closer than lexical links need and the pair model gives them a little support; how both were
# swept is said beside alignment.SEMANTIC_MARGIN.
SEMANTIC_CONTEXT_GATE = 0.6
SEMANTIC_MIN_PROBABILITY = 0.02
# A group of two outlets vouches for a third's restatement that scores too low with either to
# link as a pair (``vouched``): a passage in no link joins the group of its best-scoring linked
# partner when that group lacks its outlet, its pair scores with every member reach VOUCH_MIN
# and their mean VOUCH_MEAN, it has VOUCH_WORDS distinct stems or more (a short line such as
# "May 23, 2005" scores well with anything that states its figures) and it is no fragment
# (text.fragment: a clause or a quotation's tail carries no claim of its own); ``attached`` then
# checks it as it checks the semantic route's. One group a passage, its partner's, so that each
# Dask batch decides its own. Swept against off on the words-only route (six stories:
# bench/claims.py; dev: bench/evaluate.py; ECB+: bench/ecbplus.py). Off: outlet-pair recall
# 63/277 = 0.227 at link precision 0.898; dev 9/87 at 0.300 (0.750 among annotated passages);
# ECB+ 38 cross-event of 3,312 links (0.0115), annotated precision 0.978, pair recall 391/8,493.
# First with any member's group proposing, no minimum, any length: mean 0.06 / 0.045 / 0.03 gave
# six stories 0.245 / 0.267 / 0.282 at 0.866 / 0.840 / 0.770, dev 10 / 12 / 13 at 0.238 / 0.273
# / 0.153, ECB+ cross-event 0.011 / 0.012 / 0.017. With the rules above, VOUCH_MEAN 0.045 and
# VOUCH_MIN 0.02 / 0.03 (as shipped): six stories 72 / 68 of 277 (0.260 / 0.245) at 0.859 /
# 0.892; dev 12 / 11 of 87 at 0.316 / 0.306 (0.800 / 0.786 among annotated passages); ECB+ 40
# cross-event of 3,696 / 3,638 links (0.011), annotated precision 0.972 / 0.974, pair recall 412
# / 410. 0.03, since 0.02 took the six stories' precision under its floor (0.89,
# tests/test_claims_floor.py); VOUCH_MEAN 0.05 gave the same as 0.045 there, 0.06 the same six
# stories and dev 9 / 10. MSRP train (two outlets: a group lacks none) is unchanged, 0.722.
# Without the fragment test dev fell to 0.286 (a quotation's tail, "Second, regional and other
# powers will ...,” she said", joined a claim it does not state). Lowering LINK_THRESHOLD and
# MERGE_MIN to 0.08 / 0.06 instead reached 0.278 on the six stories but at 0.788, dev 10 at
# 0.250 and ECB+ cross-event 0.015. The semantic route's attachments (by vectors, ``propose``)
# take this one's place on that route: both together added links there (six stories: precision
# 0.824 -> 0.809) and no outlet pair.
VOUCH_MEAN = 0.045
VOUCH_MIN = 0.03
VOUCH_WORDS = 4
# No component of links holds more passages than this (``bounded``): taking the links strongest
# first, a link that would join two components into a larger one is dropped. No claim is that
# large; such a component is chained through generic sentences by weak links, and merging it is
# one task (the Dask engine groups components apart, ``distributed._batches``), so the cap
# bounds that task's memory at about a partition's (distributed.PASSAGES_PER_PARTITION). On
# one story it never acts (all 43 of ../shared/stories together hold 3,990 passages; ECB+ dev,
# 9,040). On synthetic corpora (bench/synthetic.py, aligned without the NLP pass, so without the
# anchors that keep stories apart) 59 % of the passages of 10,000 articles were one component of
# 190,188, joined by links of median score 0.16 between different stories.
COMPONENT_CAP = 20_000

_NON_WORD = re.compile(r"[^\w\x00]+|_")

Outlet = TypeVar("Outlet", bound=Hashable)
Scores = dict[tuple[int, int], float]  # (i, j), i < j -> the pair model's probability
Best = dict[tuple[int, Outlet], tuple[float, int]]  # (x, outlet) -> (score, y): x's best there
# A cluster before it is numbered: its passages (positions) and its cross-outlet pairs (x, y, score,
# the words they share), plain data that the Dask engine's tasks return.
Group = tuple[tuple[int, ...], tuple[tuple[int, int, float, tuple[str, ...]], ...]]


class PairScores(Protocol):
    """What merges read and add scores through: a ``Scores`` dict, or the Dask engine's compact
    table of a batch's pairs."""

    def get(self, key: tuple[int, int], /) -> float | None: ...
    def __setitem__(self, key: tuple[int, int], value: float, /) -> None: ...


class Units:
    """Passages by position: their texts, outlets and anchors, and their profiles made on first use.

    Each of ``texts``, ``outlets`` and ``anchors`` is a sequence over all passages, or a mapping
    from the positions of some (a Dask task's share). The local engine passes the profiles it
    scored with; the Dask engine passes none, and merges make the few they need.
    """

    def __init__(
        self,
        texts: Sequence[str] | Mapping[int, str],
        outlets: Sequence[Hashable] | Mapping[int, Hashable],
        anchors: Sequence[PassageAnchors] | Mapping[int, PassageAnchors],
        vocabulary: Vocabulary,
        profiles: Sequence[Profile] | None = None,
    ) -> None:
        self._texts = texts
        self._outlets = outlets
        self._anchors = anchors
        self.vocabulary = vocabulary
        self._given = profiles
        self._made: dict[int, Profile] = {}

    @classmethod
    def of(
        cls,
        passages: Sequence[Passage],
        anchors: Anchors,
        vocabulary: Vocabulary,
        profiles: Sequence[Profile] | None = None,
    ) -> Units:
        """The units of all ``passages``, in their order."""
        return cls(
            [p.text for p in passages],
            [p.outlet for p in passages],
            [anchors.get(p.id) for p in passages],
            vocabulary,
            profiles,
        )

    def __len__(self) -> int:
        return len(self._texts)

    def text(self, i: int) -> str:
        return self._texts[i]

    def outlet(self, i: int) -> Hashable:
        return self._outlets[i]

    def anchors(self, i: int) -> PassageAnchors:
        return self._anchors[i]

    def profile(self, i: int) -> Profile:
        if self._given is not None:
            return self._given[i]
        made = self._made.get(i)
        if made is None:
            made = self._made[i] = Profile.of(words(self._texts[i]), self.vocabulary, self._anchors[i])
        return made


# What proposes passages to join groups: from the groups (positions), (nearness, group number,
# passage) for each passage that may join one (alignment.attachments, on the semantic route).
Proposer = Callable[[Sequence[Sequence[int]]], Iterable[tuple[float, int, int]]]


def conclude(
    passages: Sequence[Passage],
    units: Units,
    scores: Scores,
    *,
    semantic: Sequence[tuple[int, int]] = (),
    propose: Proposer | None = None,
) -> Alignment:
    """From every scored candidate pair (i < j): best per outlet, links, nearest matches and
    clusters. ``semantic``: the semantic route's pairs (scored too), linked as well unless their
    articles are apart or they state different dates or figures. ``propose``: passages that may
    join a group once merging is done (``attached`` checks them); without it, those the groups
    vouch for (``vouched``)."""
    best = best_matches(sides(units, scores))
    linkable = candidates(preferences(sides(units, scores), best))
    found = links(units, linkable, scores, semantic=semantic)
    members = merged(units, found, scores)
    if propose is None:
        linked = {n for _, i, j in found for n in (i, j)}
        proposals = vouched(units, members, scores, partners(scores.items(), linked))
    else:
        proposals = list(propose(members))
    members = attached(units, members, scores, proposals)
    return aligned(passages, list(described(units, members, scores)), nearest(best))


def partners(
    scored: Iterable[tuple[tuple[int, int], float]], linked: Container[int]
) -> dict[int, tuple[float, int]]:
    """Each passage in no link with a scored pair to one that is linked: its best such pair
    (x -> (score, linked passage); a tie goes to the lower position). ``scored``: (i, j) -> score
    items, any order; the Dask engine reduces each partition's with ``best_partners``."""
    best: dict[int, tuple[float, int]] = {}
    for (i, j), score in scored:
        if (i in linked) != (j in linked):
            x, m = (j, i) if i in linked else (i, j)
            _prefer(best, x, score, m)
    return best


def best_partners(*found: Mapping[int, tuple[float, int]]) -> dict[int, tuple[float, int]]:
    """``partners`` of several sets of pairs, from each set's own (x -> (score, m))."""
    best: dict[int, tuple[float, int]] = {}
    for part in found:
        for x, (score, m) in part.items():
            _prefer(best, x, score, m)
    return best


def _prefer(best: dict[int, tuple[float, int]], x: int, score: float, m: int) -> None:
    """Keep (score, m) as x's partner when it beats the one held (a tie: the lower position)."""
    held = best.get(x)
    if held is None or (score, -m) > (held[0], -held[1]):
        best[x] = (score, m)


def vouched(
    units: Units,
    members: Sequence[Sequence[int]],
    scores: PairScores,
    partner_of: Mapping[int, tuple[float, int]],
) -> list[tuple[float, int, int]]:
    """Passages a group vouches for (VOUCH_MEAN): (mean pair score, group number, passage), for
    ``attached`` to check. ``partner_of``: each passage in no link -> (score, its best linked
    partner) (``partners``); a passage is proposed to its partner's group only, and each group
    takes the best of each outlet it lacks."""
    group_of = {m: g for g, group in enumerate(members) for m in group}
    pair_score = _scorer(units, scores)
    best: dict[tuple[int, Hashable], tuple[float, int]] = {}
    for x, (score, m) in sorted(partner_of.items()):
        g = group_of.get(m)
        if g is None or x in group_of or score < VOUCH_MIN:
            continue
        group, outlet = members[g], units.outlet(x)
        if any(units.outlet(y) == outlet for y in group):
            continue
        if units.profile(x).distinct < VOUCH_WORDS or fragment(units.text(x)):
            continue
        found: list[float] = []
        for y in group:  # the cheap tests first, and scoring stops at the first pair under VOUCH_MIN
            found.append(pair_score(x, y))
            if found[-1] < VOUCH_MIN:
                break
        mean = sum(found) / len(found)
        if found[-1] < VOUCH_MIN or mean < VOUCH_MEAN:
            continue
        held = best.get((g, outlet))
        if held is None or mean > held[0]:
            best[(g, outlet)] = (mean, x)
    return sorted((mean, g, x) for (g, _), (mean, x) in best.items())


def attached(
    units: Units, members: list[list[int]], scores: PairScores, proposals: Iterable[tuple[float, int, int]]
) -> list[list[int]]:
    """The groups (``merged``) with proposed passages joined, nearest first (``proposals``:
    nearness, group number, passage in no group). A passage joins one group at most, and only
    when no member states a date or figure it contradicts, its article is not apart from any
    member's (SEMANTIC_CONTEXT_GATE) and its mean pair-model probability with the members reaches
    SEMANTIC_MIN_PROBABILITY: a group of two outlets vouches for its third as a pair would not."""
    pair_score = _scorer(units, scores)
    joined = [list(group) for group in members]
    taken = {m for group in members for m in group}
    for _, g, x in sorted(proposals, key=lambda p: (-p[0], p[1], p[2])):
        group = members[g]
        if x in taken or any(units.outlet(m) == units.outlet(x) for m in group):
            continue
        if any(_semantic_apart(units.anchors(x), units.anchors(m)) for m in group):
            continue
        if sum(pair_score(x, m) for m in group) / len(group) < SEMANTIC_MIN_PROBABILITY:
            continue
        joined[g].append(x)
        taken.add(x)
    return sorted(sorted(group) for group in joined)


def sides(
    units: Units, scores: Mapping[tuple[int, int], float]
) -> Iterator[tuple[int, int, float, Hashable]]:
    """Each scored pair seen from both ends: (x, y, score, y's outlet)."""
    for (i, j), score in scores.items():
        yield i, j, score, units.outlet(j)
        yield j, i, score, units.outlet(i)


def best_matches(seen: Iterable[tuple[int, int, float, Outlet]]) -> Best[Outlet]:
    """(x, outlet) -> (score, y) of x's best candidate in that outlet, from pairs seen from x's
    side (x, y, score, y's outlet; any order): all of x's pairs must be among them. A tie goes
    to the lower position."""
    best: Best[Outlet] = {}
    for x, y, score, outlet in seen:
        key = (x, outlet)
        held = best.get(key)
        if held is None or (score, -y) > (held[0], -held[1]):
            best[key] = (score, y)
    return best


def nearest(best: Best[Outlet]) -> dict[int, tuple[float, int]]:
    """Each passage's best candidate in any other outlet: x -> (score, y)."""
    overall: dict[int, tuple[float, int]] = {}
    for (x, _), (score, y) in best.items():
        held = overall.get(x)
        if held is None or (score, -y) > (held[0], -held[1]):
            overall[x] = (score, y)
    return overall


def preferences(
    seen: Iterable[tuple[int, int, float, Outlet]], best: Best[Outlet]
) -> Iterator[tuple[int, int, float, bool]]:
    """For each pair seen from x's side that reaches LINK_THRESHOLD: (x, y, score, whether y is
    x's best match in y's outlet)."""
    for x, y, score, outlet in seen:
        if score >= LINK_THRESHOLD:
            yield x, y, score, best[(x, outlet)][1] == y


def candidates(preferred: Iterable[tuple[int, int, float, bool]]) -> list[tuple[float, int, int]]:
    """The pairs that may link, (score, i, j) in pair order, from both ends' preferences: at
    LINK_THRESHOLD when each end is the other's best in its outlet (mutual), at
    STRONG_THRESHOLD regardless (the context gate still applies: ``finish``)."""
    held: dict[tuple[int, int], tuple[float, bool]] = {}
    for x, y, score, best in preferred:
        key = (min(x, y), max(x, y))
        seen = held.get(key)
        held[key] = (score, best if seen is None else seen[1] and best)
    return [
        (score, i, j)
        for (i, j), (score, mutual) in sorted(held.items())
        if mutual or score >= STRONG_THRESHOLD
    ]


def links(
    units: Units,
    linkable: Iterable[tuple[float, int, int]],
    scores: Scores,
    *,
    semantic: Sequence[tuple[int, int]] = (),
) -> list[tuple[float, int, int]]:
    """The links (score, i, j), strongest first, from the pairs that may link (``candidates``):
    those whose articles are not apart (CONTEXT_GATE) unless STRONG, and the semantic route's."""
    found = [(s, i, j) for s, i, j in linkable if s >= STRONG_THRESHOLD or not _apart(units, i, j)]
    found.sort(key=lambda sij: (-sij[0], sij[1], sij[2]))
    if semantic:
        found = _with_semantic(units, found, scores, semantic)
    return bounded(found)


def bounded(links: Iterable[tuple[float, int, int]], cap: int | None = None) -> list[tuple[float, int, int]]:
    """The links (strongest first) but each that would join two components of the links kept
    before it into one of more than ``cap`` passages (COMPONENT_CAP)."""
    limit = COMPONENT_CAP if cap is None else cap
    parent: dict[int, int] = {}
    size: dict[int, int] = {}
    kept: list[tuple[float, int, int]] = []
    for link in links:
        a, b = _root(parent, link[1]), _root(parent, link[2])
        if a != b:
            joined = size.get(a, 1) + size.get(b, 1)
            if joined > limit:
                continue
            parent[max(a, b)] = min(a, b)
            size[min(a, b)] = joined
        kept.append(link)
    return kept


def components(links: Iterable[tuple[float, int, int]]) -> list[list[int]]:
    """The passages the links join, by connected component (each sorted, in order of their first
    passage). Merges never join two components, so each can be grouped apart (``merged``)."""
    parent: dict[int, int] = {}
    for _, i, j in links:
        a, b = _root(parent, i), _root(parent, j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    found: dict[int, list[int]] = {}
    for x in sorted(parent):
        found.setdefault(_root(parent, x), []).append(x)
    return list(found.values())


def _root(parent: dict[int, int], x: int) -> int:
    """x's component in a union-find forest (``parent``: x -> a passage nearer the root)."""
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def aligned(
    passages: Sequence[Passage], found: Iterable[Group], best: Mapping[int, tuple[float, int]]
) -> Alignment:
    """The alignment: the groups as clusters numbered in order of their first passage, and each
    passage's nearest match (``best``: x -> (score, y)), raised to its cluster links."""
    clusters = tuple(_cluster(passages, n, group) for n, group in enumerate(sorted(found), start=1))
    matches = {
        passages[x].id: Match(passage=passages[y].id, score=round(score, 4))
        for x, (score, y) in sorted(best.items())
    }
    return Alignment(passages=tuple(passages), clusters=clusters, nearest=_raised(matches, clusters))


def _cluster(passages: Sequence[Passage], number: int, group: Group) -> Cluster:
    members, pairs = group
    cluster_links = tuple(
        Link(a=passages[x].id, b=passages[y].id, score=score, shared=shared) for x, y, score, shared in pairs
    )
    mean = sum(link.score for link in cluster_links) / len(cluster_links)
    return Cluster(
        id=f"c{number}",
        passages=tuple(passages[m].id for m in members),
        outlets=tuple(sorted({passages[m].outlet for m in members})),
        score=round(min(1.0, max(0.0, mean)), 4),
        links=cluster_links,
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


def _with_semantic(
    units: Units,
    links: list[tuple[float, int, int]],
    scores: Scores,
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
        if _semantic_apart(units.anchors(i), units.anchors(j)):
            continue
        scores[(i, j)] = max(scores[(i, j)], LINK_THRESHOLD)
        added.append((scores[(i, j)], i, j))
    added.sort(key=lambda sij: (-sij[0], sij[1], sij[2]))
    return added


def _semantic_apart(a: PassageAnchors, b: PassageAnchors) -> bool:
    """Whether the semantic route keeps two passages apart: their articles are further apart than
    SEMANTIC_CONTEXT_GATE or have different subjects, or they state different dates or figures."""
    return context_apart(a, b) >= SEMANTIC_CONTEXT_GATE or subjects_apart(a, b) or conflicting(a, b)


def _apart(units: Units, i: int, j: int) -> bool:
    """Whether the two passages' articles share too little of their own names (CONTEXT_GATE)
    or have different subjects."""
    a, b = units.anchors(i), units.anchors(j)
    return context_apart(a, b) >= CONTEXT_GATE or subjects_apart(a, b)


def _events_apart(units: Units, gi: list[int], gj: list[int]) -> bool:
    """Whether two groups' articles report different events: two of them have different
    subjects, or their contexts are apart on average (MERGE_CONTEXT_GATE)."""
    apart: list[float] = []
    for x in gi:
        a = units.anchors(x)
        for y in gj:
            b = units.anchors(y)
            if subjects_apart(a, b):
                return True
            if a.context is not b.context and min(len(a.context), len(b.context)) >= MERGE_CONTEXT_MIN:
                apart.append(context_apart(a, b))
    return bool(apart) and sum(apart) / len(apart) >= MERGE_CONTEXT_GATE


def merged(units: Units, links: Iterable[tuple[float, int, int]], scores: PairScores) -> list[list[int]]:
    """Greedy agglomeration over links, strongest first, refusing incoherent merges: the passages
    of each group (each sorted, in order of their first passage), before their pairs are listed
    (``described``). ``scores`` must hold every scored candidate pair among the links' passages;
    a merge scores the pairs the index never proposed (and adds them)."""
    group_of: dict[int, int] = {}
    held: dict[int, list[int]] = {}
    outlet = units.outlet
    pair_score = _scorer(units, scores)
    for _, i, j in links:
        gi = held.get(group_of.get(i, -1), [i])
        gj = held.get(group_of.get(j, -1), [j])
        if gi is gj:
            continue
        # The cheap test first, and scoring stops at the first pair under MERGE_MIN: the same
        # decisions as scoring every cross pair (each score is the same whenever it is made).
        if len(gi) + len(gj) > 2 and (
            any(conflicting(units.anchors(x), units.anchors(y)) for x in gi for y in gj)
            or _events_apart(units, gi, gj)
        ):
            continue
        cross = _cross(gi, gj, outlet, pair_score)
        if not cross or sum(cross) / len(cross) < LINK_THRESHOLD:
            continue
        joined = sorted(gi + gj)
        key = joined[0]
        for old in (group_of.get(i), group_of.get(j)):
            if old is not None:
                held.pop(old, None)
        held[key] = joined
        for member in joined:
            group_of[member] = key
    return sorted(held.values())


def described(units: Units, members: Iterable[list[int]], scores: PairScores) -> Iterator[Group]:
    """Each group of ``merged`` with its cross-outlet pairs (x, y, score, the words they share),
    one group at a time (a caller may pack them as they come)."""
    outlet = units.outlet
    pair_score = _scorer(units, scores)
    for group in members:
        yield (
            tuple(group),
            tuple(
                (x, y, round(pair_score(x, y), 4), shared_words(units.text(x), units.text(y)))
                for n, x in enumerate(group)
                for y in group[n + 1 :]
                if outlet(x) != outlet(y)
            ),
        )


def _scorer(units: Units, scores: PairScores) -> Callable[[int, int], float]:
    """A pair's score from ``scores``, scored and added there when the index never proposed it."""

    def pair_score(x: int, y: int) -> float:
        key = (min(x, y), max(x, y))
        score = scores.get(key)
        if score is None:
            score = scores[key] = probability(units.profile(x), units.profile(y), units.vocabulary)
        return score

    return pair_score


def _cross(
    gi: list[int], gj: list[int], outlet: Callable[[int], Hashable], pair_score: Callable[[int, int], float]
) -> list[float]:
    """The scores of the cross-outlet pairs of two groups, or none once one is under MERGE_MIN."""
    cross: list[float] = []
    for x in gi:
        for y in gj:
            if outlet(x) != outlet(y):
                score = pair_score(x, y)
                if score < MERGE_MIN:
                    return []
                cross.append(score)
    return cross


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
