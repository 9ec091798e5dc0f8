"""The Dask engine gives the local engine's results, on a real LocalCluster of two worker processes.

The comparisons run where every process has one hash seed, the one Dask's nanny gives every
worker (PYTHONHASHSEED=6640): the pair signals sum floats over sets of stems, in an order that
follows the seed, so two processes with different seeds may differ in the last bit of a score and,
rarely, break a tie apart. With one seed the engines must agree exactly.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
import time
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefing import pipeline
from briefing.align import alignment, distributed, linking
from briefing.align.pairs import BATCH_FROM, Vocabulary
from briefing.cli import app
from briefing.models import CleanArticle, Passage, Reading
from briefing.read import cleaning, corpus, segmentation
from tests.conftest import CORPUS, ROOT

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason="dask[distributed] is not installed"
)
runner = CliRunner()


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two single-threaded worker processes, stopped after the module's tests."""
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask[distributed] is not installed")
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")  # type: ignore[no-untyped-call]
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


# distributed.Nanny starts every worker with this PYTHONHASHSEED (distributed/nanny.py).
WORKER_HASH_SEED = "6640"
# Both engines in one process of the workers' seed, the Dask engine's tasks on the workers.
COMPARE = """
import json, sys
from pathlib import Path
from briefing.align import alignment, distributed, linking
from briefing.read import cleaning, corpus, segmentation
folder, scheduler, size, staged = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
passages = [p for a in corpus.load(folder).articles for p in segmentation.split(cleaning.clean(a))]
uncapped = alignment.align(passages)
if len(sys.argv) > 5:
    linking.COMPONENT_CAP = int(sys.argv[5])
local = alignment.align(passages)
held, linking.VOUCH_MEAN = linking.VOUCH_MEAN, 2.0  # no group vouches for any passage
unvouched = alignment.align(passages)
linking.VOUCH_MEAN = held
said = []
dask = distributed.align(
    passages, scheduler=scheduler, progress=said.append, partition_size=size, staged_from=staged
)
print(json.dumps({
    "passages": dask.passages == local.passages,
    "clusters": dask.clusters == local.clusters,
    "nearest": dict(dask.nearest) == dict(local.nearest),
    "count": len(local.clusters),
    "capped": local.clusters != uncapped.clusters,
    "vouched": local.clusters != unvouched.clusters,
    "said": said[-1],
}))
"""


