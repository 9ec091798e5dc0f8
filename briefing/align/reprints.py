"""Find reprints: articles most of whose passages copy another article's, near verbatim.

A reprint (a syndicated wire story, the same article saved twice, one article's last paragraphs
pasted as another file) is not a second outlet's reporting. It is found in three steps, each
linear in the number of passages:

1. Each passage is read as its plain words (lower case, no punctuation, one apostrophe: quote
   styles and punctuation edits vanish) and indexed under three anchors: the whole word string
   and its first and last ANCHOR_WORDS words. A near-verbatim copy keeps at least one anchor
   unless it was edited at both ends, so only passages sharing an anchor are compared.
2. Each such pair of different articles is compared with rapidfuzz (``fuzz.ratio`` on the
   plain words): at COPY_RATIO or more, each passage is a copy in the other's article.
3. An article is a reprint of another when at least REPRINT_SHARE of its passages (those of
   MIN_WORDS words or more) have a copy there; see ``_direction`` for which of two is the reprint.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

from rapidfuzz import fuzz

from briefing.models import CleanArticle, Cluster, Passage, Reprint
from briefing.text import words

# Share of an article's passages that must have a near-verbatim copy in one other article for it
# to be a reprint of that article (the "most of whose passages, say 60 %"). On the 43
# development stories (../shared/stories, bench/reprints.py) no article is a reprint; the largest
# share is 0.48 (mn-054: a news story quoting a resignation letter at length, the letter being
# another file), the next 0.25. A pasted or syndicated copy scores 0.9 to 1.
REPRINT_SHARE = 0.6
# ... and at least this many passages: two or three shared sentences (a quote both outlets
# carry, a stock background line) are not a reprint, however short the article.
MIN_COPIED = 3
# A passage shorter than this ("He declined to comment.") says nothing about copying: it counts
# neither for nor against the share (it is still left out of alignment when it is a copy).
MIN_WORDS = 6
# Two passages are one text copied when fuzz.ratio of their plain words reaches this: one word
# dropped, replaced or inserted in a 22-word sentence scored 95 to 100 (median 98, 200 random
# edits). The cross-outlet links aligned on the 43 development stories have a median of 60; a
# quarter (116 of 463) reach 90: the same quote or wire sentence, which is why a reprint takes
# most of an article's passages, not a few.
COPY_RATIO = 90
# Words at each end of a passage that serve as an anchor in the index.
ANCHOR_WORDS = 5
# An anchor shared by more passages than this is boilerplate ("the associated press contributed
# to"), not a copy, and opens no comparisons: it keeps the work per passage bounded. 64 still
# finds one story syndicated to sixty outlets through its other anchors.
MAX_POSTINGS = 64


def find(passages: Sequence[Passage], *, articles: Sequence[CleanArticle]) -> tuple[Reprint, ...]:
    """The reprints among ``articles``, each with the original it copies, in load order."""
    # As in alignment: hundreds of thousands of small keys and pairs and no reference cycles;
    # the cyclic collector rescanning them took a third of the time on 10,000 synthetic articles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _find(passages, articles)
    finally:
        if enabled:
            gc.enable()


def _find(passages: Sequence[Passage], articles: Sequence[CleanArticle]) -> tuple[Reprint, ...]:
    order = {clean.article.id: n for n, clean in enumerate(articles)}
    plain = [words(p.text).plain for p in passages]
    copies = _copies(passages, plain)
    eligible: dict[str, int] = defaultdict(int)
    for p, text in zip(passages, plain, strict=True):
        if text.count(" ") + 1 >= MIN_WORDS:
            eligible[p.doc] += 1
    # (copy's article, original's article) -> ids of the copy's passages found there
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    for n, docs in sorted(copies.items()):
        for doc in sorted(docs):
            found[(passages[n].doc, doc)].append(passages[n].id)
            if plain[n].count(" ") + 1 >= MIN_WORDS:
                counted[(passages[n].doc, doc)] += 1
    share = {
        pair: count / eligible[pair[0]]
        for pair, count in counted.items()
        if count >= MIN_COPIED and count >= REPRINT_SHARE * eligible[pair[0]]
    }
    published = {clean.article.id: clean.article.published for clean in articles}
    share = _embedded(share, counted, eligible, published)
    edges: dict[str, list[str]] = defaultdict(list)
    for copy, original in share:
        if _direction(copy, original, share, order, published):
            edges[copy].append(original)
    of: dict[str, str] = {}
    # Each reprint cites the article it copies most, then the earliest; a link that would close
    # a loop of reprints (possible only with odd partial overlaps) is passed over.
    for copy in sorted(edges, key=lambda d: -order[d]):
        ranked = sorted(edges[copy], key=lambda o: (-share[(copy, o)], order[o]))
        for original in ranked:
            if not _leads_to(original, copy, of):
                of[copy] = original
                break
    # A reprint of a reprint cites an original of its own when it copies one as well.
    for copy, original in list(of.items()):
        direct = [o for o in edges[copy] if o not in of]
        if original in of and direct:
            of[copy] = min(direct, key=lambda o: (-share[(copy, o)], order[o]))
    return tuple(
        Reprint(
            doc=copy,
            of=of[copy],
            passages=tuple(found[(copy, of[copy])]),
            share=round(share[(copy, of[copy])], 4),
        )
        for copy in sorted(of, key=lambda d: order[d])
    )


def copied(reprints: Sequence[Reprint]) -> frozenset[str]:
    """The ids of every passage a reprint copies."""
    return frozenset(pid for reprint in reprints for pid in reprint.passages)


def counted_outlets(
    articles: Sequence[CleanArticle], reprints: Sequence[Reprint], clusters: Sequence[Cluster]
) -> tuple[str, ...]:
    """The outlets a briefing counts ("N of M outlets"): those of the articles that are not
    reprints, and any outlet that reports a shared claim in passages of its own (a reprint's
    own added lines may), so that N never exceeds M."""
    reprinted = {r.doc for r in reprints}
    outlets = {c.article.outlet for c in articles if c.article.id not in reprinted}
    outlets.update(outlet for cluster in clusters for outlet in cluster.outlets)
    return tuple(sorted(outlets))


def _copies(passages: Sequence[Passage], plain: Sequence[str]) -> dict[int, set[str]]:
    """Passage index -> the other articles that hold a near-verbatim copy of it."""
    postings: dict[str, list[int]] = defaultdict(list)
    for n, text in enumerate(plain):
        if text:
            for key in _anchors(text):
                postings[key].append(n)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if 1 < len(members) <= MAX_POSTINGS:
            pairs.update((a, b) for a, b in combinations(members, 2) if passages[a].doc != passages[b].doc)
    copies: dict[int, set[str]] = defaultdict(set)
    for a, b in sorted(pairs):
        if passages[b].doc in copies[a] and passages[a].doc in copies[b]:
            continue
        if fuzz.ratio(plain[a], plain[b], score_cutoff=COPY_RATIO):
            copies[a].add(passages[b].doc)
            copies[b].add(passages[a].doc)
    return {n: docs for n, docs in copies.items() if docs}


def _anchors(text: str) -> set[str]:
    """The whole word string and its first and last words, as index keys."""
    tokens = text.split(" ")
    return {
        "=" + text,
        "<" + " ".join(tokens[:ANCHOR_WORDS]),
        ">" + " ".join(tokens[-ANCHOR_WORDS:]),
    }


def _embedded(
    share: dict[tuple[str, str], float],
    counted: dict[tuple[str, str], int],
    eligible: dict[str, int],
    published: dict[str, dt.date | None],
) -> dict[tuple[str, str], float]:
    """Turn round the pairs where the contained article was published first: a wire story
    carried whole inside a later, longer article with lines of its own is the original, and the
    later article reprints it in part (its share is then under REPRINT_SHARE). Without both dates
    nothing tells the two apart, and the contained article stays the reprint."""
    turned: dict[tuple[str, str], float] = {}
    for (copy, original), value in share.items():
        first, second = published.get(copy), published.get(original)
        if (original, copy) in share or first is None or second is None or first >= second:
            turned[(copy, original)] = value
        elif counted.get((original, copy), 0) >= MIN_COPIED:
            turned[(original, copy)] = counted[(original, copy)] / eligible[original]
    return turned


def _direction(
    copy: str,
    original: str,
    share: dict[tuple[str, str], float],
    order: dict[str, int],
    published: dict[str, dt.date | None],
) -> bool:
    """Whether ``copy`` is the reprint of ``original`` rather than the other way round.

    The article mostly contained in the other is the reprint; when each is mostly contained in
    the other, the more contained one (the issue's reprint, an original's last eleven paragraphs
    of twelve, is wholly contained; the original is 11/12 contained). Of two full copies, the
    later one is: by publication date when both have one, else by load order. (An original and
    a copy with lines added look like the copy's original: nothing in the text tells them apart.)
    """
    if (original, copy) not in share:
        return True
    mine, theirs = round(share[(copy, original)], 6), round(share[(original, copy)], 6)
    if mine != theirs:
        return mine > theirs
    first, second = published.get(copy), published.get(original)
    if first is not None and second is not None and first != second:
        return first > second
    return order[copy] > order[original]


def _leads_to(start: str, target: str, of: dict[str, str]) -> bool:
    """Whether following reprint-of links from ``start`` reaches ``target`` (a cycle guard)."""
    seen: set[str] = set()
    doc: str | None = start
    while doc is not None and doc not in seen:
        if doc == target:
            return True
        seen.add(doc)
        doc = of.get(doc)
    return False
