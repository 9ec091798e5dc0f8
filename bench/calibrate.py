"""Fit the pair model in briefing/align/pairs.py on ECB+ dev, the dev annotation and MSRP train together,
cross-validated by topic, and report the aligner's out-of-sample figures at several link thresholds.

Usage: python bench/calibrate.py MSRP_TSV [GOLD_JSON] [--corpus DIR] [--ecbplus DIR] [--folds K]
       [--thresholds 0.12,0.2,0.3] [--gates 0.8,1.01] [--weights 3,1,1] [--stacked] [--strict]
       [--no-cv]
The shipped constants: `--stacked --weights 3,1,1` (the comment above pairs.WEIGHTS has the figures).
--stacked keeps the lexical weights as pairs.py holds them (one fitted scale) and fits the anchor
signals beside them; --weights sets how much ECB+, the dev annotation and MSRP weigh; --gates
sweeps linking.CONTEXT_GATE (1.01: off); --strict takes as ECB+ positives only pairs sharing most
of their chains. Readings are cached (bench/ecbplus.py's cache, and MSRP's beside it).

The examples, all built with the entity anchors as the pipeline builds them:
- ECB+ dev (bench/ecbplus.py reads each topic, both events in one corpus): the aligner's candidate
  pairs; positive when both sentences are annotated and share a gold cluster; negative when they
  come from the topic's two different events (the hard negatives; pairs sharing a background chain
  left out) or are both annotated and share no cluster; pairs with an unannotated sentence of one
  event are left out (ECB+ annotated only the listed sentences);
- the dev annotation of the default corpus: the aligner's candidate pairs, labelled by its claims;
- MSRP train: every pair, as a two-outlet corpus (each sentence read by the NLP pass).
Each source weighs the same in the fit (its examples weighted to a total of one third).

Cross-validation: the ECB+ topics are cut into K folds (and MSRP's rows by row number into the same
K); each fold is aligned with the model fitted on the others, and the aligner's figures are pooled
over the folds: cross-event share, annotated precision and pair recall on ECB+, accuracy and F1 on
MSRP. The dev annotation is scored with a model fitted on ECB+ and MSRP alone. Then the model is
fitted on everything and its constants printed, to paste into briefing/align/pairs.py.
Skips (exit 0) when MSRP_TSV is absent: the data is not redistributable. Needs scikit-learn.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from briefing.align import alignment, evaluation, linking, pairs
from briefing.align.anchors import Anchors
from briefing.align.linking import Units
from briefing.align.pairs import FEATURES, Vocabulary, features
from briefing.models import Alignment, Passage

sys.path.insert(0, str(Path(__file__).parent))
import dev_data
import ecbplus
from paraphrase_data import MsrpCorpus, as_corpus, linked_rows, read_msrp


@dataclass(slots=True)
class Prepared:
    """One corpus ready to score: its units, candidate pairs and their features."""

    passages: list[Passage]
    units: Units
    vocabulary: Vocabulary
    pairs: list[tuple[int, int]]
    x: list[tuple[float, ...]]


@dataclass(slots=True)
class Topic:
    """An ECB+ topic: the prepared corpus, labels of its candidates, and what scoring needs."""

    number: int
    corpus: Prepared
    y: list[int | None]
    mapped: dict[str, ecbplus.Sentence]
    sentences: dict[str, dict[str, list[ecbplus.Sentence]]]
    articles: int
    shared: frozenset[str]


def prepare(passages: Sequence[Passage], anchors: Anchors) -> Prepared:
    """Candidates and features exactly as alignment.align computes them."""
    prepared = [alignment.prepare(p, anchors.get(p.id)) for p in passages]
    indexed = [tokens for _, tokens in prepared]
    vocabulary = Vocabulary.build(indexed)
    units = alignment.make_units(passages, [w for w, _ in prepared], vocabulary, anchors)
    candidates = alignment.candidate_pairs(indexed, [p.outlet for p in passages], vocabulary)
    x = [features(units.profile(i), units.profile(j), vocabulary) for i, j in candidates]
    return Prepared(passages=list(passages), units=units, vocabulary=vocabulary, pairs=candidates, x=x)


def conclude(corpus: Prepared, model: object) -> Alignment:
    """The alignment of a prepared corpus under the fitted model and the current thresholds."""
    probabilities = model.predict_proba(corpus.x)[:, 1].tolist() if corpus.x else []  # type: ignore[attr-defined]
    scores = dict(zip(corpus.pairs, probabilities, strict=True))
    with weights_of(model):
        return linking.conclude(corpus.passages, corpus.units, scores)


@contextmanager
def weights_of(model: object) -> Iterator[None]:
    """pairs.WEIGHTS and INTERCEPT set to the model's (merging rescores pairs with them)."""
    saved = pairs.INTERCEPT, pairs.WEIGHTS
    pairs.INTERCEPT = float(model.intercept_[0])  # type: ignore[attr-defined]
    pairs.WEIGHTS = tuple(float(w) for w in model.coef_[0])  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pairs.INTERCEPT, pairs.WEIGHTS = saved


