"""Mutual nearest passages across outlets by a margin over cosine (the semantic route's pairs).

Margin-based mining as in bitext mining (Artetxe & Schwenk 2019, "Margin-based parallel corpus
mining with multilingual sentence embeddings"): a pair's cosine minus the mean cosine of each
side's k nearest passages in the other's outlet. A passage close to everything (a generic line)
has a high neighbourhood and so a low margin; a restatement stands out from its neighbours.
Pure numpy on a matrix of unit rows. Up to EXACT_UP_TO passages the neighbours are exact, in
blocks of rows so that memory stays bounded (BLOCK_ROWS x passages floats at a time); past it
all-pairs products grow with the square of the corpus, and each passage's neighbours come from
an HNSW index (usearch, part of the semantic extra) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

# Rows of the similarity matrix computed at once: 256 x 40,000 passages is 41 MB of float32.
BLOCK_ROWS = 256
# Each passage's candidates: its nearest this many across the other outlets (of its k nearest in
# each), as the lexical index keeps a few per passage: memory and work grow with the passages.
CANDIDATES = 16
# Exact neighbours up to this many usable passages; past it, an HNSW index (usearch). Measured
# with bench/neighbours.py --stories on the 43 stories and ECB+ dev (12,285 news passages, 610
# outlets): exact 2.1 s for 14,481 pairs; the index (the settings below) 2.4 s for 14,122, 0.928
# of the exact pairs and 690 others. Exact work grows with the square of the passages, the
# index's about as n log n: at 100,000 passages exact is about 140 s, the index about 30 s.
EXACT_UP_TO = 100_000
# The index's search: each passage's this many nearest overall, from which its k nearest per
# other outlet are taken; for an outlet with fewer than k found, the row's farthest found stands
# in for the rest. Neighbours and means are approximate, so the pairs are too. Swept with
# EXPANSION_SEARCH on 1,000 synthetic articles (31,965 passages whose made-up words all encode
# alike, the hardest case): 64/64 found 0.898 of the exact pairs (35 others); 128/128, 0.948
# (104 others) in 1.5x the time; 32/64 with CONNECTIVITY 8, 0.740.
SEARCH = 64
# Vectors held as 8-bit integers (usearch's i8, for cosine): there, float32 found 0.910 of the
# exact pairs (4 others) in 1.2x the time, and holds 4x the memory.
INDEX_DTYPE = "i8"
# usearch's HNSW settings (M, efConstruction, efSearch), its defaults but for the search's.
CONNECTIVITY = 16
EXPANSION_ADD = 128
EXPANSION_SEARCH = 64
# Threads of the index's search (it releases the GIL); the machines this runs on have 2. The build
# is single-threaded: built by two threads, the graph (and so the pairs) changed from run to run.
INDEX_THREADS = 2
# Rows searched at once: bounds the search results held (rows x SEARCH keys and distances).
SEARCH_ROWS = 8_192


@dataclass(frozen=True, slots=True, kw_only=True)
class _Candidates:
    """Each passage's candidates in flat arrays: the row (position in the outlet-sorted matrix), the
    candidate's outlet code and row, their cosine, and the row's neighbourhood mean in that outlet."""

    row: npt.NDArray[np.int64]
    code: npt.NDArray[np.int64]
    other: npt.NDArray[np.int64]
    cosine: npt.NDArray[np.float64]
    mean: npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class MarginPair:
    """Two passages (positions, i < j) that are each other's best by margin in the other's outlet."""

    i: int
    j: int
    cosine: float
    margin: float


def mutual_pairs(
    vectors: npt.NDArray[np.floating],
    outlets: Sequence[str],
    *,
    usable: Sequence[bool],
    k: int,
    min_cosine: float,
    min_margin: float,
    exact_up_to: int = EXACT_UP_TO,
) -> list[MarginPair]:
    """Pairs of usable passages of different outlets that are mutual best by margin, with a
    cosine of ``min_cosine`` and a margin of ``min_margin`` or more, in (i, j) order.

    Each passage's candidates in an outlet are its ``k`` nearest there (also the neighbourhood
    whose mean cosine the margin subtracts; all of them in an outlet of fewer passages): exact up
    to ``exact_up_to`` usable passages, from an HNSW index past it.
    """
    order = sorted((o, n) for n, o in enumerate(outlets) if usable[n])
    if not order:
        return []
    position = np.array([n for _, n in order], dtype=np.int64)
    names = sorted({o for o, _ in order})
    code = {name: c for c, name in enumerate(names)}
    matrix = np.ascontiguousarray(vectors[position], dtype=np.float32)
    row_code = np.array([code[o] for o, _ in order], dtype=np.int64)
    if len(order) <= exact_up_to:
        found = _exact(matrix, row_code, len(names), k=k, min_cosine=min_cosine)
    else:
        found = _indexed(matrix, row_code, len(names), k=k, min_cosine=min_cosine)
    return _mutual(found, row_code, position, len(names), min_margin=min_margin)


def _exact(
    matrix: npt.NDArray[np.float32],
    row_code: npt.NDArray[np.int64],
    outlets_n: int,
    *,
    k: int,
    min_cosine: float,
) -> _Candidates:
    """Per row: its k nearest in each other outlet give the neighbourhood means; of those, the
    CANDIDATES nearest overall at min_cosine or more are its candidates (flat arrays, so that
    memory grows with passages x CANDIDATES, not with passages x outlets)."""
    segment: dict[int, tuple[int, int]] = {}
    for n, c in enumerate(row_code.tolist()):
        lo, _hi = segment.get(c, (n, n))
        segment[c] = (lo, n + 1)
    parts: list[tuple[npt.NDArray[Any], ...]] = []
    column_code = np.repeat(np.arange(outlets_n, dtype=np.int64), k)
    starts = np.array([segment[c][0] for c in range(outlets_n)], dtype=np.int64)
    # Outlets of one passage (a folder with no manifest: each file its own outlet) take their one
    # column at once: the loop below costs tens of microseconds an outlet and block, 24 s of the
    # semantic route's 25 for 10,000 one-line files, all for a copy.
    single = np.array([c for c, (lo, hi) in segment.items() if hi - lo == 1], dtype=np.int64)
    several = [(c, lo, hi) for c, (lo, hi) in segment.items() if hi - lo > 1]
    for start in range(0, len(matrix), BLOCK_ROWS):
        block = matrix[start : start + BLOCK_ROWS] @ matrix.T
        rows = np.arange(start, start + len(block), dtype=np.int64)
        values = np.full((len(block), outlets_n * k), -np.inf, dtype=np.float32)
        others = np.zeros((len(block), outlets_n * k), dtype=np.int64)
        means = np.zeros((len(block), outlets_n), dtype=np.float32)
        # Only a row's outlets with a passage at min_cosine or more can hold its candidates (the
        # others' values would be dropped below), so only theirs are partitioned: a news sentence
        # is near few outlets. On the 43 stories and ECB+ dev (bench/neighbours.py --stories;
        # 12,285 passages, 610 outlets) 7.5 -> 3.4 s, the same pairs but one (a tie between
        # copies of one sentence, broken the other way), and the same dev and ECB+ figures.
        near_any = np.logical_or.reduceat(block >= min_cosine, starts, axis=1)
        if len(single):
            lone = block[:, starts[single]]
            near_lone = near_any[:, single]
            values[:, single * k] = np.where(near_lone, lone, -np.inf)
            others[:, single * k] = np.where(near_lone, starts[single][None, :], 0)
            means[:, single] = np.where(near_lone, lone, 0.0)
        for c, lo, hi in several:
            need = np.flatnonzero(near_any[:, c])
            if not len(need):
                continue
            columns = block[need, lo:hi]
            top = min(k, hi - lo)
            nearest = np.argpartition(columns, hi - lo - top, axis=1)[:, -top:]
            near = np.take_along_axis(columns, nearest, axis=1)
            values[need, c * k : c * k + top] = near
            others[need, c * k : c * k + top] = lo + nearest
            means[need, c] = near.mean(axis=1)
        values[column_code[None, :] == row_code[rows][:, None]] = -np.inf
        if values.shape[1] > CANDIDATES:
            kept = np.argpartition(-values, CANDIDATES - 1, axis=1)[:, :CANDIDATES]
        else:
            kept = np.broadcast_to(np.arange(values.shape[1]), values.shape)
        chosen = np.take_along_axis(values, kept, axis=1)
        r, q = np.nonzero(chosen >= min_cosine)
        columns_kept = kept[r, q]
        parts.append(
            (
                rows[r],
                column_code[columns_kept],
                others[r, columns_kept],
                chosen[r, q],
                means[r, column_code[columns_kept]],
            )
        )
    return _joined(parts)


def _indexed(
    matrix: npt.NDArray[np.float32],
    row_code: npt.NDArray[np.int64],
    outlets_n: int,
    *,
    k: int,
    min_cosine: float,
) -> _Candidates:
    """``_exact``'s candidates from each row's SEARCH nearest in an HNSW index: per other outlet
    the k nearest found there, then the CANDIDATES nearest. The neighbourhood mean counts the
    row's farthest found for each of an outlet's k that was not found (an outlet with fewer than k
    passages is treated as having k: with the index, its size is not at hand)."""
    from usearch.index import BatchMatches, Index

    index = Index(
        ndim=matrix.shape[1],
        metric="cos",
        dtype=INDEX_DTYPE,
        connectivity=CONNECTIVITY,
        expansion_add=EXPANSION_ADD,
        expansion_search=EXPANSION_SEARCH,
    )
    index.add(np.arange(len(matrix), dtype=np.uint64), matrix, threads=1)
    parts: list[tuple[npt.NDArray[Any], ...]] = []
    for start in range(0, len(matrix), SEARCH_ROWS):
        rows_matrix = matrix[start : start + SEARCH_ROWS]
        found = index.search(rows_matrix, SEARCH, threads=INDEX_THREADS)
        assert isinstance(found, BatchMatches)  # a matrix of queries gets one row of matches each
        keys = np.asarray(found.keys, dtype=np.int64)
        counts = np.asarray(found.counts, dtype=np.int64)
        valid = np.arange(keys.shape[1])[None, :] < counts[:, None]
        similarity = 1.0 - np.asarray(found.distances, dtype=np.float32)  # distance: 1 - cosine
        # The row's farthest found: no passage the search missed is nearer, were it exact, so it
        # stands in for the neighbours an outlet lacks among those found.
        last = np.where(counts > 0, similarity[np.arange(len(keys)), np.maximum(counts - 1, 0)], 0.0)
        rows = np.repeat(np.arange(start, start + len(keys), dtype=np.int64), keys.shape[1])
        other = keys.ravel()
        cosine = similarity.ravel()
        keep = valid.ravel() & (other >= 0) & (other < len(matrix))
        rows, other, cosine = rows[keep], other[keep], cosine[keep]
        code = row_code[other]
        keep = code != row_code[rows]
        rows, other, code, cosine = rows[keep], other[keep], code[keep], cosine[keep]
        # Per (row, outlet), nearest first; the first k of each group are its neighbourhood.
        by = np.lexsort((other, -cosine, code, rows))
        rows, other, code, cosine = rows[by], other[by], code[by], cosine[by]
        group = rows * outlets_n + code
        near = _runs(group)[1] < k
        rows, other, code, cosine, group = rows[near], other[near], code[near], cosine[near], group[near]
        starts, _ = _runs(group)
        sums = np.add.reduceat(cosine.astype(np.float64), starts)
        sizes = np.diff(np.r_[starts, len(group)])
        filled = sums + (k - sizes) * last[rows[starts] - start]
        mean = np.repeat(filled / k, sizes)
        # Per row, the CANDIDATES nearest of those at min_cosine or more.
        by = np.lexsort((other, -cosine, rows))
        rows, other, code, cosine, mean = rows[by], other[by], code[by], cosine[by], mean[by]
        keep = (_runs(rows)[1] < CANDIDATES) & (cosine >= min_cosine)
        parts.append((rows[keep], code[keep], other[keep], cosine[keep], mean[keep]))
    return _joined(parts)


def _runs(keys: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For sorted keys: where each run of equal keys starts, and each key's rank within its run."""
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    return starts, rank


