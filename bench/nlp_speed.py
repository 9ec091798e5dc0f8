"""Speed and memory of the NLP pass (spaCy) on synthetic corpora, and of `briefing build` before/after.

Usage:
  python bench/nlp_speed.py [--sizes 100,1000] [--runs 3] [--set NAME=VALUE ...]
  python bench/nlp_speed.py --build-default [--runs 3]
  python bench/nlp_speed.py --save-readings FILE | --compare-readings FILE

Each size runs in a fresh process (so its peak RSS is its own): spaCy import and pipeline load,
then ``nlp.read`` on the cleaned articles (loading and cleaning are not timed). Peak RSS is
ru_maxrss of the process and, when ``nlp.read`` forks spaCy workers, of the largest worker
(forked workers count the pages they share with the main process). ``--set`` overrides a
constant of briefing/read/nlp.py in the measured process (``--set BATCH_SIZE=256``,
``--set EXCLUDED=lemmatizer,attribute_ruler``), for tuning. Target (issue 10): 1,000 articles
under 60 s on 2 cores, under 1 GB.

``--build-default`` times ``briefing build corpus`` now and at 9bfed7a (the commit before spaCy,
checked out as a temporary git worktree and run with the same venv's python), median of the runs.
``--save-readings``/``--compare-readings`` pickle ``nlp.read``'s Readings on the default corpus
and a few of ../shared/stories, to check that a tuning leaves the output identical.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parent.parent
BEFORE_SPACY = "9bfed7a"
STORIES = ROOT.parent / "shared" / "stories"
# A few BASIL and Multi-News stories, the largest among them (mn-084, 48 KB).
CHECK_STORIES = (
    "basil-2010-ground-zero-mosque",
    "basil-2018-birthright-citizenship",
    "basil-2019-national-emergency-border-wall",
    "mn-079-julia-roberts-half-sister",
    "mn-084-fukushima-nuclear-crisis",
    "mn-091-celebrity-photo-leak-reddit",
)


def _override(settings: list[str]) -> None:
    """Apply ``NAME=VALUE`` to briefing.read.nlp's constants (ints, or comma-separated tuples)."""
    from briefing.read import nlp

    for setting in settings:
        name, _, value = setting.partition("=")
        current = getattr(nlp, name)
        if isinstance(current, tuple):
            setattr(nlp, name, tuple(v for v in value.split(",") if v))
        else:
            setattr(nlp, name, type(current)(value))


def _cleaned(folder: Path) -> list:  # type: ignore[type-arg]
    from briefing.read import cleaning, corpus

    return [cleaning.clean(a) for a in corpus.load(folder).articles]


