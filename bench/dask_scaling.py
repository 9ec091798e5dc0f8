"""The Dask engine against the local engine on synthetic corpora: time, peak memory per process.

Usage: python bench/dask_scaling.py [--sizes 10000,30000] [--workers 2] [--partition-size 20000]
                                    [--staged-from N (distributed.STAGED_FROM)]
                                    [--corpora DIR] [--estimate-articles 1000000 --estimate-workers 50]

Each size and engine runs in a fresh process: load, clean and split the synthetic corpus
(bench/synthetic.py) as bench/scaling.py does (no NLP pass: the alignment only), then align.
The local engine aligns in that process; the Dask engine on a LocalCluster of --workers
single-threaded worker processes started there (its scheduler runs in that process too). Reported:
the align time (the cluster's start-up apart), peak RSS of the main process and of each worker,
the compute seconds of each stage's tasks (Dask's task stream) and the time the command's process
takes after the last task (numbering the clusters). From the per-passage costs at the largest
size, an estimate of --estimate-articles on --estimate-workers workers. The two engines' clusters
are compared: they must be equal.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

# distributed.Nanny starts every worker with this PYTHONHASHSEED (distributed/nanny.py).
WORKER_HASH_SEED = "6640"
STAGES = (
    "_prepare", "_sum_counts", "_index", "_answer", "_choose", "_dedupe", "_send", "_score",
    "_best", "_among", "_group",
)  # fmt: skip
SHUFFLES = 6
ROUTING = ("_pieces", "_exchange", "_pick")  # tasks that only move pieces between stages
PASSAGES_PER_ARTICLE = 32  # synthetic articles: ~20 own sentences and ~12 shared claims


def _passages(folder: Path) -> list[Any]:
    from briefing.read import cleaning, corpus, segmentation

    loaded = corpus.load(folder)
    return [p for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _digest(result: Any) -> str:
    import hashlib

    text = repr([(c.passages, c.score, [(k.a, k.b, k.score) for k in c.links]) for c in result.clusters])
    return hashlib.sha256((text + repr(sorted(result.nearest.items()))).encode()).hexdigest()[:16]


def run_local(folder: Path) -> dict[str, Any]:
    """Align ``folder`` with the local engine in this process."""
    from briefing.align import alignment

    started = time.perf_counter()
    passages = _passages(folder)
    loaded = time.perf_counter()
    cpu = _cpu_s()
    result = alignment.align(passages)
    done = time.perf_counter()
    cpu = _cpu_s() - cpu
    return {
        "engine": "local",
        "passages": len(passages),
        "clusters": len(result.clusters),
        "digest": _digest(result),
        "load_s": loaded - started,
        "align_s": done - loaded,
        "cpu_s": cpu,
        "main_peak_mb": _peak_mb(),
    }


def run_dask(
    folder: Path, workers: int, partition_size: int, staged_from: int | None, memory_limit: str | None
) -> dict[str, Any]:
    """Align ``folder`` with the Dask engine on a LocalCluster of ``workers`` processes."""
    from distributed import Client, LocalCluster, get_task_stream

    from briefing.align import distributed

    staged_from = staged_from or distributed.STAGED_FROM

    cluster_started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        memory_limit=memory_limit or "auto",
    )
    client = Client(cluster)
    client.wait_for_workers(workers)
    started = time.perf_counter()
    passages = _passages(folder)
    loaded = time.perf_counter()
    cpu = _cpu_s() + sum(client.run(_cpu_s).values())
    marks: list[float] = []
    with get_task_stream(client=client) as stream:
        result = distributed.align(
            passages,
            scheduler=cluster.scheduler_address,
            progress=lambda _m: marks.append(time.perf_counter()),
            partition_size=partition_size,
            staged_from=staged_from,
        )
    done = time.perf_counter()
    compute: dict[str, float] = defaultdict(float)
    transfer: dict[str, float] = defaultdict(float)
    tasks: dict[str, int] = defaultdict(int)
    for task in stream.data:
        name = str(task["key"]).split("-")[0].strip("('\"")
        tasks[name] += 1
        for part in task["startstops"]:
            seconds = part["stop"] - part["start"]
            if part["action"] == "compute":
                compute[name] += seconds
            elif part["action"] == "transfer":
                transfer[name] += seconds
    worker_peaks = client.run(_peak_mb)
    cpu = _cpu_s() + sum(client.run(_cpu_s).values()) - cpu
    client.close()
    cluster.close()
    parts = math.ceil(len(passages) / partition_size)
    return {
        "engine": "dask",
        "workers": workers,
        "memory_limit": memory_limit or "auto",
        "partition_size": partition_size,
        "partitions": parts,
        "staged_from": staged_from,
        "passages": len(passages),
        "clusters": len(result.clusters),
        "digest": _digest(result),
        "cluster_start_s": started - cluster_started,
        "load_s": loaded - started,
        "align_s": done - loaded,
        "cpu_s": cpu,
        "cluster_s": marks[-1] - loaded if marks else 0.0,
        "conclude_s": done - marks[-1] if marks else 0.0,
        "main_peak_mb": _peak_mb(),
        "worker_peak_mb": sorted(worker_peaks.values()),
        "tasks": dict(tasks),
        "compute_s": dict(compute),
        "transfer_s": dict(transfer),
    }


def estimate(row: dict[str, Any], articles: int, workers: int, partition_size: int) -> list[str]:
    """A written estimate for ``articles`` on ``workers`` workers from ``row``'s measured costs."""
    from briefing.align import distributed

    passages = articles * row["passages"] / row["articles"]
    scale = passages / row["passages"]
    compute = sum(row["compute_s"].get(s, 0.0) for s in STAGES)
    parts = math.ceil(passages / partition_size)
    # The shuffles of one run (distributed.py): buckets, answers, pairs, requests, passages
    # sent and sides go partition to partition; the merge batches are few (left out).
    shuffle_tasks = SHUFFLES * distributed.shuffle_tasks(parts, parts)
    direct_tasks = SHUFFLES * parts * parts
    large = math.ceil(passages / 100_000)
    per_task_ms = 1.0  # the scheduler's cost per task, as Dask's docs put it (200 us to 1 ms)
    cluster_s = compute * scale / workers
    central_s = row["conclude_s"] * scale
    central_mb = row["main_peak_mb"] * scale  # an upper bound: it holds the scheduler too
    lines = [
        f"Estimate for {articles:,} articles ({passages:,.0f} passages) on {workers} workers, "
        f"from the {row['articles']:,}-article run:",
        f"- task compute, all stages: {compute:.0f} s measured, {compute / row['passages'] * 1e6:.0f} µs a "
        f"passage; x{scale:.0f} / {workers} workers = {cluster_s / 60:.0f} min if the stages stay linear "
        "(each task's work is bounded: a partition's passages, a bucket's postings; probes by "
        "PROBE_BUDGET, candidates by MAX_CANDIDATES).",
        f"- shuffles: {parts:,} partitions of {partition_size:,} passages give {shuffle_tasks:,} "
        f"small routing tasks in two stages ({direct_tasks:,} routed directly), "
        f"~{shuffle_tasks * per_task_ms / 1000 / 60:.0f} min of scheduler time at {per_task_ms:g} ms a "
        f"task, {shuffle_tasks * per_task_ms / 1000 / (cluster_s or 1) * 100:.0f} % of the compute's "
        f"time on {workers} workers; partitions of 100,000 passages: "
        f"{SHUFFLES * distributed.shuffle_tasks(large, large):,}.",
        f"- worker memory: {max(row['worker_peak_mb']):.0f} MB peak per worker here; a worker holds its "
        f"share of the run's records (1/{row['workers']} here) besides one task's working set, so it "
        f"stays flat when workers grow with the corpus: {articles:,} articles on {workers} workers hold "
        f"~{max(row['worker_peak_mb']) * scale * row['workers'] / workers / 1024:.1f} GB each (a rough "
        "linear scaling of this one size).",
        f"- the command's own process (loading, the links from the pairs that may link, their "
        f"components, numbering the clusters): {row['conclude_s']:.0f} s after the last task here, "
        f"~{central_s / 60:.0f} min and ~{central_mb / 1024:.0f} GB at that size (an upper bound: "
        "it holds the scheduler too); it holds the passages, which the alignment returns, a few "
        "links and one nearest match a passage, never the scored pairs.",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,30000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition-size", type=int, default=20_000)
    parser.add_argument("--engines", default="local,dask")
    parser.add_argument("--staged-from", type=int, default=None, help="distributed.STAGED_FROM unless given")
    parser.add_argument("--memory-limit", help="each worker's (dask worker --memory-limit), e.g. 1.5GiB")
    parser.add_argument("--corpora", type=Path, help="folder to keep the synthetic corpora in (cNNNN)")
    parser.add_argument("--estimate-articles", type=int, default=1_000_000)
    parser.add_argument("--estimate-workers", type=int, default=50)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        engine, folder = args.child
        row = (
            run_local(Path(folder))
            if engine == "local"
            else run_dask(
                Path(folder), args.workers, args.partition_size, args.staged_from, args.memory_limit
            )
        )
        print(json.dumps(row))
        return 0
    from synthetic import generate

    rows: list[dict[str, Any]] = []
    # One hash seed for every process, the one Dask's nanny gives its workers: the pair signals
    # sum floats over sets of stems, whose order follows the seed, so two processes may differ in
    # the last bit of a score, and a rare tie with them. With one seed the engines agree exactly.
    env = {**os.environ, "PYTHONHASHSEED": WORKER_HASH_SEED}
    with tempfile.TemporaryDirectory() as tmp:
        base = args.corpora or Path(tmp)
        for size in [int(s) for s in args.sizes.split(",")]:
            folder = base / f"c{size}"
            if not (folder / "briefing.toml").exists():
                generate(folder, size)
            for engine in args.engines.split(","):
                done = subprocess.run(
                    [sys.executable, __file__, "--child", engine, str(folder), "--workers", str(args.workers),
                     "--partition-size", str(args.partition_size),
                     *(["--staged-from", str(args.staged_from)] if args.staged_from else []),
                     *(["--memory-limit", args.memory_limit] if args.memory_limit else [])],
                    capture_output=True, text=True, check=False, env=env,
                )  # fmt: skip
                if done.returncode != 0:
                    # The run's own last words (an EngineError's one line, a traceback's end); Dask
                    # may log a closing worker's tracebacks after them, so the whole of it is kept.
                    kept = Path(tempfile.gettempdir()) / f"dask_scaling-{size}-{engine}.stderr"
                    kept.write_text(done.stderr, encoding="utf-8")
                    lines = done.stderr.strip().splitlines()
                    said = [line for line in lines if line.startswith(("dask:", "briefing.errors."))]
                    print("\n".join([*said[-3:], *lines[-12:]]), file=sys.stderr)
                    failed = f"{size:,} articles, {engine}: failed (exit {done.returncode}); stderr in {kept}"
                    print(failed, file=sys.stderr)
                    return 1
                row = json.loads(done.stdout.strip().splitlines()[-1])
                row["articles"] = size
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(
        "\n| articles | passages | engine | align s | vs local | CPU s | main peak MB | worker peak MB "
        "| same clusters |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    local = {r["articles"]: r for r in rows if r["engine"] == "local"}
    for row in rows:
        base_row = local.get(row["articles"])
        ratio = f"{row['align_s'] / base_row['align_s']:.2f}x" if base_row else "–"
        same = (
            "–"
            if not base_row or row is base_row
            else ("yes" if row["digest"] == base_row["digest"] else "NO")
        )
        workers = ", ".join(f"{mb:.0f}" for mb in row.get("worker_peak_mb", [])) or "–"
        print(
            f"| {row['articles']:,} | {row['passages']:,} | {row['engine']} | {row['align_s']:.1f} "
            f"| {ratio} | {row['cpu_s']:.0f} | {row['main_peak_mb']:.0f} | {workers} | {same} |"
        )
    dask_rows = [r for r in rows if r["engine"] == "dask"]
    for row in dask_rows:
        stages = ", ".join(f"{s.strip('_')} {row['compute_s'].get(s, 0.0):.0f}" for s in STAGES)
        routing = sum(n for name, n in row["tasks"].items() if name in ROUTING)
        print(
            f"\n{row['articles']:,} articles on Dask: {row['partitions']} partitions; cluster part "
            f"{row['cluster_s']:.1f} s, after the last task {row['conclude_s']:.1f} s; "
            f"{sum(row['tasks'].values()):,} tasks, {routing:,} of them routing; task compute seconds: "
            f"{stages}"
        )
    if dask_rows:
        print()
        print(
            "\n".join(
                estimate(dask_rows[-1], args.estimate_articles, args.estimate_workers, args.partition_size)
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