def _joined(parts: list[tuple[npt.NDArray[Any], ...]]) -> _Candidates:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return _Candidates(
            row=empty, code=empty, other=empty, cosine=empty.astype(np.float64), mean=empty.astype(np.float64)
        )
    row, code, other, cosine, mean = (np.concatenate(column) for column in zip(*parts, strict=True))
    return _Candidates(
        row=row.astype(np.int64),
        code=code.astype(np.int64),
        other=other.astype(np.int64),
        cosine=cosine.astype(np.float64),
        mean=mean.astype(np.float64),
    )


def _mutual(
    found: _Candidates,
    row_code: npt.NDArray[np.int64],
    position: npt.NDArray[np.int64],
    outlets_n: int,
    *,
    min_margin: float,
) -> list[MarginPair]:
    """The candidate pairs that are each other's best by margin, at min_margin or more."""
    if not len(found.row):
        return []
    row, code_, other, cosine = found.row, found.code, found.other, found.cosine
    own = row * outlets_n + code_
    keys, first_seen = np.unique(own, return_index=True)
    hood = found.mean[first_seen]
    # The other side's neighbourhood in this row's outlet is known when the row is among its
    # candidates, as it must be for the pair to be mutual; else the pair cannot be, and the
    # margin is left at minus infinity.
    back = other * outlets_n + row_code[row]
    at = np.minimum(np.searchsorted(keys, back), len(keys) - 1)
    back_mean = np.where(keys[at] == back, hood[at], np.inf)
    margin = cosine - (hood[np.searchsorted(keys, own)] + back_mean) / 2
    # Each (row, outlet)'s best candidate by margin, the lower position on a tie.
    by = np.lexsort((other, -margin, own))
    first = np.ones(len(by), dtype=bool)
    first[1:] = own[by][1:] != own[by][:-1]
    best = by[first]
    best_key, best_other = own[best], other[best]
    # Mutual: the candidate's best in this row's outlet is this row.
    at = np.searchsorted(best_key, back[best])
    hit = (at < len(best_key)) & (best_key[np.minimum(at, len(best_key) - 1)] == back[best])
    mutual = hit & (best_other[np.minimum(at, len(best_key) - 1)] == row[best])
    keep = best[mutual & (margin[best] >= min_margin) & (row[best] < other[best])]
    pairs = [
        MarginPair(
            i=min(int(position[row[n]]), int(position[other[n]])),
            j=max(int(position[row[n]]), int(position[other[n]])),
            cosine=round(float(cosine[n]), 6),
            margin=round(float(margin[n]), 6),
        )
        for n in keep
    ]
    pairs.sort(key=lambda p: (p.i, p.j))
    return pairs


