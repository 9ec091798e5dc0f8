"""Mutual nearest passages across outlets by a margin over cosine (the semantic route's pairs).

Margin-based mining as in bitext mining (Artetxe & Schwenk 2019, "Margin-based parallel corpus
mining with multilingual sentence embeddings"): a pair's cosine minus the mean cosine of each
side's k nearest passages in the other's outlet. A passage close to everything (a generic line)
has a high neighbourhood and so a low margin; a restatement stands out from its neighbours.
Pure numpy on a matrix of unit rows; exact, in blocks of rows so that memory stays bounded
(BLOCK_ROWS x passages floats at a time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Rows of the similarity matrix computed at once: 256 x 40,000 passages is 41 MB of float32.
BLOCK_ROWS = 256
# Each passage's candidates: its nearest this many across the other outlets (of its k nearest in
# each), as the lexical index keeps a few per passage: memory and work grow with the passages.
CANDIDATES = 16


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
) -> list[MarginPair]:
    """Pairs of usable passages of different outlets that are mutual best by margin, with a
    cosine of ``min_cosine`` and a margin of ``min_margin`` or more, in (i, j) order.

    Each passage's candidates in an outlet are its ``k`` nearest there (also the neighbourhood
    whose mean cosine the margin subtracts; all of them in an outlet of fewer passages).
    """
    order = sorted((o, n) for n, o in enumerate(outlets) if usable[n])
    if not order:
        return []
    position = np.array([n for _, n in order], dtype=np.int64)
    names = sorted({o for o, _ in order})
    code = {name: c for c, name in enumerate(names)}
    segment: dict[int, tuple[int, int]] = {}
    for n, (o, _) in enumerate(order):
        lo, _hi = segment.get(code[o], (n, n))
        segment[code[o]] = (lo, n + 1)
    matrix = np.ascontiguousarray(vectors[position], dtype=np.float32)
    row_code = np.array([code[o] for o, _ in order], dtype=np.int64)

    # Per row: its k nearest in each other outlet give the neighbourhood means; of those, the
    # CANDIDATES nearest overall at min_cosine or more are its candidates (flat arrays, so that
    # memory grows with passages x CANDIDATES, not with passages x outlets).
    cand_row: list[npt.NDArray[np.int64]] = []
    cand_code: list[npt.NDArray[np.int64]] = []
    cand_other: list[npt.NDArray[np.int64]] = []
    cand_cos: list[npt.NDArray[np.float32]] = []
    cand_mean: list[npt.NDArray[np.float32]] = []
    outlets_n = len(names)
    column_code = np.repeat(np.arange(outlets_n, dtype=np.int64), k)
    for start in range(0, len(order), BLOCK_ROWS):
        block = matrix[start : start + BLOCK_ROWS] @ matrix.T
        rows = np.arange(start, start + len(block), dtype=np.int64)
        values = np.full((len(block), outlets_n * k), -np.inf, dtype=np.float32)
        others = np.zeros((len(block), outlets_n * k), dtype=np.int64)
        means = np.zeros((len(block), outlets_n), dtype=np.float32)
        for c, (lo, hi) in segment.items():
            columns = block[:, lo:hi]
            top = min(k, hi - lo)
            nearest = np.argpartition(columns, hi - lo - top, axis=1)[:, -top:]
            near = np.take_along_axis(columns, nearest, axis=1)
            values[:, c * k : c * k + top] = near
            others[:, c * k : c * k + top] = lo + nearest
            means[:, c] = near.mean(axis=1)
        values[column_code[None, :] == row_code[rows][:, None]] = -np.inf
        if values.shape[1] > CANDIDATES:
            kept = np.argpartition(-values, CANDIDATES - 1, axis=1)[:, :CANDIDATES]
        else:
            kept = np.broadcast_to(np.arange(values.shape[1]), values.shape)
        chosen = np.take_along_axis(values, kept, axis=1)
        r, q = np.nonzero(chosen >= min_cosine)
        columns_kept = kept[r, q]
        cand_row.append(rows[r])
        cand_code.append(column_code[columns_kept])
        cand_other.append(others[r, columns_kept])
        cand_cos.append(chosen[r, q])
        cand_mean.append(means[r, column_code[columns_kept]])
    if not cand_row:
        return []
    row, code_, other = np.concatenate(cand_row), np.concatenate(cand_code), np.concatenate(cand_other)
    cosine = np.concatenate(cand_cos).astype(np.float64)
    own = row * outlets_n + code_
    keys, first_seen = np.unique(own, return_index=True)
    hood = np.concatenate(cand_mean).astype(np.float64)[first_seen]
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
    found = (at < len(best_key)) & (best_key[np.minimum(at, len(best_key) - 1)] == back[best])
    mutual = found & (best_other[np.minimum(at, len(best_key) - 1)] == row[best])
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
