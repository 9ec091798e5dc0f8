"""MSRP as a two-outlet corpus: does the aligner link exactly the paraphrase pairs?

Writes sentence 1 of every pair into one file and sentence 2 into another (one line each, as
the withheld evaluation does), aligns them, and counts pair i as "paraphrase" when its two
lines end up in one cluster. Prints accuracy and F1 against the labels.
Usage: python bench/paraphrase_corpus.py MSRP_TSV [--semantic]. Skips (exit 0) when the file is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from briefing.align import alignment, semantic

sys.path.insert(0, str(Path(__file__).parent))
from paraphrase_data import as_corpus, linked_rows, read_msrp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("msrp", type=Path)
    parser.add_argument("--semantic", action="store_true", help="with the semantic route (its extra)")
    args = parser.parse_args()
    if not args.msrp.is_file():
        print(f"skipped: {args.msrp} not found (MSRP is not shipped; pass its path)")
        return 0
    msrp = as_corpus(read_msrp(args.msrp))
    started = time.perf_counter()
    vectors = semantic.encode([p.text for p in msrp.passages]) if args.semantic else None
    result = alignment.align(msrp.passages, anchors=msrp.anchors, vectors=vectors)
    elapsed = time.perf_counter() - started
    linked = linked_rows(msrp, result)
    labels = msrp.labels
    tp = sum(1 for i, label in enumerate(labels) if label and i in linked)
    fp = sum(1 for i, label in enumerate(labels) if not label and i in linked)
    fn = sum(1 for i, label in enumerate(labels) if label and i not in linked)
    tn = len(labels) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"pairs {len(labels)}  passages {len(msrp.passages)}  align time {elapsed:.1f}s")
    print(
        f"accuracy {(tp + tn) / len(labels):.3f}  precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
