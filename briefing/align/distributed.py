"""The Dask engine: reading and alignment run by partition on a dask.distributed cluster.

The one module that imports Dask (an optional extra: ``pip install 'briefing[dask]'``), and only
inside its functions. It runs the local engine's own stages, never copies of them, so the two give
the same clusters and scores: ``pipeline.read_articles`` per partition of articles, and the
stages of ``alignment`` by partition of passages:

1. prepare: each passage's index tokens (``alignment.prepare``) and each partition's document
   frequencies, summed in a tree into the corpus's; every worker builds the same ``Vocabulary``.
2. index: each partition sends each eligible token's posting (passage, outlet, overlap limit) and
   each probe to the token's bucket (crc32 of the token, so all processes agree); a bucket answers
   each partition with the postings of the tokens that its passages probe.
3. choose: each partition sums its passages' shared weights (``alignment.accumulate``) and keeps
   their candidates (``alignment.kept_candidates``), sending each pair (i < j) to i's partition.
4. score: i's partition drops duplicate pairs, asks the partitions of the j's for their passages,
   and scores the pairs (``alignment.score``) in batches as the local engine does.
5. best: each scoring task sends each pair, seen from both ends, to each end's partition, which
   finds its passages' best match per outlet and nearest match (``linking.best_matches``) and
   says, for each pair that reaches the link threshold, whether it is its end's best.
6. finish, in this process: the pairs that may link (mutual or strong), the scores among their
   passages (which the scoring tasks still hold) and the nearest matches give links and clusters
   (``linking.finish``). No process holds every scored pair; this one holds the passages, which
   the alignment returns, and the few pairs that may link.

No task holds more than a partition's passages or a bucket's postings. Data moves between tasks
as plain records (lists and dicts of strings, numbers and tuples), never as pipeline objects.
"""

from __future__ import annotations

import functools
import gc
import math
import os
import time
import typing
import uuid
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from briefing.align import alignment, linking
from briefing.align.anchors import Anchors, PassageAnchors
from briefing.align.linking import Units
from briefing.align.pairs import BATCH_FROM, Profile, Vocabulary
from briefing.errors import BriefingError
from briefing.models import Alignment, Article, CleanArticle, Passage, Reading
from briefing.read.records import Record, from_record, to_record

if TYPE_CHECKING:
    from distributed import Client, Future

    from briefing.pipeline import Read

# The address Dask's own tools read (dask worker, Client()): a scheduler started elsewhere.
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
EXTRA = "pip install 'briefing[dask]'"
# Without an address, a LocalCluster of this many single-threaded worker processes (the tasks
# are pure Python and hold the GIL: processes, not threads, use the cores).
LOCAL_WORKERS = 2
# Passages per partition. At 20,000 a scoring task holds about 80,000 pairs and a worker stays
# near 400 MB at every corpus size (bench/dask_scaling.py); the shuffles cost partitions² tiny
# tasks, so a corpus of millions wants larger partitions (see the README).
PASSAGES_PER_PARTITION = 20_000
# Article text per reading task: under nlp.PARALLEL_FROM_CHARS (500,000), so a worker never
# starts spaCy processes of its own (a Dask worker is a daemon process and may not).
READ_CHARS_PER_PARTITION = 400_000
# A task that raises is run again this many times (on any worker) before the run fails; a task
# whose worker dies is rescheduled by Dask itself (distributed.scheduler.allowed-failures).
RETRIES = 2
CONNECT_TIMEOUT = "10s"
WORKER_WAIT_SECONDS = 30
REDUCE_FAN_IN = 8
PROGRESS_EVERY_SECONDS = 2.0

Progress = Callable[[str], None]

_CLIENT: ContextVar[Client | None] = ContextVar("briefing_dask_client", default=None)


class EngineError(BriefingError):
    """The Dask engine cannot run: Dask is missing, the scheduler unreachable, a worker lost."""


def _quiet(_message: str) -> None:
    pass


