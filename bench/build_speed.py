"""Time `briefing build` against WeasyPrint alone, in fresh processes, with the issue's ratios.

For the default corpus and a synthetic corpus (bench/synthetic.py, 50 articles by default) it
times, round robin so that a busy machine slows every command alike:

- the build (`python -m briefing build CORPUS`), as a user runs it, cold: an empty reading
  cache each run (briefing/read/cache.py), so spaCy reads every article;
- the same build warm: its second build, every reading from the cache (spaCy never imported);
- the cold build laid out in one process (the two-process layout switched off);
- WeasyPrint alone rendering the build's own HTML (briefing.html, its stylesheet and fonts) in
  a fresh process: `import weasyprint; HTML(...).write_pdf(...)`, nothing of briefing's;
- once per round: the floor, a bare one-line WeasyPrint render, and `briefing --version`.

It prints the median (and best) of each, the ratios build / same-HTML render and build / floor
(targets: at most 1.0x and 4.5x) cold and warm, `--version` (target under 0.3 s), and one cold and
one warm build's `--timings`. Every command's reading cache is a temporary folder (BRIEFING_CACHE).
Usage: python bench/build_speed.py [CORPUS] [--runs N] [--articles N] [--no-synthetic]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate  # noqa: E402 (bench/ is not a package)

DATE = "2026-01-01"
FLOOR = "import sys, weasyprint; weasyprint.HTML(string='<p>One line.</p>').write_pdf(sys.argv[1])"
# WeasyPrint alone on the build's HTML: the stylesheet and fonts it links come from templates/.
SAME_HTML = (
    "import sys, weasyprint; "
    "weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
)
# The build with the two-process layout switched off, as on a one-core machine.
ONE_PROCESS = (
    "import sys; from briefing.render import press; press.can_split = lambda: False; "
    "from briefing.cli import main; sys.argv = ['briefing', *sys.argv[1:]]; main()"
)


def timed(command: list[str], cache: Path) -> float:
    """Wall seconds of one run of ``command`` (which must succeed), its reading cache in ``cache``."""
    env = {**os.environ, "BRIEFING_CACHE": str(cache)}
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, cwd=ROOT, env=env)
    took = time.perf_counter() - started
    if result.returncode not in (0, 3):  # 3: built, some files skipped
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr.decode()}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="corpus")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--articles", type=int, default=50, help="articles in the synthetic corpus")
    parser.add_argument("--no-synthetic", action="store_true", help="time the given corpus only")
    args = parser.parse_args()
    python = sys.executable
    templates = str(ROOT / "templates") + "/"
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        corpora = {"default corpus": Path(args.corpus).resolve()}
        if not args.no_synthetic:
            generate(work / "synthetic", args.articles)
            corpora[f"synthetic, {args.articles} articles"] = work / "synthetic"
        commands: dict[str, list[str]] = {
            "floor: one-line render": [python, "-c", FLOOR, str(work / "floor.pdf")],
            "briefing --version": [python, "-m", "briefing", "--version"],
        }
        # The warm builds' cache, filled by the first build of each corpus below; every other
        # command gets an empty cache of its own each run (a cold build reads with spaCy).
        warm = work / "warm-cache"
        warm_names: set[str] = set()
        for n, (name, folder) in enumerate(corpora.items()):
            out = work / f"out{n}"
            build = ["build", str(folder), "--out", str(out), "--date", DATE]
            env = {**os.environ, "BRIEFING_CACHE": str(warm)}
            subprocess.run(
                [python, "-m", "briefing", *build], check=False, capture_output=True, cwd=ROOT, env=env
            )
            commands[f"{name}: build"] = [python, "-m", "briefing", *build]
            commands[f"{name}: build, warm reading cache"] = [
                python,
                "-m",
                "briefing",
                *build[:3],
                str(work / f"warm{n}"),
                *build[4:],
            ]
            warm_names.add(f"{name}: build, warm reading cache")
            commands[f"{name}: build, one process"] = [
                python,
                "-c",
                ONE_PROCESS,
                *build[:3],
                str(work / f"one{n}"),
                *build[4:],
            ]
            commands[f"{name}: WeasyPrint alone, same HTML"] = [
                python,
                "-c",
                SAME_HTML,
                str(out / "briefing.html"),
                templates,
                str(work / f"same{n}.pdf"),
            ]
        seconds: dict[str, list[float]] = {name: [] for name in commands}
        for round_ in range(args.runs):
            for k, (name, command) in enumerate(commands.items()):
                cache = warm if name in warm_names else work / "cold-caches" / f"{round_}-{k}"
                seconds[name].append(timed(command, cache))
            print(f"round {round_ + 1}/{args.runs} done", file=sys.stderr, flush=True)
        median = {name: statistics.median(values) for name, values in seconds.items()}
        print(f"median (best) of {args.runs} interleaved runs, wall seconds, fresh processes:")
        for name, values in seconds.items():
            print(f"  {name:<58} {median[name]:6.2f}  ({min(values):.2f})")
        floor = median["floor: one-line render"]
        print("ratios of medians:")
        for name in corpora:
            cold = median[f"{name}: build"]
            alone = median[f"{name}: WeasyPrint alone, same HTML"]
            one = median[f"{name}: build, one process"]
            hot = median[f"{name}: build, warm reading cache"]
            print(
                f"  {name}: build / WeasyPrint alone on its HTML {cold / alone:.2f}x (target <= 1.0);"
                f" build / floor {cold / floor:.2f}x (target <= 4.5);"
                f" one-process build / build {one / cold:.2f}x"
            )
            print(
                f"  {name}, warm reading cache: build / WeasyPrint alone on its HTML {hot / alone:.2f}x"
                f" (target <= 1.0); build / floor {hot / floor:.2f}x (target <= 4.5)"
            )
        version = median["briefing --version"]
        print(f"  briefing --version {version:.2f} s (target < 0.3)")
        for n, (name, folder) in enumerate(corpora.items()):
            for kind, cache in (("cold", work / f"timings-cache{n}"), ("warm reading cache", warm)):
                report = subprocess.run(
                    [
                        python,
                        "-m",
                        "briefing",
                        "build",
                        str(folder),
                        "--out",
                        str(work / f"t{n}"),
                        "--date",
                        DATE,
                        "--timings",
                    ],
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env={**os.environ, "BRIEFING_CACHE": str(cache)},
                )
                table = report.stderr[report.stderr.find("where the time went") :]
                print(f"\n{name}, {kind}: briefing build --timings\n{table.rstrip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
