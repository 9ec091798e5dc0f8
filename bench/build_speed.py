"""Time `briefing build` on a corpus against the floor: a bare WeasyPrint render of a one-line page.

Both run in fresh processes (imports included), best of N runs each.
Usage: python bench/build_speed.py [CORPUS] [--runs N]. Target: build <= 2x the floor.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

FLOOR = "import weasyprint; weasyprint.HTML(string='<p>One line.</p>').write_pdf('{out}/floor.pdf')"


def best_of(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default="corpus")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        floor = best_of([sys.executable, "-c", FLOOR.format(out=out)], args.runs)
        build = best_of(
            [sys.executable, "-m", "briefing", "build", args.corpus, "--out", out, "--date", "2026-01-01"],
            args.runs,
        )
    print(f"floor (bare WeasyPrint, one line): {floor:.2f}s")
    print(f"briefing build {args.corpus}: {build:.2f}s")
    print(f"ratio: {build / floor:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