def _cpu() -> float:
    """CPU seconds of this process and its finished workers: steadier than wall time here."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def measure(folder: Path, settings: list[str]) -> dict[str, float]:
    """Load the pipeline and read ``folder`` in this process; times and peak memory."""
    started = time.perf_counter()
    from briefing.read import nlp

    _override(settings)
    loaded = nlp.pipeline()
    load_seconds = time.perf_counter() - started
    cleaned = _cleaned(folder)
    words = sum(len(a.article.text[s.start : s.end].split()) for a in cleaned for s in a.body)
    chars = sum(s.end - s.start for a in cleaned for s in a.body)
    cpu_before = _cpu()
    started = time.perf_counter()
    nlp.read(cleaned)
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "load_seconds": load_seconds,
        "seconds": seconds,
        "words": words,
        "chars": chars,
        "components": ",".join(loaded.pipe_names),
        "cpu_seconds": cpu,
        "peak_mb": own.ru_maxrss / 1024,
        "worker_peak_mb": workers.ru_maxrss / 1024,
    }


def _child(command: list[str]) -> dict[str, float]:
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{run.stderr}")
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def nlp_table(sizes: list[int], runs: int, settings: list[str]) -> None:
    from synthetic import generate

    command = [sys.executable, __file__]
    for setting in settings:
        command += ["--set", setting]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / f"c{size}"
            generate(folder, size)
            done = [_child([*command, "--child", str(folder)]) for _ in range(runs)]
            for row in done:
                print(json.dumps({"articles": size, **row}), file=sys.stderr, flush=True)
            rows.append((size, done))
    print(f"\nsettings: {' '.join(settings) or 'as in briefing/read/nlp.py'}; median of {runs} runs")
    print(f"components: {rows[0][1][0]['components']}\n")
    print("| articles | words | load s | read s | words/s | read CPU s | peak MB main | peak MB workers |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, done in rows:
        keys = ("load_seconds", "seconds", "cpu_seconds")
        med = {key: statistics.median(r[key] for r in done) for key in keys}
        peak = max(r["peak_mb"] for r in done)
        workers = max(r["worker_peak_mb"] for r in done)
        words = done[0]["words"]
        print(
            f"| {size:,} | {words:,} | {med['load_seconds']:.1f} | {med['seconds']:.1f} | "
            f"{words / med['seconds']:,.0f} | {med['cpu_seconds']:.1f} | {peak:.0f} | {workers:.0f} |"
        )


def _median_build(command: list[str], out: str, runs: int, env: dict[str, str], cwd: Path) -> float:
    # ``python -m`` puts the working directory first on sys.path, before PYTHONPATH: run in the
    # checkout whose code is meant
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--out", out], check=True, capture_output=True, env=env, cwd=cwd)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def build_default(runs: int) -> None:
    """``briefing build`` on the default corpus now and before spaCy came in (9bfed7a)."""
    before = Path(tempfile.mkdtemp(prefix="briefing-before-"))
    before.rmdir()
    subprocess.run(["git", "worktree", "add", "--detach", str(before), BEFORE_SPACY], check=True, cwd=ROOT)
    try:
        probe = "import briefing, sys; print(briefing.__file__, 'spacy' in sys.modules)"
        where = subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, "PYTHONPATH": str(before)},
            cwd=before,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print(f"before: briefing imported from {where.strip()}", file=sys.stderr)
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ)
            date = ["--date", "2026-01-01"]
            now = _median_build(  # --no-cache: every run reads the text, as the old build did
                [sys.executable, "-m", "briefing", "build", str(ROOT / "corpus"), *date, "--no-cache"],
                out,
                runs,
                env,
                ROOT,
            )
            env_before = {**env, "PYTHONPATH": str(before)}
            old = _median_build(
                [sys.executable, "-m", "briefing", "build", str(before / "corpus"), *date],
                out,
                runs,
                env_before,
                before,
            )
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before)], check=True, cwd=ROOT)
    print(f"\n`briefing build corpus`, median of {runs} runs (fresh process, imports included)\n")
    print("| commit | seconds |")
    print("| --- | --- |")
    print(f"| {BEFORE_SPACY} (before spaCy) | {old:.2f} |")
    print(f"| working tree (spaCy) | {now:.2f} |")
    print(f"\nratio: {now / old:.2f}x")


def readings(settings: list[str]) -> dict[str, tuple]:  # type: ignore[type-arg]
    from briefing.read import nlp

    _override(settings)
    folders = [ROOT / "corpus", *(STORIES / name for name in CHECK_STORIES)]
    return {folder.name: nlp.read(_cleaned(folder)) for folder in folders}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--build-default", action="store_true")
    parser.add_argument("--save-readings", type=Path)
    parser.add_argument("--compare-readings", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.set)))
    elif args.build_default:
        build_default(args.runs)
    elif args.save_readings:
        args.save_readings.write_bytes(pickle.dumps(readings(args.set)))
    elif args.compare_readings:
        saved = pickle.loads(args.compare_readings.read_bytes())
        differ = [name for name, now in readings(args.set).items() if saved.get(name) != now]
        print("identical" if not differ else f"different: {', '.join(differ)}")
        return 1 if differ else 0
    else:
        nlp_table([int(s) for s in args.sizes.split(",")], args.runs, args.set)
    return 0


if __name__ == "__main__":
    sys.exit(main())
