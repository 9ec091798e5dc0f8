"""Fit the pair model in briefing/pairs.py on MSRP train pairs and the dev annotation.

Usage: python bench/calibrate.py MSRP_TSV [GOLD_JSON] [--corpus DIR]
Prints WEIGHTS and INTERCEPT to paste into briefing/pairs.py, with cross-validated figures.
Skips (exit 0) when MSRP_TSV is absent: the data is not redistributable.
Needs scikit-learn (pip install -e '.[calibrate]').
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing import alignment, cleaning, corpus, evaluation, segmentation
from briefing.pairs import FEATURES, Profile, Vocabulary, features
from briefing.text import words


def read_msrp(path: Path) -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) rows of an MSRP tsv (BOM, header, no quoting)."""
    rows = []
    with path.open(encoding="utf-8-sig") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def msrp_examples(rows: list[tuple[int, str, str]]) -> tuple[list[tuple[float, ...]], list[int]]:
    """Features of MSRP pairs, with document frequencies over all MSRP sentences."""
    parsed = [(label, words(a), words(b)) for label, a, b in rows]
    vocabulary = Vocabulary.build([w.stems for _, a, b in parsed for w in (a, b)])
    x = [features(Profile.of(a, vocabulary), Profile.of(b, vocabulary), vocabulary) for _, a, b in parsed]
    return x, [label for label, _, _ in parsed]


def gold_examples(gold_path: Path, folder: Path) -> tuple[list[tuple[float, ...]], list[int], list[str]]:
    """Features of the aligner's candidate pairs on the corpus, labelled by the annotation."""
    loaded = corpus.load(folder)
    passages = [p for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]
    gold = evaluation.load_gold(gold_path, loaded.articles)
    claims = [evaluation.claims_of(p, gold) for p in passages]
    parsed = [words(p.text) for p in passages]
    vocabulary = Vocabulary.build([w.stems for w in parsed])
    pairs = alignment.candidate_pairs([w.stems for w in parsed], [p.outlet for p in passages], vocabulary)
    gold_pairs = evaluation.gold_pair_set(passages, {p.id: c for p, c in zip(passages, claims, strict=True)})
    found = {(passages[i].id, passages[j].id) for i, j in pairs}
    found |= {(b, a) for a, b in found}
    covered = sum(1 for pair in gold_pairs if pair in found)
    print(f"candidate pairs {len(pairs)}; they hold {covered} of {len(gold_pairs)} gold pairs")
    profiles = [Profile.of(w, vocabulary) for w in parsed]
    x = [features(profiles[i], profiles[j], vocabulary) for i, j in pairs]
    y = [int(bool(claims[i] & claims[j])) for i, j in pairs]
    groups = [min(claims[i] & claims[j], default="none") for i, j in pairs]
    return x, y, groups


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("msrp", type=Path)
    parser.add_argument("gold", nargs="?", type=Path, default=Path("tests/data/gold-dev.json"))
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument(
        "--gold-weight", type=float, default=4.0, help="weight of a gold example relative to an MSRP one"
    )
    args = parser.parse_args()
    if not args.msrp.is_file():
        print(f"skipped: {args.msrp} not found (MSRP is not shipped; pass its path)")
        return 0
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, average_precision_score, f1_score

    xm, ym = msrp_examples(read_msrp(args.msrp))
    xg, yg, _ = gold_examples(args.gold, args.corpus)
    print(f"MSRP pairs {len(xm)} ({sum(ym)} positive); gold candidates {len(xg)} ({sum(yg)} positive)")
    weights = [1.0] * len(xm) + [args.gold_weight] * len(xg)
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(xm + xg, ym + yg, sample_weight=weights)
    pm = model.predict_proba(xm)[:, 1]
    pg = model.predict_proba(xg)[:, 1]
    print(f"MSRP train: accuracy {accuracy_score(ym, pm >= 0.5):.3f}  F1 {f1_score(ym, pm >= 0.5):.3f}")
    print(f"gold candidates: average precision {average_precision_score(yg, pg):.3f}")
    print(f"\nINTERCEPT = {model.intercept_[0]:.4f}")
    print("WEIGHTS = (" + ", ".join(f"{w:.4f}" for w in model.coef_[0]) + ")")
    for name, w in zip(FEATURES, model.coef_[0], strict=True):
        print(f"  {name:18} {w:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
