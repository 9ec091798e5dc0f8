"""Where the annotated pairs stand under the pair model: candidates, ranks, mutual preference.

Usage: python bench/gold_ranks.py [GOLD_JSON] [--corpus DIR] [--verbose]
Scores every cross-outlet pair of the dev corpus (not only the candidates) and reports, for the
annotated pairs, how many the candidate index holds and how many each side ranks first among the
other outlet's passages. Recall beyond the mutual-best pairs needs better scores, not looser linking.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing.align import alignment, evaluation
from briefing.align.pairs import Vocabulary, probabilities

sys.path.insert(0, str(Path(__file__).parent))
import dev_data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    dev_data.add_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="print every annotated pair")
    args = parser.parse_args()
    dev = dev_data.load(args.gold, args.corpus)
    passages = dev.passages
    claims = {p.id: c for p, c in zip(passages, dev.claims, strict=True)}
    # As alignment.align builds them, with the entity anchors the pipeline gives it.
    prepared = [alignment.prepare(p, dev.anchors.get(p.id)) for p in passages]
    indexed = [tokens for _, tokens in prepared]
    vocabulary = Vocabulary.build(indexed)
    units = alignment.make_units(passages, [w for w, _ in prepared], vocabulary, dev.anchors)
    profiles = [units.profile(i) for i in range(len(passages))]
    outlets = [p.outlet for p in passages]
    candidates = set(alignment.candidate_pairs(indexed, outlets, vocabulary))
    every = [
        (i, j) for i in range(len(passages)) for j in range(i + 1, len(passages)) if outlets[i] != outlets[j]
    ]
    score = dict(
        zip(every, probabilities([(profiles[i], profiles[j]) for i, j in every], vocabulary), strict=True)
    )

    def rank(i: int, j: int) -> int:
        """1 + how many passages of j's outlet score higher with i than j does."""
        mine = score[(min(i, j), max(i, j))]
        return 1 + sum(
            1
            for k in range(len(passages))
            if outlets[k] == outlets[j] and k != j and score[(min(i, k), max(i, k))] > mine
        )

    index = {p.id: n for n, p in enumerate(passages)}
    rows = []
    for a, b in sorted(evaluation.gold_pair_set(passages, claims)):
        i, j = sorted((index[a], index[b]))
        rows.append((score[(i, j)], (i, j) in candidates, rank(i, j), rank(j, i), i, j))
    rows.sort(reverse=True)
    print(f"annotated cross-outlet pairs {len(rows)}")
    print(f"  held by the candidate index: {sum(1 for r in rows if r[1])}")
    print(f"  mutual best (each ranks the other first): {sum(1 for r in rows if r[2] == 1 and r[3] == 1)}")
    print(f"  one side's best: {sum(1 for r in rows if r[2] == 1 or r[3] == 1)}")
    print(f"  both within the top 3: {sum(1 for r in rows if r[2] <= 3 and r[3] <= 3)}")
    if args.verbose:
        for p, held, r1, r2, i, j in rows:
            print(
                f"{p:.3f} candidate={int(held)} ranks={r1},{r2} | "
                f"{passages[i].text[:80]!r} || {passages[j].text[:80]!r}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
