"""The briefing's lead against human editors' summaries (ROUGE), beside the lead-200 baseline.

    .venv/bin/pip install -e '.[bench]'   # rouge-score, a bench-only dependency
    python bench/rouge.py [STORIES] [--words 200] [-v]

Each Multi-News story folder (``mn-*`` under STORIES, default ../shared/stories; no manifest) is
built as a new user would meet it and three texts of its first ``--words`` words are scored
against the human summary in ``STORIES/_reference/<folder>/summary.md``:

- lead: the briefing's overview (what its first page leads with);
- old: what the first page led with before the overview: the consensus points, then the shared
  claims (clusters by outlets, each as its first passage);
- base: the lead-200 baseline, the first words of the longest article's kept body text (a
  reader's free summary).

ROUGE-1/2/L F1 with the Porter stemmer (rouge-score's defaults for summaries), per story and the
mean, and the ratio lead/base of mean ROUGE-2, the figure the issue targets (1.2 or more).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing import pipeline
from briefing.models import Briefing, Settings

STORIES = Path(__file__).resolve().parents[2] / "shared" / "stories"
METRICS = ("rouge1", "rouge2", "rougeL")
KINDS = ("lead", "old", "base")


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    story: str
    scores: dict[str, dict[str, float]]  # kind -> metric -> F1
    texts: dict[str, str]


def main() -> None:
    """Print the table; exit 0 (a bench reports, it does not judge)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stories", type=Path, nargs="?", default=STORIES)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each lead and baseline")
    args = parser.parse_args()
    folders = sorted(p for p in args.stories.glob("mn-*") if p.is_dir()) if args.stories.is_dir() else []
    if not folders:
        print(f"{args.stories}: no mn-* story folders; pass the stories folder", file=sys.stderr)
        raise SystemExit(0)
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        print("rouge-score is not installed: .venv/bin/pip install -e '.[bench]'", file=sys.stderr)
        raise SystemExit(0) from None
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    rows: list[Row] = []
    for folder in folders:
        summary_path = args.stories / "_reference" / folder.name / "summary.md"
        if not summary_path.is_file():
            print(f"{folder.name}: no reference summary, skipped", file=sys.stderr)
            continue
        reference = summary_path.read_text(encoding="utf-8").lstrip("–- ").strip()
        briefing = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 1, 1)))
        texts = {
            "lead": first_words(overview_lead(briefing), args.words),
            "old": first_words(old_lead(briefing), args.words),
            "base": first_words(baseline(briefing), args.words),
        }
        scores = {
            kind: {m: s.fmeasure for m, s in scorer.score(reference, text).items()}
            for kind, text in texts.items()
        }
        rows.append(Row(story=folder.name, scores=scores, texts=texts))
    report(rows, verbose=args.verbose)


def overview_lead(briefing: Briefing) -> list[str]:
    """The overview's sentences, in order (empty before the overview existed)."""
    overview = getattr(briefing, "overview", None)
    return [s.text for s in overview.sentences] if overview is not None else []


def old_lead(briefing: Briefing) -> list[str]:
    """The consensus points, then the other shared claims, most outlets first."""
    texts = [p.text for p in briefing.consensus]
    shown = {pid for p in briefing.consensus for pid in p.passages}
    text_of = {p.id: p.text for p in briefing.alignment.passages}
    for cluster in sorted(briefing.alignment.clusters, key=lambda c: (-len(c.outlets), c.id)):
        if not shown & set(cluster.passages):
            texts.append(text_of[cluster.passages[0]])
    return texts


def baseline(briefing: Briefing) -> list[str]:
    """The longest article's kept body text (as the briefing cleaned it), paragraph by paragraph."""
    longest = max(briefing.articles, key=lambda c: sum(s.end - s.start for s in c.body))
    return [longest.article.text[s.start : s.end] for s in longest.body]


def first_words(texts: Sequence[str], count: int) -> str:
    """The first ``count`` words of the texts, in order."""
    return " ".join(" ".join(texts).split()[:count])


def report(rows: Sequence[Row], *, verbose: bool) -> None:
    """One line per story, then the means and the ROUGE-2 ratios."""
    header = " ".join(f"{kind}-{m[5:]:>2}" for kind in KINDS for m in METRICS)
    print(f"{'story':42} {header}")
    for row in rows:
        cells = " ".join(f"{row.scores[kind][m]:7.3f}" for kind in KINDS for m in METRICS)
        print(f"{row.story:42} {cells}")
    means = {kind: {m: statistics.fmean(r.scores[kind][m] for r in rows) for m in METRICS} for kind in KINDS}
    cells = " ".join(f"{means[kind][m]:7.3f}" for kind in KINDS for m in METRICS)
    print(f"{'mean (' + str(len(rows)) + ' stories)':42} {cells}")
    base = means["base"]["rouge2"] or 1.0
    print(
        f"\nROUGE-2 lead/base = {means['lead']['rouge2'] / base:.2f}; "
        f"old/base = {means['old']['rouge2'] / base:.2f} (target: lead/base >= 1.2)"
    )
    wins = sum(1 for r in rows if r.scores["lead"]["rouge2"] >= r.scores["base"]["rouge2"])
    print(f"stories where the lead's ROUGE-2 reaches the baseline's: {wins} of {len(rows)}")
    if verbose:
        for row in rows:
            print(f"\n## {row.story}")
            for kind in KINDS:
                print(f"[{kind}] {row.texts[kind]}")


if __name__ == "__main__":
    main()