@contextmanager
def threshold(setting: tuple[float, float]) -> Iterator[None]:
    """linking.LINK_THRESHOLD and CONTEXT_GATE set to (link, gate) for the block."""
    saved = linking.LINK_THRESHOLD, linking.CONTEXT_GATE
    linking.LINK_THRESHOLD, linking.CONTEXT_GATE = setting
    try:
        yield
    finally:
        linking.LINK_THRESHOLD, linking.CONTEXT_GATE = saved


def load_topic(gold: Path, number: int, *, strict: bool = False) -> Topic:
    """Read (cached) and prepare one ECB+ topic, and label its candidate pairs."""
    stories = [f"t{number:02d}-{sub}" for sub in ecbplus.SUBTOPICS]
    sentences = {story: ecbplus._sentences(gold, story) for story in stories}
    passages, mapped, articles, readings = ecbplus._passages(gold, stories, sentences, cache=ecbplus.CACHE)
    from briefing.align import anchors

    corpus = prepare(passages, anchors.build(passages, readings))
    shared = ecbplus._background_chains(gold, number)
    y: list[int | None] = []
    for i, j in corpus.pairs:
        sa, sb = mapped.get(passages[i].id), mapped.get(passages[j].id)
        if sa is None or sb is None:
            y.append(None)
        elif sa.story != sb.story:
            y.append(None if sa.chains & sb.chains & shared else 0)
        elif sa.annotated and sb.annotated:
            same = bool(sa.clusters & sb.clusters)
            close = len(sa.chains & sb.chains) >= ecbplus.STRICT_JACCARD * len(sa.chains | sb.chains)
            # strict: a positive shares most of its events (closer to "the same fact"); pairs
            # that share one event only are left out rather than called negatives.
            y.append(None if strict and same and not close else int(same))
        else:
            y.append(None)
    return Topic(
        number=number,
        corpus=corpus,
        y=y,
        mapped=mapped,
        sentences=sentences,
        articles=articles,
        shared=shared,
    )


def score_topic(topic: Topic, model: object) -> ecbplus.TopicScore:
    aligned = conclude(topic.corpus, model)
    return ecbplus._score(
        topic.number,
        aligned,
        topic.mapped,
        topic.sentences,
        articles=topic.articles,
        shared=topic.shared,
        seconds=0.0,
    )


def msrp_prepared(msrp: MsrpCorpus, rows: set[int]) -> tuple[Prepared, list[int | None]]:
    """The MSRP rows as one two-outlet corpus, its candidates labelled (None: not one row's pair)."""
    passages = [p for p in msrp.passages if msrp.row_of[p.id] in rows]
    corpus = prepare(passages, msrp.anchors)
    y: list[int | None] = []
    for i, j in corpus.pairs:
        a, b = passages[i], passages[j]
        same = msrp.row_of[a.id] == msrp.row_of[b.id]
        y.append(msrp.labels[msrp.row_of[a.id]] if same else 0)
    return corpus, y