@contextmanager
def session(scheduler: str | None = None, *, progress: Progress | None = None) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler`` (else DASK_SCHEDULER_ADDRESS), else of a
    LocalCluster of LOCAL_WORKERS processes started here and stopped on leaving; the engine's
    calls inside the block use it (calls outside open a session of their own)."""
    current = _CLIENT.get()
    if current is not None:
        yield current
        return
    say = progress or _quiet
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError(f"--engine dask needs Dask, an optional extra: {EXTRA}") from None
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    cluster: LocalCluster | None = None
    if address:
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise EngineError(
                f"cannot reach the Dask scheduler at {address} ({_reason(exc)}); start one "
                "(dask scheduler) or pass another --scheduler / DASK_SCHEDULER_ADDRESS"
            ) from None
    else:
        cluster = LocalCluster(
            n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = Client(cluster)
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise EngineError(
                f"no Dask worker joined the scheduler at {_address(client)} in "
                f"{WORKER_WAIT_SECONDS} s; start one: dask worker {_address(client)}"
            ) from None
        workers = len(client.scheduler_info(n_workers=-1)["workers"])
        where = f"a LocalCluster at {_address(client)}" if cluster else address
        say(f"dask: {workers} workers on {where}")
        token = _CLIENT.set(client)
        try:
            yield client
        finally:
            _CLIENT.reset(token)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def read_articles(
    articles: Sequence[Article],
    *,
    model: str | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Read:
    """``pipeline.read_articles`` run by partition on the cluster: the same cleaned articles,
    readings and passages, in the same order."""
    from briefing import pipeline

    # The workers' environment may differ from ours: name the pipeline this process would load.
    model = model or os.environ.get("BRIEFING_SPACY_MODEL") or None
    parts = _by_chars([to_record(a) for a in articles])
    if not parts:
        return pipeline.read_articles((), model=model)
    with session(scheduler, progress=progress) as client, _errors():
        run = _Run(client, "read", progress)
        futures = [run.submit(_read_partition, part, model) for part in parts]
        results = run.gather(futures)
    return pipeline.Read(
        articles=tuple(from_record(CleanArticle, r) for result in results for r in result["articles"]),
        readings=tuple(from_record(Reading, r) for result in results for r in result["readings"]),
        passages=tuple(from_record(Passage, r) for result in results for r in result["passages"]),
        model=next((result["model"] for result in results if result["model"]), ""),
    )


def align(
    passages: Sequence[Passage],
    *,
    anchors: Anchors | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    partition_size: int = PASSAGES_PER_PARTITION,
) -> Alignment:
    """``alignment.align`` with the index and the pair scoring run by partition on the cluster."""
    passages = tuple(passages)
    found = anchors or Anchors()
    if not passages:
        return alignment.align(passages, anchors=found)
    with session(scheduler, progress=progress) as client, _errors():
        run = _Run(client, "align", progress)
        counts, scored = _index_and_score(run, passages, found, partition_size)
        vocabulary_counts = run.gather([counts])[0]
        parts = math.ceil(len(passages) / partition_size)
        best = [run.submit(_best, *[run.submit(_sides, s, k) for s in scored]) for k in range(parts)]
        nearest, candidates = _linkable(run.gather(best))
        [ends] = client.scatter([sorted({x for _, i, j in candidates for x in (i, j)})], broadcast=True)
        among = run.gather([run.submit(_among, s, ends) for s in scored])
    enabled = gc.isenabled()
    gc.disable()  # as alignment.align: many small long-lived objects, no cycles
    try:
        vocabulary = Vocabulary.from_counts(vocabulary_counts["df"], vocabulary_counts["size"])
        scores = {(a, b): score for part in among for a, b, score in part}
        units = Units(passages, found, vocabulary)
        return linking.finish(units, candidates, scores, nearest)
    finally:
        if enabled:
            gc.enable()


def _linkable(parts: list[Record]) -> tuple[dict[int, tuple[float, int]], list[tuple[float, int, int]]]:
    """Each passage's nearest match, and the pairs that may link, from the partitions' bests."""
    nearest: dict[int, tuple[float, int]] = {}
    for part in parts:
        nearest.update(part["nearest"])
    return nearest, linking.candidates(side for part in parts for side in part["sides"])


def _index_and_score(
    run: _Run, passages: tuple[Passage, ...], anchors: Anchors, size: int
) -> tuple[Future[Any], list[Future[Any]]]:
    """Stages 1 to 4 on the cluster: the summed document frequencies and the scored pairs (i < j),
    left on the workers."""
    client = run.client
    outlets = sorted({p.outlet for p in passages})
    codes = {outlet: code for code, outlet in enumerate(outlets)}
    records: list[Future[Any]] = client.scatter(
        [
            [_passage_record(p, anchors, codes) for p in passages[start : start + size]]
            for start in range(0, len(passages), size)
        ]
    )
    parts = len(records)
    starts = [k * size for k in range(parts)]
    prepared = [run.submit(_prepare, part) for part in records]
    counts = _tree(run, [run.submit(_pick, p, "counts") for p in prepared], uuid.uuid4().hex)
    indexed = [
        run.submit(_index, part, prepared[k], counts, starts[k], parts) for k, part in enumerate(records)
    ]
    del prepared
    answers = [
        run.submit(_answer, counts, size, parts, *[run.submit(_bucket, x, b) for x in indexed])
        for b in range(parts)
    ]
    chosen = [
        run.submit(_choose, size, parts, outlets, run.submit(_pick, indexed[k], "probes"), *answers_for)
        for k, answers_for in enumerate(
            [[run.submit(_pick, answer, k) for answer in answers] for k in range(parts)]
        )
    ]
    del indexed, answers
    deduped = [
        run.submit(_dedupe, size, parts, *[run.submit(_pick, c, k) for c in chosen]) for k in range(parts)
    ]
    del chosen
    sent = [
        run.submit(_send, records[s], starts[s], *[run.submit(_request, d, s) for d in deduped])
        for s in range(parts)
    ]
    # Each scoring task scores either all the pairs or at least BATCH_FROM of them, so that
    # pairs.probabilities takes the same path (one by one, or rapidfuzz's batch) as the local
    # engine's single call, and every score is the same float.
    sizes = run.gather([run.submit(_pair_count, d) for d in deduped])
    scored = [
        run.submit(
            _score,
            counts,
            size,
            parts,
            [(starts[k], records[k], deduped[k], [run.submit(_pick, s, k) for s in sent]) for k in group],
        )
        for group in _groups(sizes)
    ]
    del sent, deduped
    return counts, scored


def _groups(sizes: Sequence[int]) -> list[list[int]]:
    """Consecutive partitions, grouped so that each group has BATCH_FROM pairs or more, or one
    group has them all when there are fewer."""
    groups: list[list[int]] = []
    held = 0
    for k, n in enumerate(sizes):
        if not groups or held >= BATCH_FROM:
            groups.append([])
            held = 0
        groups[-1].append(k)
        held += n
    if len(groups) > 1 and held < BATCH_FROM:
        groups[-2].extend(groups.pop())
    return groups


def _tree(run: _Run, parts: list[Future[Any]], token: str) -> Future[Any]:
    """The document frequencies summed over all partitions, in a tree of REDUCE_FAN_IN."""
    while len(parts) > REDUCE_FAN_IN:
        parts = [
            run.submit(_sum_counts, "", *parts[n : n + REDUCE_FAN_IN])
            for n in range(0, len(parts), REDUCE_FAN_IN)
        ]
    return run.submit(_sum_counts, token, *parts)


# Tasks: module-level functions of plain records, run on the workers.

F = TypeVar("F", bound=Callable[..., Any])


def _task(function: F) -> F:
    """Run a task with the cyclic garbage collector off, as alignment.align does (a task builds
    hundreds of thousands of small objects and no cycles; the collector would rescan them all)."""

    @functools.wraps(function)
    def run(*args: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args)
        finally:
            if enabled:
                gc.enable()

    return typing.cast(F, run)


@_task
def _read_partition(records: list[Record], model: str | None) -> Record:
    from briefing import pipeline

    read = pipeline.read_articles([from_record(Article, r) for r in records], model=model)
    return {
        "articles": [to_record(a) for a in read.articles],
        "readings": [to_record(r) for r in read.readings],
        "passages": [to_record(p) for p in read.passages],
        "model": read.model,
    }


@_task
def _prepare(records: list[Record]) -> Record:
    tokens = [alignment.prepare(*_passage_of(r))[1] for r in records]
    df: Counter[str] = Counter()
    for passage_tokens in tokens:
        df.update(set(passage_tokens))
    return {"tokens": tokens, "counts": {"df": dict(df), "size": len(tokens)}}


def _sum_counts(run: str, *parts: Record) -> Record:
    df: Counter[str] = Counter()
    for part in parts:
        df.update(part["df"])
    return {"df": dict(df), "size": sum(part["size"] for part in parts), "run": run}


@_task
def _index(records: list[Record], prepared: Record, counts: Record, start: int, buckets: int) -> Record:
    vocabulary = _vocabulary(counts)
    cap = alignment.df_cap(counts["size"])
    # Columns, not rows: a bucket's postings are a few arrays that pickle as buffers.
    postings = [_columns("tokens", q="passages", l="outlets", d="limits") for _ in range(buckets)]
    requests = [_columns("tokens", q="passages") for _ in range(buckets)]
    probes: list[tuple[int, str, float, list[str]]] = []
    for offset, (record, tokens) in enumerate(zip(records, prepared["tokens"], strict=True)):
        eligible = alignment.eligible_tokens(tokens, vocabulary, cap)
        if not eligible:
            continue
        i, outlet, code = start + offset, record["passage"]["outlet"], record["outlet"]
        limit = alignment.overlap_limit(tokens, vocabulary)
        probe = alignment.probe_tokens(eligible, vocabulary)
        for token in eligible:
            column = postings[_bucket_of(token, buckets)]
            column["tokens"].append(token)
            column["passages"].append(i)
            column["outlets"].append(code)
            column["limits"].append(limit)
        for token in probe:
            column = requests[_bucket_of(token, buckets)]
            column["tokens"].append(token)
            column["passages"].append(i)
        probes.append((i, outlet, limit, probe))
    return {
        "buckets": [{"postings": postings[b], "requests": requests[b]} for b in range(buckets)],
        "probes": probes,
    }


def _columns(*lists: str, **arrays: str) -> Record:
    """Empty columns: lists by name, and typed arrays by type code (q: int, l: outlet, d: float)."""
    return {name: [] for name in lists} | {name: array(code) for code, name in arrays.items()}


@_task
def _answer(counts: Record, size: int, parts: int, *buckets: Record) -> list[Record]:
    vocabulary = _vocabulary(counts)
    # Buckets come in partition order, so each token's postings are in passage order.
    rows: dict[str, tuple[list[int], list[int], list[float]]] = {}
    for bucket in buckets:
        column = bucket["postings"]
        for token, i, code, limit in zip(
            column["tokens"], column["passages"], column["outlets"], column["limits"], strict=True
        ):
            row = rows.get(token)
            if row is None:
                row = rows[token] = ([], [], [])
            row[0].append(i)
            row[1].append(code)
            row[2].append(limit)
    packed: dict[str, tuple[float, array[int], array[int], array[float]]] = {}
    answers: list[Record] = [{} for _ in range(parts)]
    for bucket in buckets:
        column = bucket["requests"]
        for token, i in zip(column["tokens"], column["passages"], strict=True):
            answer = answers[i // size]
            if token not in answer:
                if token not in packed:
                    js, codes, limits = rows[token]
                    packed[token] = (
                        vocabulary.idf(token),
                        array("q", js),
                        array("l", codes),
                        array("d", limits),
                    )
                answer[token] = packed[token]
    return answers


@_task
def _choose(
    size: int,
    parts: int,
    outlets: list[str],
    probes: list[tuple[int, str, float, list[str]]],
    *answers: Record,
) -> list[list[tuple[int, int]]]:
    table: dict[str, tuple[float, array[int]]] = {}
    outlet_of: dict[int, str] = {}
    limit_of: dict[int, float] = {}
    for answer in answers:
        for token, (idf, js, codes, limits) in answer.items():
            table[token] = (idf, js)
            outlet_of.update(zip(js, map(outlets.__getitem__, codes), strict=True))
            limit_of.update(zip(js, limits, strict=True))
    out: list[list[tuple[int, int]]] = [[] for _ in range(parts)]
    for i, outlet, limit, probe in probes:
        weights = alignment.accumulate(table[token] for token in probe)
        for j in alignment.kept_candidates(
            weights, outlet=outlet, limit=limit, outlets=outlet_of, limits=limit_of
        ):
            a, b = min(i, j), max(i, j)
            out[a // size].append((a, b))
    return out


@_task
def _dedupe(size: int, parts: int, *chosen: list[tuple[int, int]]) -> Record:
    pairs = sorted({pair for part in chosen for pair in part})
    need: list[set[int]] = [set() for _ in range(parts)]
    for a, b in pairs:
        if b // size != a // size:
            need[b // size].add(b)
    return {"pairs": pairs, "requests": [sorted(n) for n in need]}


def _send(records: list[Record], start: int, *requests: list[int]) -> list[dict[int, Record]]:
    return [{b: records[b - start] for b in wanted} for wanted in requests]


@_task
def _score(
    counts: Record,
    size: int,
    parts: int,
    group: list[tuple[int, list[Record], Record, list[dict[int, Record]]]],
) -> Record:
    """The group's pairs scored, and each pair seen from both ends, sent to each end's partition
    (x, y, score, y's outlet code) for its best matches."""
    vocabulary = _vocabulary(counts)
    record_of: dict[int, Record] = {}
    pairs: list[tuple[int, int]] = []
    for start, records, deduped, received in group:
        record_of.update((start + n, r) for n, r in enumerate(records))
        for sent in received:
            record_of.update(sent)
        pairs.extend(deduped["pairs"])
    profiles: dict[int, Profile] = {}

    def profile(i: int) -> Profile:
        if i not in profiles:
            passage, found = _passage_of(record_of[i])
            parsed, _ = alignment.prepare(passage, found)
            profiles[i] = alignment.profile(parsed, vocabulary, found)
        return profiles[i]

    scores = alignment.score([(profile(a), profile(b)) for a, b in pairs], vocabulary)
    xs, ys = [array("q") for _ in range(parts)], [array("q") for _ in range(parts)]
    by, outlets = [array("d") for _ in range(parts)], [array("l") for _ in range(parts)]
    for (a, b), score in zip(pairs, scores, strict=True):
        for x, y in ((a, b), (b, a)):
            k = x // size
            xs[k].append(x)
            ys[k].append(y)
            by[k].append(score)
            outlets[k].append(record_of[y]["outlet"])
    return {
        "a": array("q", [a for a, _ in pairs]),
        "b": array("q", [b for _, b in pairs]),
        "score": array("d", scores),
        "sides": [{"x": xs[k], "y": ys[k], "score": by[k], "outlet": outlets[k]} for k in range(parts)],
    }


@_task
def _best(*sides: Record) -> Record:
    """One partition's passages' nearest matches (x -> (score, y)) and, for each of their pairs
    that reaches the link threshold, whether it is the best in its outlet (x, y, score, best)."""
    seen = [
        (x, y, score, outlet)
        for side in sides
        for x, y, score, outlet in zip(side["x"], side["y"], side["score"], side["outlet"], strict=True)
    ]
    best = linking.best_matches(seen)
    return {"nearest": linking.nearest(best), "sides": list(linking.preferences(seen, best))}


def _among(scored: Record, ends: list[int]) -> list[tuple[int, int, float]]:
    """The scored pairs whose two passages are both among ``ends`` (the merges look them up)."""
    wanted = set(ends)
    return [
        (a, b, score)
        for a, b, score in zip(scored["a"], scored["b"], scored["score"], strict=True)
        if a in wanted and b in wanted
    ]


def _passage_record(passage: Passage, anchors: Anchors, outlets: dict[str, int]) -> Record:
    return {
        "passage": to_record(passage),
        "anchors": to_record(anchors.get(passage.id)),
        "outlet": outlets[passage.outlet],
    }


def _passage_of(record: Record) -> tuple[Passage, PassageAnchors]:
    return from_record(Passage, record["passage"]), from_record(PassageAnchors, record["anchors"])


def _pick(value: Any, key: Any) -> Any:
    return value[key]


def _sides(scored: Record, part: int) -> Record:
    return scored["sides"][part]  # type: ignore[no-any-return]


def _bucket(indexed: Record, bucket: int) -> Record:
    return indexed["buckets"][bucket]  # type: ignore[no-any-return]


def _request(deduped: Record, part: int) -> list[int]:
    return deduped["requests"][part]  # type: ignore[no-any-return]


def _pair_count(deduped: Record) -> int:
    return len(deduped["pairs"])


def _bucket_of(token: str, buckets: int) -> int:
    # crc32, not hash(): str hashes differ from process to process.
    return zlib.crc32(token.encode()) % buckets


_VOCABULARY: dict[str, Vocabulary] = {}


def _vocabulary(counts: Record) -> Vocabulary:
    """The run's vocabulary, built once per worker process from the summed counts."""
    run = counts["run"]
    if run not in _VOCABULARY:
        _VOCABULARY.clear()
        _VOCABULARY[run] = Vocabulary.from_counts(counts["df"], counts["size"])
    return _VOCABULARY[run]


def _by_chars(records: list[Record]) -> list[list[Record]]:
    """Consecutive articles in partitions of at most READ_CHARS_PER_PARTITION characters
    (an article longer than that alone)."""
    parts: list[list[Record]] = []
    held = 0
    for record in records:
        chars = len(record["text"])
        if not parts or held + chars > READ_CHARS_PER_PARTITION:
            parts.append([])
            held = 0
        parts[-1].append(record)
        held += chars
    return parts


class _Run:
    """The tasks of one engine call, and their progress on stderr (tasks done / total).

    It holds each task's future only until the task and all the tasks that need it are done,
    so that the workers drop a stage's records as soon as the next stage has read them.
    """

    def __init__(self, client: Client, name: str, progress: Progress | None) -> None:
        self.client = client
        self.name = name
        self.say = progress or _quiet
        self.total = 0
        self.done = 0
        self.held: dict[str, Future[Any]] = {}
        self.needs: dict[str, list[str]] = {}
        self.waiting: dict[str, int] = {}  # key -> its dependents not done yet
        self.finished: set[str] = set()
        self.said = ""

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self.client.submit(function, *args, pure=False, retries=RETRIES)
        key = str(future.key)
        self.total += 1
        self.held[key] = future
        self.needs[key] = [str(f.key) for f in _futures(args)]
        self.waiting[key] = 0
        for need in self.needs[key]:
            self.waiting[need] = self.waiting.get(need, 0) + 1
        return future

    def gather(self, futures: list[Future[Any]]) -> list[Any]:
        """Wait for ``futures`` (and what they need), saying how many tasks are done."""
        from distributed import as_completed

        wanted = {str(f.key) for f in futures} - self.finished
        last = time.monotonic()
        pending = [f for k, f in self.held.items() if k not in self.finished]
        for future in as_completed(pending):
            if future.status == "error":
                future.result()  # raises the task's exception (a BriefingError stays one)
            key = str(future.key)
            self.done += 1
            self.finished.add(key)
            for need in self.needs.pop(key, []):
                self.waiting[need] -= 1
                self._release(need)
            self._release(key)
            wanted.discard(key)
            if time.monotonic() - last >= PROGRESS_EVERY_SECONDS:
                self._report()
                last = time.monotonic()
            if not wanted:
                break
        self._report()
        return list(self.client.gather(futures))

    def _report(self) -> None:
        message = f"dask: {self.name} {self.done}/{self.total} tasks done"
        if message != self.said:
            self.say(message)
            self.said = message

    def _release(self, key: str) -> None:
        if key in self.finished and self.waiting.get(key, 0) <= 0:
            self.held.pop(key, None)
            self.waiting.pop(key, None)


def _futures(value: Any) -> Iterator[Future[Any]]:
    """The futures among a task's arguments, nested in lists and tuples too."""
    from distributed import Future

    if isinstance(value, Future):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _futures(item)


@contextmanager
def _errors() -> Iterator[None]:
    """Dask's failures as one-line EngineErrors; a task's own BriefingError passes through."""
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError

    try:
        yield
    except KilledWorker as exc:
        raise EngineError(
            f"a Dask worker died running {_task_name(exc)} (Dask retried it on other workers); "
            "see the worker's log, and give workers more memory (dask worker --memory-limit)"
        ) from None
    except (FutureCancelledError, OSError, TimeoutError) as exc:
        raise EngineError(
            "the Dask cluster lost work in progress (a worker died or the scheduler went away: "
            f"{_reason(exc)}); check the workers' logs and memory (dask worker --memory-limit), "
            "then run again"
        ) from None


def _address(client: Client) -> str:
    return str(client.scheduler_info(n_workers=0)["address"])


def _task_name(exc: BaseException) -> str:
    task = getattr(exc, "task", None) or (exc.args[0] if exc.args else "a task")
    return str(task).split("-")[0].lstrip("_") or "a task"


def _reason(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0] or type(exc).__name__
