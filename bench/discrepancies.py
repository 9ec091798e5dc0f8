"""Every discrepancy the briefing lists on the development stories, to read and judge by hand.

    python bench/discrepancies.py [STORIES] [--loose] [--json FILE] [--annotated FILE]

Each story folder under STORIES (default ../shared/stories) is built without its briefing.toml,
as a new user would meet it, and the default corpus as shipped; each listed discrepancy is
printed with its kind, score and both statements. The count per kind closes the output.

``--loose`` lowers the wording thresholds and lifts the cap, to list the candidates the settings
turn down as well (what an annotation should cover); ``--json FILE`` writes the listed pairs as
records to annotate (story, kind, a, b); ``--annotated FILE`` (default
tests/data/discrepancies-annotated.json) marks each listed pair real, false or unjudged and
closes with the precision over the judged ones.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing import pipeline
from briefing.align import alignment, anchors, reprints
from briefing.findings import discrepancies
from briefing.models import Discrepancy
from briefing.read import corpus

ROOT = Path(__file__).resolve().parents[1]
STORIES = ROOT.parent / "shared" / "stories"
ANNOTATED = ROOT / "tests" / "data" / "discrepancies-annotated.json"


def listed(folder: Path) -> tuple[Discrepancy, ...]:
    """The discrepancies of one corpus folder, as build_briefing finds them."""
    loaded = corpus.load(folder)
    read = pipeline.read_articles(loaded.articles)
    copied = reprints.copied(reprints.find(read.passages, articles=read.articles))
    kept = tuple(p for p in read.passages if p.id not in copied)
    aligned = alignment.align(kept, anchors=anchors.build(kept, read.readings))
    return discrepancies.find_discrepancies(aligned, readings=read.readings)


def judge(story: str, d: Discrepancy, annotated: list[dict[str, object]]) -> bool | None:
    """The annotation's verdict on a listed pair (matched by story and a snippet of each side)."""
    texts = [s.text for s in d.statements]
    for case in annotated:
        a, b = str(case["a"]), str(case["b"])
        if case["story"] == story and any(a in t for t in texts) and any(b in t for t in texts):
            return bool(case["real"])
    return None


def main() -> None:
    """Print every listed discrepancy; exit 0 (a bench reports, it does not judge)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("stories", nargs="?", type=Path, default=STORIES)
    parser.add_argument("--loose", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--annotated", type=Path, default=ANNOTATED)
    args = parser.parse_args()
    if args.loose:
        discrepancies.FIGURE_OVERLAP = 0.05
        discrepancies.DATE_OVERLAP = discrepancies.NEGATION_OVERLAP = discrepancies.YEAR_OVERLAP = 0.1
        discrepancies.MAX_DISCREPANCIES = 30
        discrepancies.FIGURE_CONTEXT_SHARE = 0.2
    annotated = json.loads(args.annotated.read_text()) if args.annotated.is_file() else []
    folders = sorted(p for p in args.stories.iterdir() if p.is_dir() and not p.name.startswith("_"))
    kinds: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    records: list[dict[str, object]] = []
    for name, folder in [*((f.name, f) for f in folders), ("default corpus", ROOT / "corpus")]:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / folder.name
            keep = () if folder == ROOT / "corpus" else ("briefing.toml",)
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(*keep))
            for d in listed(copy):
                kinds[d.kind] += 1
                verdict = judge(name, d, annotated)
                mark = {True: "REAL", False: "FALSE", None: "unjudged"}[verdict]
                verdicts[mark] += 1
                print(f"== {name} [{d.kind}] {d.about} ({d.score:.2f}) {mark}")
                for s in d.statements:
                    print(f"   {s.outlet}: {', '.join(s.figures)} | {s.text}")
                a, b = d.statements[0], d.statements[1]
                records.append({"story": name, "kind": d.kind, "a": a.text, "b": b.text,
                                "figures": [a.figures, b.figures]})  # fmt: skip
    print(f"\n{sum(kinds.values())} listed: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    judged = verdicts["REAL"] + verdicts["FALSE"]
    if judged:
        print(
            f"real {verdicts['REAL']}, false {verdicts['FALSE']}, unjudged {verdicts['unjudged']}: "
            f"precision over the judged {verdicts['REAL'] / judged:.0%}"
        )
    if args.json:
        args.json.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
