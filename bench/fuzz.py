"""Fuzz the loader, cleaner and splitter with random bytes and text at volume (hypothesis).

Usage: python bench/fuzz.py [--examples N]
Every input must load (or be skipped with a warning), clean and split without an exception,
with spans that slice back exactly. Prints how many inputs were tried.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import CorpusError
from briefing.read import cleaning, corpus, segmentation

tried = 0
PIECES = [
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    "Advertisement",
    "By ",
    "(AP)",
    "“",
    "”",
    "U.S.",
    "?",
    ".",
    "\ufeff",
    "\x00",
]


def check(folder: Path, data: bytes) -> None:
    global tried
    tried += 1
    (folder / "a.txt").write_bytes(data)
    try:
        loaded = corpus.load(folder)
    except CorpusError:
        return  # e.g. every file empty or binary: a clean, reported refusal
    for article in loaded.articles:
        clean = cleaning.clean(article)
        for p in segmentation.split(clean):
            assert article.text[p.start : p.end] == p.text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    budget = settings(
        max_examples=args.examples // 2, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    started = time.perf_counter()

    @budget
    @given(st.binary(max_size=2000))
    def raw_bytes(data: bytes) -> None:
        check(folder, data)

    @budget
    @given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=80))
    def news_like(parts: list[str]) -> None:
        check(folder, "".join(parts).encode("utf-8", errors="surrogatepass"))

    raw_bytes()
    news_like()
    print(f"fuzzed {tried:,} inputs in {time.perf_counter() - started:.0f}s without a failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