def msrp_figures(msrp: MsrpCorpus, corpus: Prepared, model: object, rows: set[int]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of the aligner on these MSRP rows."""
    linked = linked_rows(msrp, conclude(corpus, model))
    tp = sum(1 for r in rows if msrp.labels[r] and r in linked)
    fp = sum(1 for r in rows if not msrp.labels[r] and r in linked)
    fn = sum(1 for r in rows if msrp.labels[r] and r not in linked)
    return tp, fp, fn


SOURCE_WEIGHTS = {"ecb": 1.0, "seed": 1.0, "msrp": 1.0}


def cached_msrp(path: Path) -> MsrpCorpus:
    """MSRP read as a two-outlet corpus, kept beside the ECB+ passage cache (keyed as it is)."""
    import dataclasses
    import hashlib
    import pickle

    from briefing.align import anchors

    digest = hashlib.sha256(path.read_bytes())
    for module in ecbplus.READING_MODULES:
        digest.update((ecbplus.ROOT / "briefing" / f"{module}.py").read_bytes())
    cached = ecbplus.CACHE / f"msrp-{digest.hexdigest()[:16]}.pickle"
    if cached.is_file():
        loaded: MsrpCorpus = pickle.loads(cached.read_bytes())
        return dataclasses.replace(loaded, anchors=anchors.build(loaded.passages, loaded.readings))
    msrp = as_corpus(read_msrp(path))
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(msrp))
    return msrp


def fit(
    sources: Sequence[tuple[Sequence[tuple[float, ...]], Sequence[int | None]]],
    c: float,
    kinds: Sequence[str] | None = None,
) -> object:
    """A logistic regression over the labelled examples, each source weighing the same (times
    SOURCE_WEIGHTS of its kind; an ECB+ topic weighs its share of ECB+)."""
    from sklearn.linear_model import LogisticRegression

    x: list[tuple[float, ...]] = []
    y: list[int] = []
    w: list[float] = []
    kinds = kinds or ["ecb"] * len(sources)
    totals = dict.fromkeys(kinds, 0)
    for (_, ys), kind in zip(sources, kinds, strict=True):
        totals[kind] += sum(y is not None for y in ys)
    for (xs, ys), kind in zip(sources, kinds, strict=True):
        kept = [(a, b) for a, b in zip(xs, ys, strict=True) if b is not None]
        if not kept:
            continue
        weight = 1000.0 * SOURCE_WEIGHTS[kind] / totals[kind]
        x.extend(a for a, _ in kept)
        y.extend(int(b) for _, b in kept if b is not None)
        w.extend([weight] * len(kept))
    if STACKED:
        return _fit_stacked(x, y, w, c)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, y, sample_weight=w)
    return model


# --stacked: keep the lexical model as it is (one logit, rescaled) and fit only the anchor signals
# beside it, so that what MSRP and the dev annotation taught the lexical weights stays.
STACKED = False
LEXICAL = len(FEATURES) - len(pairs._NO_ANCHORS)


@dataclass(slots=True)
class Linear:
    """A logistic model in the features' own space (what pairs.py holds)."""

    intercept_: list[float]
    coef_: list[list[float]]

    def predict_proba(self, x: Sequence[tuple[float, ...]]) -> object:
        import numpy as np

        z = np.asarray(x) @ np.asarray(self.coef_[0]) + self.intercept_[0]
        p = 1.0 / (1.0 + np.exp(-z))
        return np.stack([1 - p, p], axis=1)


def _fit_stacked(x: list[tuple[float, ...]], y: list[int], w: list[float], c: float) -> Linear:
    from sklearn.linear_model import LogisticRegression

    base = pairs.INTERCEPT
    lexical = pairs.WEIGHTS[:LEXICAL]
    stacked = [
        (base + sum(a * b for a, b in zip(lexical, row[:LEXICAL], strict=True)), *row[LEXICAL:]) for row in x
    ]
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(stacked, y, sample_weight=w)
    scale = float(model.coef_[0][0])
    rest = [float(v) for v in model.coef_[0][1:]]
    return Linear(
        intercept_=[scale * base + float(model.intercept_[0])],
        coef_=[[scale * v for v in lexical] + rest],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("msrp", type=Path)
    dev_data.add_arguments(parser)
    parser.add_argument("--ecbplus", type=Path, default=ecbplus.GOLD)
    parser.add_argument("--folds", type=int, default=7)
    parser.add_argument("--thresholds", default="", help="link thresholds to report (default: the current)")
    parser.add_argument("--gates", default="", help="context gates to report (default: the current)")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation of the fit")
    parser.add_argument("--weights", default="1,1,1", help="weights of ECB+, the dev annotation, MSRP")
    parser.add_argument("--strict", action="store_true", help="ECB+ positives share most chains")
    parser.add_argument("--stacked", action="store_true", help="refit only the anchor weights")
    parser.add_argument("--no-cv", action="store_true", help="only fit on everything and print constants")
    args = parser.parse_args()
    global STACKED
    STACKED = args.stacked
    SOURCE_WEIGHTS.update(
        zip(("ecb", "seed", "msrp"), (float(w) for w in args.weights.split(",")), strict=True)
    )
    if not args.msrp.is_file():
        print(f"skipped: {args.msrp} not found (MSRP is not shipped; pass its path)")
        return 0
    started = time.perf_counter()
    links = [float(t) for t in args.thresholds.split(",")] if args.thresholds else [linking.LINK_THRESHOLD]
    gates = [float(t) for t in args.gates.split(",")] if args.gates else [linking.CONTEXT_GATE]
    thresholds = [(link, gate) for gate in gates for link in links]
    topics = [load_topic(args.ecbplus, n, strict=args.strict) for n in ecbplus.select_topics(args.ecbplus)]
    dev = dev_data.load(args.gold, args.corpus)
    seed = prepare(dev.passages, dev.anchors)
    seed_y: list[int | None] = [int(bool(dev.claims[i] & dev.claims[j])) for i, j in seed.pairs]
    msrp = cached_msrp(args.msrp)
    all_rows = set(range(len(msrp.labels)))
    msrp_all, msrp_y = msrp_prepared(msrp, all_rows)
    print(
        f"examples: ECB+ {sum(y is not None for t in topics for y in t.y)} candidate pairs "
        f"({sum(y == 1 for t in topics for y in t.y)} positive), "
        f"dev {len(seed_y)} ({sum(y == 1 for y in seed_y)}), "
        f"MSRP candidates {sum(y is not None for y in msrp_y)} ({sum(y == 1 for y in msrp_y)}); "
        f"read in {time.perf_counter() - started:.0f}s",
        file=sys.stderr,
    )

    if not args.no_cv:
        k = args.folds
        folds = [[t for n, t in enumerate(topics) if n % k == f] for f in range(k)]
        ecb_scores: dict[tuple[float, float], list[ecbplus.TopicScore]] = {t: [] for t in thresholds}
        msrp_counts: dict[tuple[float, float], list[int]] = {t: [0, 0, 0] for t in thresholds}
        for f, held in enumerate(folds):
            rows = {r for r in all_rows if r % k == f}
            train_rows = all_rows - rows
            train_msrp = [
                (x, y)
                for (i, j), x, y in zip(msrp_all.pairs, msrp_all.x, msrp_y, strict=True)
                if msrp.row_of[msrp_all.passages[i].id] in train_rows
                and msrp.row_of[msrp_all.passages[j].id] in train_rows
            ]
            train = [(t.corpus.x, t.y) for t in topics if t not in held]
            kinds = ["ecb"] * len(train) + ["seed", "msrp"]
            train.append((seed.x, seed_y))
            train.append(([x for x, _ in train_msrp], [y for _, y in train_msrp]))
            model = fit(train, args.c, kinds)
            held_msrp, _ = msrp_prepared(msrp, rows)
            for link in thresholds:
                with threshold(link):
                    ecb_scores[link].extend(score_topic(t, model) for t in held)
                    counts = msrp_figures(msrp, held_msrp, model, rows)
                msrp_counts[link] = [a + b for a, b in zip(msrp_counts[link], counts, strict=True)]
            print(f"fold {f + 1}/{k}: topics {[t.number for t in held]}", file=sys.stderr)
        no_seed = fit(
            [(t.corpus.x, t.y) for t in topics] + [(msrp_all.x, msrp_y)],
            args.c,
            ["ecb"] * len(topics) + ["msrp"],
        )
        print("\nout-of-sample (ECB+ and MSRP by fold; dev annotation with a model fitted without it):")
        print(
            "| link, gate | ECB+ links | cross-event | annotated precision | pair recall | clusters |"
            " MSRP accuracy | MSRP F1 | dev links | dev precision (annotated) | dev claims | dev pairs |"
        )
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for link in thresholds:
            s = ecbplus.total(ecb_scores[link])
            tp, fp, fn = msrp_counts[link]
            tn = len(all_rows) - tp - fp - fn
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            with threshold(link):
                d = evaluation.score(conclude(seed, no_seed), dev.gold)
            print(
                f"| {link[0]:.2f}, {link[1]:.2f} | {s.links} | {ecbplus.cross_event_share(s):.3f} | "
                f"{ecbplus.annotated_precision(s):.3f} | {s.found_pairs / s.gold_pairs:.3f} | "
                f"{s.found_clusters}/{s.clusters} | {(tp + tn) / len(all_rows):.3f} | {f1:.3f} | "
                f"{d.links} | {d.precision:.3f} ({d.annotated_precision:.3f}) | "
                f"{d.found_claims}/{d.claims} | "
                f"{d.found_pairs}/{d.gold_pairs} |"
            )

    model = fit(
        [(t.corpus.x, t.y) for t in topics] + [(seed.x, seed_y), (msrp_all.x, msrp_y)],
        args.c,
        ["ecb"] * len(topics) + ["seed", "msrp"],
    )
    print("\n# briefing/align/pairs.py (fitted on all of ECB+ dev, the dev annotation and MSRP train)")
    print(f"INTERCEPT = {float(model.intercept_[0]):.4f}")  # type: ignore[attr-defined]
    print("WEIGHTS = (")
    for name, w in zip(FEATURES, model.coef_[0], strict=True):  # type: ignore[attr-defined]
        print(f"    {float(w):.4f},  # {name}")
    print(")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
