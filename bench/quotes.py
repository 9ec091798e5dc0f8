"""Quote attribution, the people index and body text kept, against the hand annotation.

    python bench/quotes.py [--stories ../shared/stories] [--gold tests/data/reading] [-v]

Each annotated story is built as a new user would meet it: copied without its manifest. A quote
with a known speaker counts right when the briefing credits that person (any form of the name
the annotation lists, or the same surname), wrong when it names somebody else, unattributed
when it names nobody or the quote is not found. A quote annotated with no speaker (an unnamed
source, a slogan) that the briefing credits to somebody counts apart, as `named for nobody`: it
is a wrong attribution the three figures above cannot show. People: recall of the people each story is
about (`central`), precision of index entries that are people the story names.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing import pipeline
from briefing.models import Article, Briefing, Passage, Settings

GOLD = Path("tests/data/reading")
STORIES = Path("../shared/stories")


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    story: str
    right: int
    wrong: int
    unattributed: int
    named_for_nobody: int  # annotated with no speaker, credited to somebody
    annotated_nobody: int
    central_found: int
    central: int
    index_real: int
    index: int
    wrong_examples: tuple[str, ...]


def main() -> None:
    """Print the table; exit 0 (a bench reports, it does not judge)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=Path, default=STORIES)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every wrong attribution")
    args = parser.parse_args()
    if not args.stories.is_dir():
        print(f"{args.stories}: no stories folder; pass --stories", file=sys.stderr)
        raise SystemExit(0)
    scores = [score(path, args.stories) for path in sorted(args.gold.glob("*.json"))]
    print("| story | right | wrong | unattributed | named for nobody | central found | index real |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for s in scores:
        total = s.right + s.wrong + s.unattributed
        print(
            f"| {s.story} | {s.right}/{total} | {s.wrong} | {s.unattributed} | "
            f"{s.named_for_nobody}/{s.annotated_nobody} | {s.central_found}/{s.central} | "
            f"{s.index_real}/{s.index} |"
        )
    right = sum(s.right for s in scores)
    wrong = sum(s.wrong for s in scores)
    none = sum(s.unattributed for s in scores)
    total = right + wrong + none
    print(
        f"\nquotes with a known speaker: {total}; right {right / total:.1%}, wrong {wrong / total:.1%}, "
        f"unattributed {none / total:.1%}"
    )
    print(
        f"quotes annotated with no speaker: {sum(s.annotated_nobody for s in scores)}; credited to somebody "
        f"{sum(s.named_for_nobody for s in scores)}"
    )
    print(
        f"people: central recall {sum(s.central_found for s in scores)}/{sum(s.central for s in scores)}"
        f" = {sum(s.central_found for s in scores) / max(1, sum(s.central for s in scores)):.1%}, "
        f"index precision {sum(s.index_real for s in scores)}/{sum(s.index for s in scores)}"
        f" = {sum(s.index_real for s in scores) / max(1, sum(s.index for s in scores)):.1%}"
    )
    if args.verbose:
        for s in scores:
            for line in s.wrong_examples:
                print(f"{s.story}: {line}")


def score(gold_path: Path, stories: Path) -> Score:
    """Build one story without its manifest and score it against its annotation."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    briefing = build_without_manifest(stories / gold["story"])
    return compare(gold, briefing)


def build_without_manifest(folder: Path) -> Briefing:
    """The story as a new user meets it: its article files only."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / folder.name
        copy.mkdir()
        for path in folder.iterdir():
            if path.is_file() and path.name != "briefing.toml":
                shutil.copy(path, copy / path.name)
        return pipeline.build_briefing(copy, settings=Settings(built=dt.date(2026, 1, 1)))


def compare(gold: dict, briefing: Briefing) -> Score:  # type: ignore[type-arg]
    """Right / wrong / unattributed per annotated quote; people recall and precision."""
    docs = {a.article.path: a.article for a in briefing.articles}
    spans = {p.id: p for p in briefing.alignment.passages}
    people = gold["people"]
    right = wrong = none = nobody = named_nobody = 0
    examples: list[str] = []
    for item in gold["quotes"]:
        article = docs.get(item["file"])
        credited = _credited(item["quote"], article, spans, briefing) if article is not None else None
        if not item.get("speaker"):
            nobody += 1
            if credited not in (None, "unattributed"):
                named_nobody += 1
                examples.append(f"{item['quote'][:60]!r}: {credited!r}, annotated nobody")
            continue
        if credited is None or credited == "unattributed":
            none += 1
            examples.append(f"{item['quote'][:60]!r}: {credited!r}, annotated {item['speaker']!r} (none)")
        elif same_person(credited, item["speaker"], people):
            right += 1
        else:
            wrong += 1
            examples.append(f"{item['quote'][:60]!r}: {credited!r}, annotated {item['speaker']!r}")
    central = [p for p in people if p.get("central")]
    found = sum(1 for p in central if any(same_person(x.name, p["name"], people) for x in briefing.people))
    real = sum(1 for x in briefing.people if any(same_person(x.name, p["name"], people) for p in people))
    return Score(
        story=gold["story"],
        right=right,
        wrong=wrong,
        unattributed=none,
        named_for_nobody=named_nobody,
        annotated_nobody=nobody,
        central_found=found,
        central=len(central),
        index_real=real,
        index=len(briefing.people),
        wrong_examples=tuple(examples),
    )


def _credited(quote: str, article: Article, spans: dict[str, Passage], briefing: Briefing) -> str | None:
    """The speaker the briefing gives the annotated quote: of the quotes whose passage holds the
    annotated quote's start, the one whose words agree best with it; None when none does."""
    at = article.text.find(quote)
    end = at + len(quote)
    holding = {
        pid
        for pid, p in spans.items()
        if p.doc == article.id and p.start <= max(at, p.start) < min(end, p.end)
    }
    options = [q for q in briefing.quotes if holding & set(q.passages)]
    best = max(options, key=lambda q: _agreement(q.text, quote), default=None)
    return best.speaker if best and _agreement(best.text, quote) > 0 else None


def same_person(found: str, annotated: str, people: list[dict]) -> bool:  # type: ignore[type-arg]
    """Whether a name the briefing gives is the annotated person (a listed form, or its surname)."""
    forms = {annotated}
    for p in people:
        if p["name"] == annotated:
            forms.update(p.get("aliases", []))
    found_n, forms_n = _norm(found), {_norm(f) for f in forms}
    if found_n in forms_n:
        return True
    last = {f.split()[-1] for f in forms_n if f}
    return bool(found_n) and found_n.split()[-1] in last


def _norm(name: str) -> str:
    words = [w for w in name.lower().replace("’", "'").split() if w not in ("the", "jr.", "jr")]
    return " ".join(w.strip(".,'") for w in words)


def _agreement(a: str, b: str) -> float:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


if __name__ == "__main__":
    main()
