"""Fit the pair model in briefing/pairs.py on MSRP train pairs and the dev annotation.

Usage: python bench/calibrate.py MSRP_TSV [GOLD_JSON] [--corpus DIR] [--gold-weight W]
The examples: every MSRP train pair, and the aligner's candidate pairs on the dev corpus
labelled by the dev annotation (weighted W each). Prints the constants to paste.
Skips (exit 0) when MSRP_TSV is absent: the data is not redistributable.
Needs scikit-learn (pip install -e '.[calibrate]').
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing import alignment, pairs
from briefing.models import Passage
from briefing.pairs import FEATURES, Profile, Vocabulary, features
from briefing.text import words

sys.path.insert(0, str(Path(__file__).parent))
import dev_data
from paraphrase_data import read_msrp


def msrp_examples(rows: list[tuple[int, str, str]]) -> tuple[list[tuple[float, ...]], list[int]]:
    """Features of MSRP pairs, with document frequencies over all MSRP sentences."""
    parsed = [(label, words(a), words(b)) for label, a, b in rows]
    vocabulary = Vocabulary.build([w.stems for _, a, b in parsed for w in (a, b)])
    x = [features(Profile.of(a, vocabulary), Profile.of(b, vocabulary), vocabulary) for _, a, b in parsed]
    return x, [label for label, _, _ in parsed]


def gold_pair_examples(
    passages: list[Passage], claims: list[frozenset[str]]
) -> tuple[list[tuple[float, ...]], list[int]]:
    """Pair features of the aligner's candidates on the dev corpus, labelled by the annotation."""
    parsed = [words(p.text) for p in passages]
    indexed = [alignment.index_tokens(w) for w in parsed]
    vocabulary = Vocabulary.build(indexed)
    candidates = alignment.candidate_pairs(indexed, [p.outlet for p in passages], vocabulary)
    profiles = [Profile.of(w, vocabulary) for w in parsed]
    x = [features(profiles[i], profiles[j], vocabulary) for i, j in candidates]
    y = [int(bool(claims[i] & claims[j])) for i, j in candidates]
    return x, y


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("msrp", type=Path)
    dev_data.add_arguments(parser)
    parser.add_argument(
        "--gold-weight", type=float, default=20.0, help="weight of a dev example relative to an MSRP one"
    )
    args = parser.parse_args()
    if not args.msrp.is_file():
        print(f"skipped: {args.msrp} not found (MSRP is not shipped; pass its path)")
        return 0
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, average_precision_score, f1_score

    rows = read_msrp(args.msrp)
    dev = dev_data.load(args.gold, args.corpus)
    passages, claims = dev.passages, dev.claims

    xm, ym = msrp_examples(rows)
    xg, yg = gold_pair_examples(passages, claims)
    print(f"MSRP pairs {len(xm)} ({sum(ym)} positive); dev candidates {len(xg)} ({sum(yg)} positive)")
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(xm + xg, ym + yg, sample_weight=[1.0] * len(xm) + [args.gold_weight] * len(xg))
    pm = model.predict_proba(xm)[:, 1]
    pg = model.predict_proba(xg)[:, 1]
    print(f"  MSRP pairs: accuracy {accuracy_score(ym, pm >= 0.5):.3f}  F1 {f1_score(ym, pm >= 0.5):.3f}")
    print(f"  dev candidates: average precision {average_precision_score(yg, pg):.3f}")
    pairs.INTERCEPT = float(model.intercept_[0])
    pairs.WEIGHTS = tuple(float(w) for w in model.coef_[0])

    print("\n# briefing/pairs.py")
    print(f"INTERCEPT = {pairs.INTERCEPT:.4f}")
    print("WEIGHTS = (" + ", ".join(f"{w:.4f}" for w in pairs.WEIGHTS) + ")")
    for name, w in zip(FEATURES, pairs.WEIGHTS, strict=True):
        print(f"#   {name:18} {w:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
