"""Reprint detection on real stories (false reprints, largest copied share) and its cost at scale.

Usage: python bench/reprints.py [STORIES_DIR] [--synthetic 1000]
For each story folder: the reprints found, and the largest share of one article's passages
copied in another (what REPRINT_SHARE must stay above). With --synthetic N: the time of
load+clean+split, of reprint detection and of alignment on a synthetic corpus of N articles.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from briefing.align import alignment, reprints
from briefing.models import CleanArticle, Passage
from briefing.read import cleaning, corpus, segmentation


def _read(folder: Path) -> tuple[tuple[CleanArticle, ...], tuple[Passage, ...]]:
    loaded = corpus.load(folder)
    cleaned = tuple(cleaning.clean(a) for a in loaded.articles)
    return cleaned, tuple(p for c in cleaned for p in segmentation.split(c))


def _largest_share(cleaned: tuple[CleanArticle, ...], passages: tuple[Passage, ...]) -> float:
    """The largest share of one article's passages copied in another, whatever the threshold."""
    saved = reprints.REPRINT_SHARE, reprints.MIN_COPIED
    reprints.REPRINT_SHARE, reprints.MIN_COPIED = 0.0, 1
    try:
        return max((r.share for r in reprints.find(passages, articles=cleaned)), default=0.0)
    finally:
        reprints.REPRINT_SHARE, reprints.MIN_COPIED = saved


def stories(root: Path) -> int:
    found = 0
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    for folder in folders:
        cleaned, passages = _read(folder)
        result = reprints.find(passages, articles=cleaned)
        found += len(result)
        marks = ", ".join(f"{r.doc} of {r.of} ({r.share:.0%})" for r in result) or "-"
        print(f"{folder.name:50s} largest share {_largest_share(cleaned, passages):5.0%}  reprints: {marks}")
    print(f"{len(folders)} stories, {found} reprints")
    return 0


def synthetic(size: int) -> int:
    from synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "c"
        generate(folder, size)
        started = time.perf_counter()
        cleaned, passages = _read(folder)
        read = time.perf_counter()
        result = reprints.find(passages, articles=cleaned)
        found = time.perf_counter()
        aligned = alignment.align(passages)
        done = time.perf_counter()
    print(
        f"{size} articles, {len(passages)} passages: read {read - started:.2f} s, "
        f"reprints {found - read:.2f} s ({len(result)} found), "
        f"align {done - found:.2f} s ({len(aligned.clusters)} clusters)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stories", type=Path, nargs="?", default=Path("../shared/stories"))
    parser.add_argument("--synthetic", type=int, help="time detection on a synthetic corpus of N articles")
    args = parser.parse_args()
    if args.synthetic:
        return synthetic(args.synthetic)
    return stories(args.stories)


if __name__ == "__main__":
    raise SystemExit(main())
