"""MSRP as a two-outlet corpus: does the aligner link exactly the paraphrase pairs?

Writes sentence 1 of every pair into one file and sentence 2 into another (one line each, as
the withheld evaluation does), aligns the folder, and counts pair i as "paraphrase" when its two
lines end up in one cluster. Prints accuracy and F1 against the labels.
Usage: python bench/msrp_corpus.py MSRP_TSV. Skips (exit 0) when the file is absent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from briefing import alignment, cleaning, corpus, segmentation

sys.path.insert(0, str(Path(__file__).parent))
from calibrate import read_msrp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("msrp", type=Path)
    args = parser.parse_args()
    if not args.msrp.is_file():
        print(f"skipped: {args.msrp} not found (MSRP is not shipped; pass its path)")
        return 0
    rows = read_msrp(args.msrp)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "one.txt").write_text("".join(a + "\n\n" for _, a, _ in rows), encoding="utf-8")
        Path(folder, "two.txt").write_text("".join(b + "\n\n" for _, _, b in rows), encoding="utf-8")
        loaded = corpus.load(Path(folder))
        started = time.perf_counter()
        passages = [p for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]
        result = alignment.align(passages)
        elapsed = time.perf_counter() - started
    line_of = {}
    for article in loaded.articles:
        starts = [0]
        for n, ch in enumerate(article.text):
            if ch == "\n" and n + 2 < len(article.text) and article.text[n + 1] == "\n":
                starts.append(n + 2)
        for p in passages:
            if p.doc == article.id:
                line_of[p.id] = (article.id, sum(1 for s in starts if s <= p.start) - 1)
    linked = set()
    for cluster in result.clusters:
        lines = [line_of[p] for p in cluster.passages]
        for doc_a, i in lines:
            for doc_b, j in lines:
                if doc_a == "one" and doc_b == "two" and i == j:
                    linked.add(i)
    tp = sum(1 for i, (label, _, _) in enumerate(rows) if label and i in linked)
    fp = sum(1 for i, (label, _, _) in enumerate(rows) if not label and i in linked)
    fn = sum(1 for i, (label, _, _) in enumerate(rows) if label and i not in linked)
    tn = len(rows) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"pairs {len(rows)}  passages {len(passages)}  align time {elapsed:.1f}s")
    print(
        f"accuracy {(tp + tn) / len(rows):.3f}  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
