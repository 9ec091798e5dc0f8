"""Every discrepancy the briefing lists on the development stories, to read and judge by hand.

    python bench/discrepancies.py [STORIES]

Each story folder under STORIES (default ../shared/stories) is built without its briefing.toml,
as a new user would meet it, and the default corpus as shipped; each listed discrepancy is
printed with its kind and both statements. The count per kind closes the output.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing import alignment, corpus, discrepancies, pipeline, reprints
from briefing.models import Discrepancy

ROOT = Path(__file__).resolve().parents[1]
STORIES = ROOT.parent / "shared" / "stories"


def listed(folder: Path) -> tuple[Discrepancy, ...]:
    """The discrepancies of one corpus folder, as build_briefing finds them."""
    loaded = corpus.load(folder)
    read = pipeline.read_articles(loaded.articles)
    copied = reprints.copied(reprints.find(read.passages, articles=read.articles))
    aligned = alignment.align(tuple(p for p in read.passages if p.id not in copied))
    return discrepancies.find_discrepancies(aligned, readings=read.readings)


def main() -> None:
    """Print every listed discrepancy; exit 0 (a bench reports, it does not judge)."""
    stories = Path(sys.argv[1]) if len(sys.argv) > 1 else STORIES
    folders = sorted(p for p in stories.iterdir() if p.is_dir() and not p.name.startswith("_"))
    kinds: Counter[str] = Counter()
    for name, folder in [*((f.name, f) for f in folders), ("default corpus", ROOT / "corpus")]:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / folder.name
            keep = () if folder == ROOT / "corpus" else ("briefing.toml",)
            shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(*keep))
            for d in listed(copy):
                kinds[d.kind] += 1
                print(f"== {name} [{d.kind}] {d.about}")
                for s in d.statements:
                    print(f"   {s.outlet}: {', '.join(s.figures)} | {s.text}")
    print(f"\n{sum(kinds.values())} listed: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