def margins(
    vectors: npt.NDArray[np.floating],
    outlets: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    *,
    k: int,
) -> list[float]:
    """The margin of each given pair (positions i, j of different outlets): their cosine minus the
    mean cosine of each side's k nearest passages in the other's outlet, exact (the rows of the
    pairs' passages against all passages, in blocks of BLOCK_ROWS)."""
    if not pairs:
        return []
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    index = {name: c for c, name in enumerate(sorted(set(outlets)))}
    code = np.array([index[o] for o in outlets], dtype=np.int64)
    wanted: dict[int, set[int]] = {}
    for i, j in pairs:
        wanted.setdefault(i, set()).add(int(code[j]))
        wanted.setdefault(j, set()).add(int(code[i]))
    rows = sorted(wanted)
    columns = {c: np.flatnonzero(code == c) for c in {c for cs in wanted.values() for c in cs}}
    hood: dict[tuple[int, int], float] = {}
    for start in range(0, len(rows), BLOCK_ROWS):
        chunk = rows[start : start + BLOCK_ROWS]
        block = matrix[chunk] @ matrix.T
        for n, row in enumerate(chunk):
            for c in sorted(wanted[row]):
                near = block[n, columns[c]]
                top = min(k, len(near))
                hood[(row, c)] = float(np.partition(near, len(near) - top)[-top:].mean())
    return [
        float(matrix[i] @ matrix[j]) - (hood[(i, int(code[j]))] + hood[(j, int(code[i]))]) / 2
        for i, j in pairs
    ]
