"""Measure alignment against the dev annotation: link precision, claim and pair recall.

Usage: python bench/evaluate.py [GOLD_JSON] [--corpus DIR] [--semantic]
Defaults: tests/data/gold-dev.json and corpus/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from briefing.align import alignment, evaluation, semantic

sys.path.insert(0, str(Path(__file__).parent))
import dev_data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    dev_data.add_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="print every predicted cluster")
    parser.add_argument("--semantic", action="store_true", help="with the semantic route (its extra)")
    args = parser.parse_args()
    dev = dev_data.load(args.gold, args.corpus)
    passages, gold = dev.passages, dev.gold
    started = time.perf_counter()
    vectors = semantic.encode([p.text for p in passages]) if args.semantic else None
    result = alignment.align(passages, anchors=dev.anchors, vectors=vectors)
    elapsed = time.perf_counter() - started
    scores = evaluation.score(result, gold)
    if args.verbose:
        by_id = {p.id: p for p in result.passages}
        for cluster in result.clusters:
            claims = [evaluation.claims_of(by_id[p], gold) for p in cluster.passages]
            print(f"{cluster.id} score={cluster.score:.2f} claims={sorted(set().union(*claims))}")
            for pid in cluster.passages:
                print(f"   {pid:22} {by_id[pid].text[:110]}")
    print(f"passages {len(passages)}  clusters {len(result.clusters)}  time {elapsed:.2f}s")
    print(
        f"links {scores.links}  precision {scores.precision:.3f}  "
        f"(annotated-only {scores.annotated_precision:.3f})  "
        f"claim recall {scores.found_claims}/{scores.claims} = {scores.claim_recall:.3f}  "
        f"pair recall {scores.found_pairs}/{scores.gold_pairs} = {scores.pair_recall:.3f}  "
        f"outlet-pair recall {scores.found_outlet_pairs}/{scores.outlet_pairs} = "
        f"{scores.outlet_pair_recall:.3f}  "
        f"F1 {scores.f1:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
