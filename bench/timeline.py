"""Timeline dating against the hand annotation: are the listed events dated right?

    python bench/timeline.py [--stories ../shared/stories] [--gold tests/data/timeline-annotated.json] [-v]

Each annotated story (a folder of ``--stories``, or ``corpus`` for the default corpus) is read,
aligned and given its timeline as `briefing build` does (with its manifest: the publication
dates resolve the weekdays). A listed event whose sentence is annotated counts right when its
date and precision are the annotated ones, wrong when they differ or the sentence is annotated
as no event. Precision = right / (right + wrong); recall = annotated dated sentences listed
right / annotated dated sentences (the caps of 15 events and 3 a day bound it). Stories not
found are skipped, and said so.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing import pipeline  # noqa: E402
from briefing.align import alignment, anchors, reprints  # noqa: E402
from briefing.findings import clauses, timeline  # noqa: E402
from briefing.models import Timeline  # noqa: E402
from briefing.read import corpus  # noqa: E402

GOLD = ROOT / "tests" / "data" / "timeline-annotated.json"
STORIES = ROOT.parent / "shared" / "stories"


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    story: str
    listed: int  # events listed
    annotated: int  # of them, with an annotated sentence
    right: int
    dated: int  # annotated sentences with a date
    found: int  # of them, listed with that date
    wrong_rows: tuple[str, ...] = ()  # "listed date | annotated date | sentence", for -v


def load_gold(path: Path = GOLD) -> dict[str, dict[str, tuple[str, str] | None]]:
    """story -> sentence -> (ISO date, precision), or None for "not an event"."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    gold: dict[str, dict[str, tuple[str, str] | None]] = defaultdict(dict)
    for row in doc["rows"]:
        gold[row["story"]][row["text"]] = None if row["date"] is None else (row["date"], row["precision"])
    return dict(gold)


def folder_of(story: str, stories: Path) -> Path:
    return ROOT / "corpus" if story == "corpus" else stories / story


def build_timeline(folder: Path) -> tuple[Timeline, dict[str, str]]:
    """The timeline as build_briefing makes it: read, reprints left out, aligned, dated; and
    each passage's text (an event may show the whole sentence its passage was cut from, and the
    annotation names passages by their text)."""
    loaded = corpus.load(folder)
    read = pipeline.read_articles(loaded.articles)
    copied = reprints.copied(reprints.find(read.passages, articles=read.articles))
    kept = tuple(p for p in read.passages if p.id not in copied)
    aligned = alignment.align(kept, anchors=anchors.build(kept, read.readings))
    built = timeline.build(aligned, articles=loaded.articles, readings=read.readings)
    return built, {p.id: p.text for p in kept}


def score(
    story: str, rows: dict[str, tuple[str, str] | None], built: tuple[Timeline, dict[str, str]]
) -> Score:
    """How the listed events of one story compare with its annotated sentences."""
    events, texts = built
    right = annotated = 0
    listed_right: set[str] = set()
    wrong: list[str] = []
    for event in events.events:
        text = texts[event.passage]
        if text not in rows:
            continue
        annotated += 1
        got = (event.date.isoformat(), event.precision)
        if rows[text] == got:
            right += 1
            listed_right.add(text)
        else:
            want = rows[text]
            wrong.append(f"{got[0]} {got[1]} | {'no event' if want is None else ' '.join(want)} | {text}")
    dated = [text for text, want in rows.items() if want is not None]
    return Score(
        story=story,
        listed=len(events.events),
        annotated=annotated,
        right=right,
        dated=len(dated),
        found=sum(text in listed_right for text in dated),
        wrong_rows=tuple(wrong),
    )


def run(stories: Path = STORIES, gold: Path = GOLD) -> tuple[list[Score], list[str]]:
    """Scores of every annotated story found, and the stories skipped."""
    scores, skipped = [], []
    for story, rows in sorted(load_gold(gold).items()):
        folder = folder_of(story, stories)
        if not folder.is_dir():
            skipped.append(story)
            continue
        scores.append(score(story, rows, build_timeline(folder)))
    return scores, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=Path, default=STORIES)
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("-v", "--verbose", action="store_true", help="list the wrongly dated rows")
    parser.add_argument(
        "--no-rules",
        action="store_true",
        help="the baseline: the timeline before the quotation, clause, state and schedule rules",
    )
    args = parser.parse_args()
    if args.no_rules:
        timeline._dates_event = lambda *_args, **_kwargs: True
        clauses.present_state = lambda figure: False
        timeline._YEAR_OF_EVENT = re.compile(r"(?!)")  # "today" against a year stays a day
        timeline._SCHEDULED = re.compile(r"(?!)")  # "The election is Thursday" is the last one
    scores, skipped = run(args.stories, args.gold)
    for story in skipped:
        print(f"skipped {story}: not found under {args.stories}", file=sys.stderr)
    print(f"{'story':48} {'listed':>6} {'annot.':>6} {'right':>5} {'recall':>9}")
    for s in scores:
        print(f"{s.story:48} {s.listed:6} {s.annotated:6} {s.right:5} {s.found:4}/{s.dated:<4}")
        if args.verbose:
            for row in s.wrong_rows:
                print(f"    wrong: {row[:200]}")
    right, annotated = sum(s.right for s in scores), sum(s.annotated for s in scores)
    found, dated = sum(s.found for s in scores), sum(s.dated for s in scores)
    listed = sum(s.listed for s in scores)
    if annotated:
        print(
            f"precision {right}/{annotated} = {right / annotated:.3f} of listed annotated rows "
            f"({annotated}/{listed} listed rows annotated); recall {found}/{dated} = {found / dated:.3f}"
        )


if __name__ == "__main__":
    main()
