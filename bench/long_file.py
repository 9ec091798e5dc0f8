"""Time each build stage on a corpus holding one huge one-line article (5 MB by default).

Usage: python bench/long_file.py [--mb 5] [--seed 1] [--keep DIR]
The corpus is one real BASIL story (three articles and its manifest) plus ``long.txt``: news
sentences from every story in ../shared/stories, shuffled, half of them spliced from two
sentences so that few repeat exactly, joined by single spaces with no newline. One real build runs
(pipeline.build_briefing, then write_outputs) with each stage function wrapped in a timer; the
table gives each stage's wall time and the peak RSS of the process after it.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT.parent / "shared" / "stories"
STORY = "basil-2010-ground-zero-mosque"
# Calls that take longer than this are reported on stderr as they end.
PROGRESS_SECONDS = 0.5
SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z“\"])")


def _sentences() -> list[str]:
    found: list[str] = []
    for path in sorted(STORIES.glob("*/*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            found.extend(s.strip() for s in SENTENCE_END.split(paragraph) if 40 <= len(s.strip()) <= 400)
    return found


def long_text(size: int, *, seed: int = 1) -> str:
    """About ``size`` characters of news sentences on one line, varied so that few repeat."""
    rng = random.Random(seed)
    pool = _sentences()
    parts: list[str] = []
    total = 0
    while total < size:
        first = rng.choice(pool)
        if rng.random() < 0.5:
            # Splice: the head of one sentence and the tail of another, so it reads as news
            # but does not repeat any one sentence of the pool.
            a, b = first.split(), rng.choice(pool).split()
            first = " ".join(a[: max(3, len(a) // 2)] + b[len(b) // 2 :])
        parts.append(first)
        total += len(first) + 1
    return " ".join(parts)[:size].rstrip()


def generate(folder: Path, *, size: int, seed: int = 1) -> Path:
    """Write the story's articles and manifest plus ``long.txt`` (no newline) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (STORIES / STORY).iterdir():
        shutil.copy(path, folder / path.name)
    (folder / "long.txt").write_text(long_text(size, seed=seed), encoding="utf-8")
    return folder


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The stage functions the pipeline calls, timed where they are defined (module, function).
# A name a module does not (yet) have is skipped, so the table follows the pipeline as it grows.
STAGES = (
    ("corpus", "load"),
    ("cleaning", "clean"),
    ("nlp", "read"),
    ("segmentation", "split"),
    ("reprints", "find"),
    ("alignment", "align"),
    ("themes", "select"),
    ("findings", "find_quotes"),
    ("findings", "find_people"),
    ("people", "identify"),
    ("quotes", "find"),
    ("people", "index"),
    ("discrepancies", "find_discrepancies"),
    ("export", "to_document"),
    ("report", "render_html"),
    ("report", "render_pdf"),
)


def run_stages(folder: Path, out: Path) -> list[tuple[str, float, float]]:
    """One real build (pipeline.build_briefing then write_outputs), each stage function timed."""
    import datetime as dt
    import importlib

    from briefing import pipeline
    from briefing.models import Settings

    seconds: dict[str, float] = {}
    peaks: dict[str, float] = {}
    patched: list[tuple[Any, str, Any]] = []

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                took = time.perf_counter() - started
                seconds[name] = seconds.get(name, 0.0) + took
                peaks[name] = _peak_mb()
                if took >= PROGRESS_SECONDS:  # as it goes: a stage that never ends shows which it is
                    print(f"  {name}: {took:.2f}s", file=sys.stderr, flush=True)

        return wrapper

    for module_name, function_name in STAGES:
        try:
            module = importlib.import_module(f"briefing.{module_name}")
        except ImportError:
            continue
        function = getattr(module, function_name, None)
        if function is None:
            continue
        name = f"{module_name}.{function_name}"
        patched.append((module, function_name, function))
        setattr(module, function_name, timed(name, function))
    started = time.perf_counter()
    try:
        briefing = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 1, 1)))
        built, built_peak = time.perf_counter(), _peak_mb()
        pipeline.write_outputs(briefing, out)
    finally:
        for module, function_name, function in patched:
            setattr(module, function_name, function)
    done = time.perf_counter()
    print(
        f"{len(briefing.articles)} articles, {len(briefing.alignment.passages)} passages, "
        f"{len(briefing.alignment.clusters)} clusters; outputs in {out}",
        file=sys.stderr,
    )
    rows = [(name, seconds[name], peaks[name]) for name in seconds]
    rows.append(("= pipeline.build_briefing", built - started, built_peak))
    rows.append(("= pipeline.write_outputs (with json.dumps, files)", done - built, _peak_mb()))
    rows.append(("= total", done - started, _peak_mb()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the one-line article in MB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the corpus and outputs here instead of a temp dir")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        folder = generate(base / "corpus", size=int(args.mb * 1_000_000), seed=args.seed)
        size = (folder / "long.txt").stat().st_size
        print(f"corpus {folder}: long.txt {size:,} bytes, no newline", file=sys.stderr)
        rows = run_stages(folder, base / "out")
    width = max(len(name) for name, _, _ in rows)
    print(f"{'stage':<{width}}  {'seconds':>8}  {'peak RSS MB':>11}")
    for name, elapsed, peak in rows:
        print(f"{name:<{width}}  {elapsed:>8.2f}  {peak:>11.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
