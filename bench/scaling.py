"""Alignment speed and memory on synthetic corpora of growing size, against naive all-pairs cdist.

Usage: python bench/scaling.py [--sizes 100,1000,10000] [--naive-max 1000] [--semantic]
Each size runs in a fresh process (load, clean, split, align), reporting wall time and peak
RSS; the growth exponent is fitted over the sizes. With --semantic (the extra installed), the
passages are encoded and the semantic route links too; the encoding's seconds are in the time
and reported apart. The naive baseline scores every pair of the
same sentences with rapidfuzz.process.cdist (token_set_ratio, all cores), in row blocks.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def measure(folder: Path, *, with_semantic: bool = False) -> dict[str, float]:
    """Run the aligner on ``folder`` in this process; time and peak memory."""
    from briefing.align import alignment, semantic
    from briefing.read import cleaning, corpus, segmentation

    started = time.perf_counter()
    loaded = corpus.load(folder)
    passages = [p for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]
    encoding = time.perf_counter()
    vectors = semantic.encode([p.text for p in passages]) if with_semantic else None
    encoded = time.perf_counter() - encoding
    result = alignment.align(passages, vectors=vectors)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The semantic route's encoding processes (forked): the largest one's peak.
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": elapsed,
        "encode_seconds": encoded,
        "peak_mb": peak,
        "encoder_peak_mb": children,
        "passages": len(passages),
        "clusters": len(result.clusters),
    }


def naive(folder: Path, budget: float) -> tuple[float, int, bool]:
    """All-pairs cdist over the same sentences; stops after ``budget`` seconds and extrapolates."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from briefing.read import cleaning, corpus, segmentation

    loaded = corpus.load(folder)
    texts = [p.text for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]
    started = time.perf_counter()
    block = 500
    done = 0
    for start in range(0, len(texts), block):
        scores = process.cdist(
            texts[start : start + block], texts, scorer=fuzz.token_set_ratio, dtype=np.uint8, workers=-1
        )
        done += scores.shape[0]
        if time.perf_counter() - started > budget:
            break
    elapsed = time.perf_counter() - started
    return elapsed * len(texts) / done, len(texts), done < len(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument(
        "--naive-max", type=int, default=1000, help="largest size to run the naive baseline on"
    )
    parser.add_argument("--naive-budget", type=float, default=120.0, help="seconds before extrapolating")
    parser.add_argument("--semantic", action="store_true", help="with the semantic route (its extra)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, with_semantic=args.semantic)))
        return 0
    from synthetic import generate

    flags = ["--semantic"] if args.semantic else []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            folder = Path(tmp) / f"c{size}"
            generate(folder, size)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(folder), *flags],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(done.stdout)
            row["articles"] = size
            if size <= args.naive_max:
                seconds, _, extrapolated = naive(folder, args.naive_budget)
                row["naive_seconds"] = seconds
                row["naive_extrapolated"] = extrapolated
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(
        "\n| articles | passages | clusters | align s | encoding s | peak MB | encoder MB | naive s | gain |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        naive_s = row.get("naive_seconds")
        mark = "~" if row.get("naive_extrapolated") else ""
        naive_cells = f"{mark}{naive_s:.1f} | {naive_s / row['seconds']:.0f}x" if naive_s else "– | –"
        print(
            f"| {row['articles']:,} | {row['passages']:,} | {row['clusters']:,} | {row['seconds']:.1f} | "
            f"{row['encode_seconds']:.1f} | {row['peak_mb']:.0f} | {row['encoder_peak_mb']:.0f} | "
            f"{naive_cells} |"
        )
    if len(rows) >= 2:
        xs = [math.log(r["passages"]) for r in rows]
        ys = [math.log(r["seconds"]) for r in rows]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        print(f"\ngrowth exponent (time ~ passages^k): k = {slope:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