def _seeded(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": WORKER_HASH_SEED}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


def _compare(
    folder: Path,
    scheduler: str,
    partition_size: int,
    staged_from: int = distributed.STAGED_FROM,
    cap: int | None = None,
) -> dict[str, object]:
    capped = () if cap is None else (str(cap),)
    done = _seeded("-c", COMPARE, str(folder), scheduler, str(partition_size), str(staged_from), *capped)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def default_read() -> pipeline.Read:
    return pipeline.read_articles(corpus.load(CORPUS).articles)


def _synthetic(folder: Path, articles: int) -> list[Passage]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synthetic import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate(folder, articles)
    return [p for a in corpus.load(folder).articles for p in segmentation.split(cleaning.clean(a))]


@needs_dask
def test_workers_run_with_the_hash_seed_the_comparisons_use(scheduler: str) -> None:
    with distributed.session(scheduler) as client:
        seeds = client.run(os.getenv, "PYTHONHASHSEED")
    assert set(seeds.values()) == {WORKER_HASH_SEED}


@needs_dask
def test_dask_engine_aligns_synthetic_corpus_as_local_engine(scheduler: str, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    passages = _synthetic(folder, 360)
    # Enough candidate pairs for the pair model's batch (rapidfuzz's cpdist): the scoring tasks
    # must take that path too, as the default corpus covers the one-by-one path.
    indexed = [alignment.prepare(p)[1] for p in passages]
    outlets = [p.outlet for p in passages]
    assert len(alignment.candidate_pairs(indexed, outlets, Vocabulary.build(indexed))) >= BATCH_FROM
    # 4,000 passages a partition: three, so postings, probes and pairs cross partitions.
    result = _compare(folder, scheduler, 4_000)
    assert isinstance(result["count"], int) and result["count"] > 50
    assert result["vouched"] is True  # groups took passages they vouch for (linking.vouched)
    assert (result["passages"], result["clusters"], result["nearest"]) == (True, True, True)
    said = str(result["said"])
    assert said.startswith("dask: align ") and said.endswith(" tasks done")
    done, total = said.split()[2].split("/")
    assert done == total


@needs_dask
def test_shuffles_routed_in_two_stages_give_the_local_alignment(scheduler: str, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    passages = _synthetic(folder, 240)
    # Eight partitions, and every shuffle in two stages (groups of three, three and two).
    size = -(-len(passages) // 8)
    result = _compare(folder, scheduler, size, staged_from=1)
    assert isinstance(result["count"], int) and result["count"] > 30
    assert (result["passages"], result["clusters"], result["nearest"]) == (True, True, True)


@needs_dask
def test_components_bounded_by_the_cap_give_the_local_alignment(scheduler: str, tmp_path: Path) -> None:
    # The synthetic corpus's links chain most passages into one component (its stories share
    # common words and nothing keeps them apart); a cap of 100 passages splits it, and the engines
    # must drop the same links and merge the pieces alike.
    folder = tmp_path / "corpus"
    passages = _synthetic(folder, 240)
    result = _compare(folder, scheduler, -(-len(passages) // 3), cap=100)
    assert result["capped"] is True  # the cap changed the clusters, so the comparison covers it
    assert (result["passages"], result["clusters"], result["nearest"]) == (True, True, True)


@pytest.mark.parametrize(("sources", "destinations"), [(1, 1), (1, 5), (7, 1), (7, 10), (10, 7), (16, 16)])
@needs_dask
def test_a_shuffle_brings_each_destination_every_source_piece_in_order(
    scheduler: str, sources: int, destinations: int
) -> None:
    with distributed.session(scheduler) as client:
        direct = distributed._Run(client, "direct", None, staged_from=sources * destinations + 1)
        staged = distributed._Run(client, "staged", None, staged_from=1)
        for run in (direct, staged):
            held = client.scatter([[(s, d) for d in range(destinations)] for s in range(sources)])  # type: ignore[no-untyped-call]
            gathered = [
                run.submit(distributed._gathered, lambda *pieces: list(pieces), (), *bundles)
                for bundles in run.route(held, distributed._pick, destinations)
            ]
            got = run.gather([run.submit(lambda *xs: list(xs), *gathered)])[0]
            assert got == [[(s, d) for s in range(sources)] for d in range(destinations)]
    # Each run: the routing tasks, one gathering task a destination and the last one.
    assert direct.total == sources * destinations + destinations + 1
    assert staged.total == distributed.shuffle_tasks(sources, destinations, 1) + destinations + 1
    assert staged.total != direct.total  # the two runs routed differently


def test_a_task_leaves_no_passages_words_behind_on_its_worker() -> None:
    # text.words caches passages for the one command that reads them at every stage; a worker
    # that kept them would hold every partition it ever read.
    from briefing.text import words

    @distributed._task
    def read(texts: list[str]) -> list[tuple[str, ...]]:
        return [words(t).stems for t in texts]

    assert read(["Police arrested the suspect on Friday.", "The court met."])
    assert words.cache_info().currsize == 0


@needs_dask
def test_a_stage_is_let_go_while_later_stages_run(scheduler: str) -> None:
    """A task's result leaves the workers once the tasks that need it are done, while the run
    still waits for later ones: the third task watches the first's key on the scheduler."""

    def in_memory(key: str, dask_scheduler: Any) -> bool:
        task = dask_scheduler.tasks.get(key)
        return task is not None and task.state == "memory"

    def still_held(key: str, _before: int) -> bool:
        from distributed import get_client

        client = get_client()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if not client.run_on_scheduler(in_memory, key):
                return False
            time.sleep(0.05)
        return True

    with distributed.session(scheduler) as client:
        run = distributed._Run(client, "release", None)
        first = run.submit(lambda: list(range(100_000)))
        second = run.submit(len, first)
        key = str(first.key)
        del first
        third = run.submit(still_held, key, second)
        del second
        assert run.gather([third]) == [False]


@needs_dask
def test_dask_engine_reads_articles_as_local_engine(
    scheduler: str, default_read: pipeline.Read, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distributed, "READ_CHARS_PER_PARTITION", 8_000)  # several partitions
    articles = corpus.load(CORPUS).articles
    read = distributed.read_articles(articles, scheduler=scheduler)
    assert read == default_read


@needs_dask
def test_align_command_on_dask_prints_the_local_document(scheduler: str) -> None:
    # The default corpus read by the NLP pass on the workers, aligned with its anchors.
    # The Dask engine has no semantic route: it matches the local engine's words-only route, which
    # is the local default only where the semantic extra is not installed.
    args = ["-m", "briefing", "align", str(CORPUS), "--json", "--date", "2026-11-21"]
    local = _seeded(*args, "--no-semantic")
    dask = _seeded(*args, "--engine", "dask", "--scheduler", scheduler)
    assert local.returncode == 0, local.stderr
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout == local.stdout
    assert "tasks done" in dask.stderr


@needs_dask
def test_unreachable_scheduler_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", "1s")
    result = runner.invoke(
        app, ["align", str(CORPUS), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9"
    )


@needs_dask
def test_workers_paused_at_their_memory_limit_end_the_run_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from distributed import LocalCluster
    from distributed.core import Status

    def pause(dask_worker: Any) -> None:  # what a worker past its memory pause threshold does
        dask_worker.status = Status.paused

    monkeypatch.setattr(distributed, "PAUSED_GIVE_UP_SECONDS", 1.0)
    monkeypatch.setattr(distributed, "PROGRESS_EVERY_SECONDS", 0.2)
    passages = _synthetic(tmp_path / "corpus", 8)
    # No memory limit, so that no memory monitor unpauses the worker (its memory is under any).
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0", memory_limit=0
    )
    said: list[str] = []
    try:
        with distributed.session(cluster.scheduler_address) as client:

            def progress(message: str) -> None:
                # Paused mid-run, once the first stage is done, as memory fills up.
                if "tasks done" in message and not any("tasks done" in m for m in said):
                    client.run(pause)
                said.append(message)

            with pytest.raises(distributed.EngineError) as raised:
                distributed.align(passages, progress=progress)
    finally:
        cluster.close()
    assert str(raised.value).startswith("every Dask worker has been paused at its memory limit for 1 s")
    assert "dask worker --memory-limit" in str(raised.value) and "\n" not in str(raised.value)
    assert "dask: all 1 workers paused at their memory limit, spilling to disk" in said


class _Workers:
    """A client whose scheduler reports two paused workers, running ``executing`` tasks each."""

    def __init__(self, executing: int) -> None:
        self.executing = executing

    def scheduler_info(self, n_workers: int = 5) -> dict[str, Any]:
        worker = {"status": "paused", "metrics": {"task_counts": {"executing": self.executing}}}
        return {"workers": {"tcp://a": worker, "tcp://b": dict(worker)}}


def test_paused_workers_still_running_a_task_are_waited_for() -> None:
    # A paused worker finishes what it started (a long merge may free its memory): only workers
    # paused with nothing running for PAUSED_GIVE_UP_SECONDS end the run.
    for executing, stops in ((1, False), (0, True)):
        said: list[str] = []
        run = distributed._Run(_Workers(executing), "align", said.append)  # type: ignore[arg-type]
        stopped = False
        for tick in range(10):
            try:
                run._watch(now=tick * distributed.PAUSED_GIVE_UP_SECONDS / 4)
            except distributed.EngineError:
                stopped = True
                break
        assert stopped is stops
        assert bool(said) is stops and all("paused at their memory limit" in m for m in said)


@needs_dask
@pytest.mark.parametrize(
    ("error", "says"),
    [
        (TimeoutError("No valid workers found"), "no Dask worker can take work: every worker is paused"),
        (TimeoutError("timed out after 30 s"), "the Dask cluster lost work in progress"),
        (OSError("Stream is closed"), "the Dask cluster lost work in progress (a worker died"),
    ],
)
def test_cluster_failures_are_one_line_engine_errors(error: Exception, says: str) -> None:
    with pytest.raises(distributed.EngineError) as raised, distributed._errors():
        raise error
    message = str(raised.value)
    assert message.startswith(says) and "\n" not in message
    assert "dask worker --memory-limit" in message


def test_engine_dask_without_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    result = runner.invoke(app, ["align", str(CORPUS), "--engine", "dask"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: --engine dask needs Dask, an optional extra: pip install 'briefing[dask]'"
    ]


def test_vocabulary_from_counts_is_the_vocabulary_built_from_passages(default_read: pipeline.Read) -> None:
    indexed = [alignment.prepare(p)[1] for p in default_read.passages]
    half = len(indexed) // 2
    counts: dict[str, int] = {}
    for part in (indexed[:half], indexed[half:]):
        for token, n in Vocabulary.build(part).df_of.items():
            counts[token] = counts.get(token, 0) + n
    assert Vocabulary.from_counts(counts, len(indexed)) == Vocabulary.build(indexed)


def test_scoring_groups_hold_all_pairs_or_a_batch_each() -> None:
    assert distributed._groups([5, 7, 3]) == [[0, 1, 2]]
    sizes = [BATCH_FROM // 2, BATCH_FROM // 2, BATCH_FROM, 10, BATCH_FROM - 20]
    groups = distributed._groups(sizes)
    assert [k for group in groups for k in group] == list(range(len(sizes)))
    assert all(sum(sizes[k] for k in group) >= BATCH_FROM for group in groups)


def test_merge_batches_hold_about_a_partition_each_as_the_corpus_grows() -> None:
    rng = random.Random(7)
    size = 200
    for count in (100, 1_000, 10_000):
        members = iter(range(10**6))
        components = [[next(members) for _ in range(rng.randint(2, 8))] for _ in range(count)]
        batches = distributed._batches(components, workers=2, size=size)
        held = sorted(m for batch in batches for m in batch)
        assert held == sorted(m for c in components for m in c)
        # Each component whole in one batch; no batch much past the size (its last component).
        where = {m: k for k, batch in enumerate(batches) for m in batch}
        assert all(len({where[m] for m in c}) == 1 for c in components)
        few = distributed.BATCHES_PER_WORKER * 2
        assert len(batches) >= min(count, few)
        # A few batches a worker while they hold less than ``size`` each; past that, about ``size``.
        bound = -(-len(held) // few) if len(held) < few * size else size
        assert max(map(len, batches)) <= bound + 8
    giant = list(range(5_000))
    batches = distributed._batches([giant, [10**6, 10**6 + 1]], workers=2, size=size)
    assert giant in batches  # a component is never split, however large


def test_records_round_trip_to_the_same_frozen_data(default_read: pipeline.Read) -> None:
    for cls, values in ((CleanArticle, default_read.articles), (Reading, default_read.readings)):
        for value in values:
            record = distributed.to_record(value)
            assert json.loads(json.dumps(record)) == record  # plain data
            assert distributed.from_record(cls, record) == value


def test_pair_scores_answer_as_the_dict_of_their_pieces() -> None:
    rng = random.Random(14)
    pairs = sorted({(a, a + rng.randint(1, 500)) for a in (rng.randrange(100_000) for _ in range(3_000))})
    scores = {pair: rng.random() for pair in pairs}
    # Pieces out of pair order: the table must not depend on the order they come in.
    pieces = [{"a": [a for a, _ in part], "b": [b for _, b in part], "score": [scores[p] for p in part]}
              for part in (pairs[1_000:], pairs[:1_000])]  # fmt: skip
    table = distributed._PairScores(pieces)
    assert all(table.get(pair) == score for pair, score in scores.items())
    absent = [(a, b + 1) for a, b in pairs if (a, b + 1) not in scores][:100]
    assert absent and all(table.get(pair) is None for pair in absent)
    table[absent[0]] = 0.5
    table[pairs[0]] = 0.25
    assert (table.get(absent[0]), table.get(pairs[0]), table.get(absent[1])) == (0.5, 0.25, None)


def test_packed_groups_read_back_as_the_groups() -> None:
    groups: list[linking.Group] = [
        ((3,), ()),
        ((4, 9, 12), ((4, 9, 0.5, ("Prime", "minister")), (4, 12, 0.1234, ()), (9, 12, 1.0, ("a",)))),
        ((20, 21), ((20, 21, 0.3333, ("«quoted»", "2,400", "naïve")),)),
    ]
    packed = distributed._packed_groups(iter(groups))
    assert list(distributed._grouped(packed)) == groups
    # Typed arrays for the numbers, one string a pair for its words: no object a number.
    assert all(isinstance(packed[k], array) for k in ("members", "ends", "x", "y", "score", "pair_ends"))
    assert packed["words"] == ["Prime minister", "", "a", "«quoted» 2,400 naïve"]
