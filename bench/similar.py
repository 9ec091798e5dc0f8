"""The "similar in X" pointers of single-outlet points, listed for judging by hand.

    python bench/similar.py [GOLD_JSON] [--corpus DIR] [--from P] [--stories DIR] [--limit N]

Dev mode (default): the dev corpus's annotated passages that no cluster holds, each with its
closest passage of another outlet (alignment.nearest) scoring --from or more (default
uniqueness.SIMILAR_FROM), and whether the annotation says the two state one claim ("same
claim"; "other claim": annotated apart; "unannotated": the nearest is outside the annotated
half, judge it yourself). With --stories: every story folder there is built as a new user
meets it (copied without its manifest) and each "similar in" pointer of its unique lists is
printed, for judging whether the pointed passage restates the point.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dev_data
from quotes import build_without_manifest

from briefing.align import alignment
from briefing.findings import uniqueness


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    dev_data.add_arguments(parser)
    parser.add_argument("--from", dest="low", type=float, default=uniqueness.SIMILAR_FROM)
    parser.add_argument("--stories", type=Path, help="a folder of story folders (../shared/stories)")
    parser.add_argument("--limit", type=int, default=0, help="at most N stories")
    args = parser.parse_args()
    if args.stories is not None:
        return _stories(args.stories, args.limit)
    dev = dev_data.load(args.gold, args.corpus)
    claims = {p.id: c for p, c in zip(dev.passages, dev.claims, strict=True)}
    text = {p.id: p.text for p in dev.passages}
    aligned = alignment.align(dev.passages, anchors=dev.anchors)
    clustered = {pid for c in aligned.clusters for pid in c.passages}
    rows = sorted(
        (
            (m.score, pid, m.passage)
            for pid, m in aligned.nearest.items()
            if claims[pid] and pid not in clustered and m.score >= args.low
        ),
        reverse=True,
    )
    verdicts = {"same claim": 0, "other claim": 0, "unannotated": 0}
    for score, a, b in rows:
        verdict = "same claim" if claims[a] & claims[b] else "other claim" if claims[b] else "unannotated"
        verdicts[verdict] += 1
        print(f"{score:.3f} {verdict}\n  point:   {text[a][:200]!r}\n  similar: {text[b][:200]!r}")
    print(f"\n{len(rows)} unclustered annotated passages with a nearest >= {args.low}: {verdicts}")
    return 0


def _stories(folder: Path, limit: int) -> int:
    stories = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("_"))
    shown = total = 0
    for story in stories[: limit or None]:
        built = build_without_manifest(story)
        passages = {p.id: p for p in built.alignment.passages}
        points = [*built.unique, *(p for t in built.themes for p in t.unique)]
        total += len(points)
        for point in points:
            if point.similar is None:
                continue
            shown += 1
            print(f"{story.name} {point.similar.score:.3f}")
            print(f"  point ({', '.join(point.outlets)}): {passages[point.passage].text[:220]!r}")
            print(f"  similar in {point.similar.outlet}: {point.similar.text[:220]!r}")
    print(f"\n{shown} of {total} single-outlet points shown with a similar passage")
    return 0


if __name__ == "__main__":
    sys.exit(main())
