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
6. links, in this process: from the pairs that may link (mutual or strong; a few per passage),
   those whose articles are not apart, with no component of more than ``linking.COMPONENT_CAP``
   passages (``linking.links``), and the link graph's connected components
   (``linking.components``), packed into batches of about a partition's passages.
7. group: each batch's merges run on a worker (``linking.merged``), with the batch's passages,
   links and the scored pairs among them, which the scoring tasks still hold; then the batch's
   groups take the passages in no link they vouch for (``linking.vouched``, ``linking.attached``):
   each passage whose best linked partner (``linking.partners``, reduced over the scoring tasks)
   is in the batch goes to it as a guest, with its scored pairs there, so that each batch
   decides alone. The groups come back in columns (``_group``); this process
   numbers the clusters (``linking.aligned``). No process holds every scored pair; this one
   holds the passages, which the alignment returns, the links and the nearest matches.

Between stages, pieces go partition to partition by shuffle (``_Run.route``: direct, or in two
stages for many partitions). No task holds more than a partition's passages or a bucket's
postings. Data moves between tasks as plain records (lists and dicts of strings, numbers and
tuples), never as pipeline objects.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import math
import os
import time
import typing
import uuid
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

import briefing.text
from briefing.align import alignment, linking
from briefing.align.anchors import NONE, Anchors, PassageAnchors
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
# Passages per partition. At 20,000 a scoring task holds about 80,000 pairs; the shuffles' tasks
# grow as partitions^1.5 (STAGED_FROM), so a corpus of millions wants larger partitions (see the
# README).
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
# Merging runs by connected component of the link graph, in batches of components: a few a
# worker, so that one large component does not hold the others back, and more as the corpus
# grows, so that a batch holds about a partition's passages (``_batches``) unless one component
# alone is larger: a merge task's memory then stays flat with the corpus.
BATCHES_PER_WORKER = 4
# A shuffle sends each of S sources' pieces to each of D destinations: S x D small tasks when
# routed directly. Past this many it routes in two stages through about sqrt(S) x sqrt(D)
# exchanges (``_Run.route``), about S x sqrt(D) + D x sqrt(S) tasks: at 1,600 partitions
# (a million articles) 131,000 tasks a shuffle instead of 2.6 million (bench/dask_scaling.py).
# The pieces reach each destination in the same order either way, so the results are the same.
STAGED_FROM = 1_024
PROGRESS_EVERY_SECONDS = 2.0
# A worker past its memory limit's pause threshold (distributed.worker.memory.pause, 80 %) starts
# no task until it has spilled enough to disk; when every worker stays paused with no task done or
# running for this long, the run cannot go on, so it ends with one line instead of waiting forever.
PAUSED_GIVE_UP_SECONDS = 120.0
WAIT_SECONDS = 0.1  # how long the progress loop sleeps while no task is done

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
    staged_from: int = STAGED_FROM,
) -> Alignment:
    """``alignment.align`` with the index and the pair scoring run by partition on the cluster;
    shuffles of ``staged_from`` source-destination pairs or more route in two stages."""
    passages = tuple(passages)
    found = anchors or Anchors()
    if not passages:
        return alignment.align(passages, anchors=found)
    codes = {outlet: code for code, outlet in enumerate(sorted({p.outlet for p in passages}))}
    rarities: list[Mapping[str, float]] = []
    packed = [
        _pack(passages[start : start + partition_size], found, codes, rarities)
        for start in range(0, len(passages), partition_size)
    ]
    with session(scheduler, progress=progress) as client, _errors():
        run = _Run(client, "align", progress, staged_from=staged_from)
        records = client.scatter(packed)
        # The corpus's rarity mappings (one, shared by every passage's anchors) go to each worker once.
        [rarity] = client.scatter([rarities], broadcast=True)
        counts, scored = _index_and_score(run, records, rarity, partition_size)
        # Here and below, a stage's futures are let go as soon as its tasks are submitted or
        # gathered: _Run holds them only until the tasks that need them are done, so the workers
        # drop them then, not when the run ends. Held to the end, the records, the bests and the
        # scored pairs (with their sides) sat on every worker through the group stage.
        del records
        best = [
            run.submit(_gathered, _best, (), *bundles) for bundles in run.route(scored, _sides, len(packed))
        ]
        nearest, candidates = _linkable(run.gather(best))
        del best
        total = run.gather([counts])[0]
        units = Units.of(passages, found, Vocabulary.from_counts(total["df"], total["size"]))
        links = linking.links(units, candidates, {})
        workers = len(client.scheduler_info(n_workers=-1)["workers"])
        batches = _batches(linking.components(links), workers, partition_size)
        guests = _guests(run, scored, batches)
        among = _among_of(run, scored, batches, guests)
        del scored
        groups = _groups_of(
            run,
            among,
            counts,
            rarity,
            links,
            batches,
            [
                _pack([passages[m] for m in rows], found, codes, rarities)
                | {"index": array("q", rows)}
                | _partner_columns(guests[k])
                for k, members in enumerate(batches)
                for rows in [sorted([*members, *guests[k]])]
            ],
        )
    return linking.aligned(passages, groups, nearest)


def _guests(
    run: _Run, scored: list[Future[Any]], batches: list[list[int]]
) -> list[dict[int, tuple[float, int]]]:
    """For each batch, the passages in no link that its groups may vouch for (linking.vouched):
    each one whose best linked partner (``linking.partners``, reduced over the scoring tasks) is
    in the batch, with that partner, so that the batch decides alone as the local engine does."""
    if not batches:
        return []
    batch_of = {m: k for k, members in enumerate(batches) for m in members}
    [linked] = run.client.scatter([array("q", sorted(batch_of))], broadcast=True)
    found = linking.best_partners(
        *(_partners_of(part) for part in run.gather([run.submit(_partners, s, linked) for s in scored]))
    )
    guests: list[dict[int, tuple[float, int]]] = [{} for _ in batches]
    # Only the partner's score is tested here: the rest is the batch's (linking.vouched), since
    # reading every guest's words in this process would keep them all (text.words' cache).
    for x, (score, m) in sorted(found.items()):
        if score >= linking.VOUCH_MIN:
            guests[batch_of[m]][x] = (score, m)
    return guests


def _partner_columns(found: Mapping[int, tuple[float, int]]) -> Record:
    """Passages and their best linked partners (x -> (score, m)) in columns, as a ``_partners``
    task returns them and as a batch's guests travel beside its passages (``_partners_of``)."""
    return {
        "guest": array("q", found),
        "partner": array("q", [m for _, m in found.values()]),
        "guest_score": array("d", [score for score, _ in found.values()]),
    }


def _partners_of(columns: Record) -> dict[int, tuple[float, int]]:
    """The passages and partners of ``_partner_columns``."""
    return dict(
        zip(columns["guest"], zip(columns["guest_score"], columns["partner"], strict=True), strict=True)
    )


def _among_of(
    run: _Run, scored: list[Future[Any]], batches: list[list[int]], guests: list[dict[int, tuple[float, int]]]
) -> list[Future[Any]]:
    """Each scoring task's pairs among each batch's passages and guests (``_among``)."""
    if not batches:
        return []
    batch_of = {m: k for k, members in enumerate(batches) for m in members}
    batch_of.update((x, k) for k, held in enumerate(guests) for x in held)
    [where] = run.client.scatter(
        [{"members": array("q", batch_of), "batches": array("q", batch_of.values())}], broadcast=True
    )
    return [run.submit(_among, s, where, len(batches)) for s in scored]


def _groups_of(
    run: _Run,
    among: list[Future[Any]],
    counts: Future[Any],
    rarity: Future[Any],
    links: list[tuple[float, int, int]],
    batches: list[list[int]],
    rows: list[Record],
) -> list[linking.Group]:
    """Stage 7: each batch of components grouped on a worker, with its passages (``rows``), its
    links (in the order of ``links``) and the scored pairs among its passages (``among``)."""
    if not batches:
        return []
    batch_of = {m: k for k, members in enumerate(batches) for m in members}
    batch_links = [_columns(score="d", i="q", j="q") for _ in batches]
    for score, i, j in links:
        columns = batch_links[batch_of[i]]
        columns["score"].append(score)
        columns["i"].append(i)
        columns["j"].append(j)
    # Each batch's record goes to the workers by scatter, not inside its task: in the graph, the
    # scheduler would hold every batch's passages until its task runs.
    records = run.client.scatter([rows[k] | batch_links[k] for k in range(len(batches))])
    del rows, batch_links
    futures = [
        run.submit(_gathered, _group, (counts, rarity, records[k]), *bundles)
        for k, bundles in enumerate(run.route(among, _pick, len(batches)))
    ]
    del records
    return [group for result in run.gather(futures) for group in _grouped(result)]


def _batches(components: list[list[int]], workers: int, size: int) -> list[list[int]]:
    """The components in BATCHES_PER_WORKER batches a worker, or one batch for each ``size``
    passages they hold if that makes more (fewer when there are fewer components), the heaviest
    first into the lightest batch; a component weighs its size squared (merging compares groups
    pairwise). A component is never split: ``linking.links`` bounds them (COMPONENT_CAP)."""
    held = sum(map(len, components))
    count = max(1, min(len(components), max(BATCHES_PER_WORKER * workers, -(-held // size))))
    batches: list[list[int]] = [[] for _ in range(count)]
    weights = [0] * count
    for members in sorted(components, key=len, reverse=True):
        k = weights.index(min(weights))
        batches[k].extend(members)
        weights[k] += len(members) ** 2
    return [sorted(members) for members in batches if members]


def _linkable(parts: list[Record]) -> tuple[dict[int, tuple[float, int]], list[tuple[float, int, int]]]:
    """Each passage's nearest match, and the pairs that may link, from the partitions' bests."""
    nearest: dict[int, tuple[float, int]] = {}
    for part in parts:
        nearest.update(part["nearest"])
    return nearest, linking.candidates(side for part in parts for side in part["sides"])


def _index_and_score(
    run: _Run, records: list[Future[Any]], rarity: Future[Any], size: int
) -> tuple[Future[Any], list[Future[Any]]]:
    """Stages 1 to 4 on the cluster: the summed document frequencies and the scored pairs (i < j),
    left on the workers."""
    parts = len(records)
    starts = [k * size for k in range(parts)]
    prepared = [run.submit(_prepare, part, rarity) for part in records]
    counts = _tree(run, [run.submit(_pick, p, "counts") for p in prepared], uuid.uuid4().hex)
    indexed = [
        run.submit(_index, part, prepared[k], counts, starts[k], parts) for k, part in enumerate(records)
    ]
    del prepared
    answers = [
        run.submit(_gathered, _answer, (counts, size, parts), *bundles)
        for bundles in run.route(indexed, _bucket, parts)
    ]
    chosen = [
        run.submit(_gathered, _choose, (size, parts, run.submit(_pick, indexed[k], "probes")), *bundles)
        for k, bundles in enumerate(run.route(answers, _pick, parts))
    ]
    del indexed, answers
    deduped = [
        run.submit(_gathered, _dedupe, (size, parts), *bundles) for bundles in run.route(chosen, _pick, parts)
    ]
    del chosen
    sent = [
        run.submit(_gathered, _send, (records[s], starts[s]), *bundles)
        for s, bundles in enumerate(run.route(deduped, _request, parts))
    ]
    # Each scoring task scores either all the pairs or at least BATCH_FROM of them, so that
    # pairs.probabilities takes the same path (one by one, or rapidfuzz's batch) as the local
    # engine's single call, and every score is the same float.
    sizes = run.gather([run.submit(_pair_count, d) for d in deduped])
    received = run.route(sent, _pick, parts)
    scored = [
        run.submit(
            _score,
            counts,
            rarity,
            size,
            parts,
            [(starts[k], records[k], deduped[k], received[k]) for k in group],
        )
        for group in _groups(sizes)
    ]
    del sent, deduped, received
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
T = TypeVar("T")


def _task(function: F) -> F:
    """Run a task with the cyclic garbage collector off, as alignment.align does (a task builds
    hundreds of thousands of small objects and no cycles; the collector would rescan them all),
    and let go of the passages' words it read (``text.words`` caches a million passages: in one
    command that serves every stage, but a worker would keep every partition it ever read, 1.9 GB
    a worker after 30,000 synthetic articles on two, where the records it held were 34 MB)."""

    @functools.wraps(function)
    def run(*args: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args)
        finally:
            briefing.text.words.cache_clear()
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
def _prepare(part: Record, rarities: list[Mapping[str, float]]) -> Record:
    found = _anchors(part, rarities)
    # Each passage's distinct index tokens (all that _index reads of them), as codes into the
    # partition's own words: they wait on the workers until every partition's counts are summed,
    # and codes in one array hold a tenth of what a list of strings per passage does.
    distinct = [
        set(alignment.prepare_text(text, anchors)[1])
        for text, anchors in zip(part["text"], found, strict=True)
    ]
    df: Counter[str] = Counter()
    for tokens in distinct:
        df.update(tokens)
    return {"tokens": _coded(distinct), "counts": {"df": dict(df), "size": len(distinct)}}


def _coded(lists: Iterable[Iterable[str]]) -> Record:
    """Lists of tokens as codes into their distinct words, in one array with where each list
    ends (``_decoded`` reads them back)."""
    code_of: dict[str, int] = {}
    codes, ends = array("l"), array("q")
    for tokens in lists:
        codes.extend(code_of.setdefault(token, len(code_of)) for token in tokens)
        ends.append(len(codes))
    return {"words": list(code_of), "codes": codes, "ends": ends}


def _decoded(coded: Record) -> Iterator[list[str]]:
    """Each list of tokens of ``_coded``, in order."""
    words, codes, start = coded["words"], coded["codes"], 0
    for end in coded["ends"]:
        yield [words[c] for c in codes[start:end]]
        start = end


def _sum_counts(run: str, *parts: Record) -> Record:
    df: Counter[str] = Counter()
    for part in parts:
        df.update(part["df"])
    return {"df": dict(df), "size": sum(part["size"] for part in parts), "run": run}


@_task
def _index(part: Record, prepared: Record, counts: Record, start: int, buckets: int) -> Record:
    vocabulary = _vocabulary(counts)
    cap = alignment.df_cap(counts["size"])
    # Columns, not rows: a bucket's postings are a few arrays that pickle as buffers.
    postings = [_columns("tokens", passages="q", outlets="l", limits="d") for _ in range(buckets)]
    requests = [_columns("tokens", passages="q") for _ in range(buckets)]
    # Each passage's probe in columns, its tokens coded: they wait on the workers until every
    # bucket has answered, and a tuple and a list of strings per passage are many small objects
    # that, freed, leave the worker's heap fragmented.
    probes = _columns(passages="q", outlets="l", limits="d")
    probed: list[list[str]] = []
    distinct = _decoded(prepared["tokens"])
    for offset, (code, tokens) in enumerate(zip(part["outlet"], distinct, strict=True)):
        eligible = alignment.eligible_tokens(tokens, vocabulary, cap)
        if not eligible:
            continue
        i = start + offset
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
        probes["passages"].append(i)
        probes["outlets"].append(code)
        probes["limits"].append(limit)
        probed.append(probe)
    probes["tokens"] = _coded(probed)
    return {
        "buckets": [{"postings": postings[b], "requests": requests[b]} for b in range(buckets)],
        "probes": probes,
    }


def _columns(*lists: str, **arrays: str) -> Record:
    """Empty columns: lists by name, and typed arrays by name with their type codes (q: a
    position, l: an outlet's code, d: a float), which pickle as buffers."""
    return {name: [] for name in lists} | {name: array(code) for name, code in arrays.items()}


@_task
def _answer(counts: Record, size: int, parts: int, *buckets: Record) -> list[Record]:
    vocabulary = _vocabulary(counts)
    # Buckets come in partition order, so each token's postings are in passage order.
    rows: dict[str, list[int]] = {}
    outlet_of: dict[int, int] = {}
    limit_of: dict[int, float] = {}
    for bucket in buckets:
        column = bucket["postings"]
        for token, i in zip(column["tokens"], column["passages"], strict=True):
            row = rows.get(token)
            if row is None:
                row = rows[token] = []
            row.append(i)
        outlet_of.update(zip(column["passages"], column["outlets"], strict=True))
        limit_of.update(zip(column["passages"], column["limits"], strict=True))
    # Each partition's answer in columns: its tokens, their IDF, where each token's postings end
    # in the passages column (a few arrays, not an object per token); and once for each passage
    # the postings name, its outlet and overlap limit (a passage is in the postings of many of a
    # partition's tokens: 8 bytes an entry and 24 a passage, where they would be 24 an entry).
    answers = [_columns("tokens", idf="d", ends="q", passages="q") for _ in range(parts)]
    answered: list[set[str]] = [set() for _ in range(parts)]
    for bucket in buckets:
        column = bucket["requests"]
        for token, i in zip(column["tokens"], column["passages"], strict=True):
            k = i // size
            if token in answered[k]:
                continue
            answered[k].add(token)
            answer = answers[k]
            answer["passages"].extend(rows[token])
            answer["tokens"].append(token)
            answer["idf"].append(vocabulary.idf(token))
            answer["ends"].append(len(answer["passages"]))
    for answer in answers:
        named = np.unique(np.frombuffer(answer["passages"], dtype=np.int64)).tolist()
        answer["named"] = array("q", named)
        answer["outlets"] = array("l", map(outlet_of.__getitem__, named))
        answer["limits"] = array("d", map(limit_of.__getitem__, named))
    return answers


@_task
def _choose(size: int, parts: int, probes: Record, *answers: Record) -> list[Record]:
    table: dict[str, tuple[float, array[int]]] = {}
    outlet_of: dict[int, int] = {}
    limit_of: dict[int, float] = {}
    for answer in answers:
        js, start = answer["passages"], 0
        for token, idf, end in zip(answer["tokens"], answer["idf"], answer["ends"], strict=True):
            table[token] = (idf, js[start:end])
            start = end
        outlet_of.update(zip(answer["named"], answer["outlets"], strict=True))
        limit_of.update(zip(answer["named"], answer["limits"], strict=True))
    out = [_columns(a="q", b="q") for _ in range(parts)]
    for i, outlet, limit, probe in zip(
        probes["passages"], probes["outlets"], probes["limits"], _decoded(probes["tokens"]), strict=True
    ):
        weights = alignment.accumulate(table[token] for token in probe)
        for j in alignment.kept_candidates(
            weights, outlet=outlet, limit=limit, outlets=outlet_of, limits=limit_of
        ):
            a, b = min(i, j), max(i, j)
            out[a // size]["a"].append(a)
            out[a // size]["b"].append(b)
    return out


@_task
def _dedupe(size: int, parts: int, *chosen: Record) -> Record:
    pairs = sorted({pair for part in chosen for pair in zip(part["a"], part["b"], strict=True)})
    need: list[set[int]] = [set() for _ in range(parts)]
    for a, b in pairs:
        if b // size != a // size:
            need[b // size].add(b)
    return {
        "a": array("q", [a for a, _ in pairs]),
        "b": array("q", [b for _, b in pairs]),
        "requests": [array("q", sorted(n)) for n in need],
    }


def _send(part: Record, start: int, *requests: array[int]) -> list[Record]:
    """For each partition, the passages of this one that its pairs need (columns, as _pack's)."""
    return [_subset(part, [b - start for b in wanted]) | {"index": wanted} for wanted in requests]


@_task
def _score(
    counts: Record,
    rarities: list[Mapping[str, float]],
    size: int,
    parts: int,
    group: list[tuple[int, Record, Record, list[list[Record]]]],
) -> Record:
    """The group's pairs scored, and each pair seen from both ends, sent to each end's partition
    (x, y, score, y's outlet code) for its best matches."""
    vocabulary = _vocabulary(counts)
    where: dict[int, tuple[Record, int]] = {}  # passage -> (the columns holding it, its row)
    pairs: list[tuple[int, int]] = []
    for start, part, deduped, received in group:
        where.update((start + n, (part, n)) for n in range(len(part["text"])))
        for sent in itertools.chain.from_iterable(received):
            where.update((i, (sent, n)) for n, i in enumerate(sent["index"]))
        pairs.extend(zip(deduped["a"], deduped["b"], strict=True))
    found: dict[int, list[PassageAnchors]] = {}  # id of the columns -> their anchors
    profiles: dict[int, Profile] = {}

    def profile(i: int) -> Profile:
        if i not in profiles:
            columns, n = where[i]
            held = found.get(id(columns))
            if held is None:
                held = found[id(columns)] = _anchors(columns, rarities)
            parsed, _ = alignment.prepare_text(columns["text"][n], held[n])
            profiles[i] = alignment.profile(parsed, vocabulary, held[n])
        return profiles[i]

    def outlet(i: int) -> int:
        columns, n = where[i]
        return columns["outlet"][n]  # type: ignore[no-any-return]

    scores = alignment.score([(profile(a), profile(b)) for a, b in pairs], vocabulary)
    xs, ys = [array("q") for _ in range(parts)], [array("q") for _ in range(parts)]
    by, outlets = [array("d") for _ in range(parts)], [array("l") for _ in range(parts)]
    for (a, b), score in zip(pairs, scores, strict=True):
        for x, y in ((a, b), (b, a)):
            k = x // size
            xs[k].append(x)
            ys[k].append(y)
            by[k].append(score)
            outlets[k].append(outlet(y))
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


@_task
def _partners(scored: Record, linked: array[int]) -> Record:
    """``linking.partners`` of one scoring task's pairs, in columns."""
    pairs = zip(zip(scored["a"], scored["b"], strict=True), scored["score"], strict=True)
    return _partner_columns(linking.partners(pairs, set(linked)))


def _among(scored: Record, where: Record, batches: int) -> list[Record]:
    """For each batch of components, the scored pairs with both passages in it (``where``: the
    batched passages and their batches); merges look them up."""
    batch_of = dict(zip(where["members"], where["batches"], strict=True))
    out = [_columns(a="q", b="q", score="d") for _ in range(batches)]
    for a, b, score in zip(scored["a"], scored["b"], scored["score"], strict=True):
        k = batch_of.get(a)
        if k is not None and batch_of.get(b) == k:
            out[k]["a"].append(a)
            out[k]["b"].append(b)
            out[k]["score"].append(score)
    return out


@_task
def _group(counts: Record, rarities: list[Mapping[str, float]], batch: Record, *among: Record) -> Record:
    """The groups of one batch of components (``linking.merged``, then the guests they vouch for
    joined), in columns (``_grouped`` reads them back).

    One batch may hold most of the run's linked passages: on the synthetic corpora one component
    of the link graph joins 59 % of the passages (190,188 of 320,316 at 10,000 articles), and a
    component cannot be split. So the batch's scored pairs stay in typed arrays (``_PairScores``)
    and each group is packed as ``linking.described`` lists it, never all of them as objects."""
    row = {i: n for n, i in enumerate(batch["index"])}
    units = Units(
        _ByPosition(row, batch["text"]),
        _ByPosition(row, batch["outlet"]),
        _ByPosition(row, _anchors(batch, rarities)),
        _vocabulary(counts),
    )
    scores = _PairScores(among)
    links = zip(batch["score"], batch["i"], batch["j"], strict=True)  # read once, in order
    members = linking.merged(units, links, scores)
    proposals = linking.vouched(units, members, scores, _partners_of(batch))
    return _packed_groups(
        linking.described(units, linking.attached(units, members, scores, proposals), scores)
    )


class _ByPosition(Mapping[int, T]):
    """A batch's column by passage position, through one row index that its columns share (a dict
    a column would cost 16 MB for the 190,188 passages of the 10,000-article run's largest batch)."""

    def __init__(self, row: dict[int, int], column: Sequence[T]) -> None:
        self._row = row
        self._column = column

    def __getitem__(self, position: int) -> T:
        return self._column[self._row[position]]

    def __iter__(self) -> Iterator[int]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)


def _packed_groups(groups: Iterable[linking.Group]) -> Record:
    """Groups in columns: the members, the pairs (x, y, score) and each pair's shared words joined
    by spaces (words are whitespace-split, so none holds one); ``ends`` and ``pair_ends`` say where
    each group's members and pairs end."""
    out = _columns("words", members="q", ends="q", x="q", y="q", score="d", pair_ends="q")
    for members, pairs in groups:
        out["members"].extend(members)
        out["ends"].append(len(out["members"]))
        for x, y, score, shared in pairs:
            out["x"].append(x)
            out["y"].append(y)
            out["score"].append(score)
            out["words"].append(" ".join(shared))
        out["pair_ends"].append(len(out["x"]))
    return out


def _grouped(packed: Record) -> Iterator[linking.Group]:
    """The groups of ``_packed_groups``, as ``linking.described`` gives them."""
    start = first = 0
    for end, last in zip(packed["ends"], packed["pair_ends"], strict=True):
        pairs = zip(
            packed["x"][first:last], packed["y"][first:last], packed["score"][first:last],
            packed["words"][first:last], strict=True,
        )  # fmt: skip
        yield (
            tuple(packed["members"][start:end]),
            tuple((x, y, score, tuple(words.split(" ")) if words else ()) for x, y, score, words in pairs),
        )
        start, first = end, last


class _PairScores:
    """A batch's scored pairs as merges read them (``linking.PairScores``): each pair (a, b) one
    key a << 32 | b in a sorted typed array, its score beside it; the pairs that merges score
    besides in a dict. Positions stay under 2**32. Measured with tracemalloc: 17 bytes a pair
    against 185 in a dict of tuples, so 18 MB, not 200, for the 1,086,795 pairs of the
    10,000-article run's largest component; its merges ran 5 to 15 % slower (bisect, not hash)."""

    def __init__(self, pieces: Iterable[Record]) -> None:
        keys, values = array("q"), array("d")
        for piece in pieces:
            keys.extend(a << 32 | b for a, b in zip(piece["a"], piece["b"], strict=True))
            values.extend(piece["score"])
        # The pieces come in scoring order, which is pair order; sorted here in case they do not.
        if any(k >= after for k, after in itertools.pairwise(keys)):
            order = sorted(range(len(keys)), key=keys.__getitem__)
            keys, values = array("q", [keys[n] for n in order]), array("d", [values[n] for n in order])
        self._keys = keys
        self._values = values
        self._added: dict[tuple[int, int], float] = {}

    def _find(self, key: tuple[int, int]) -> int | None:
        packed = key[0] << 32 | key[1]
        n = bisect.bisect_left(self._keys, packed)
        return n if n < len(self._keys) and self._keys[n] == packed else None

    def get(self, key: tuple[int, int]) -> float | None:
        n = self._find(key)
        return self._added.get(key) if n is None else self._values[n]

    def __setitem__(self, key: tuple[int, int], value: float) -> None:
        n = self._find(key)
        if n is None:
            self._added[key] = value
        else:
            self._values[n] = value


def _pack(
    passages: Sequence[Passage], anchors: Anchors, codes: dict[str, int], rarities: list[Mapping[str, float]]
) -> Record:
    """A partition's passages as the tasks need them, in columns: text, outlet code and anchors
    (names, figures, speakers, indices into the partition's article contexts and into
    ``rarities``, the run's rarity mappings, which it extends, the article's subject and an index
    into its articles' name words; None for a passage without)."""
    contexts: dict[frozenset[str], int] = {}
    named: dict[frozenset[str], int] = {}
    rows: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], int, int, str, int] | None] = []
    for p in passages:
        found = anchors.get(p.id)
        if found is NONE:
            rows.append(None)
            continue
        rarity = next((n for n, r in enumerate(rarities) if r is found.rarity), None)
        if rarity is None:
            rarity = len(rarities)
            rarities.append(found.rarity)
        context = contexts.setdefault(found.context, len(contexts))
        words = named.setdefault(found.named, len(named))
        rows.append((found.names, found.figures, found.speakers, context, rarity, found.subject, words))
    return {
        "text": [p.text for p in passages],
        "outlet": array("l", [codes[p.outlet] for p in passages]),
        "anchors": rows,
        "contexts": [sorted(c) for c in contexts],
        "named": [sorted(n) for n in named],
    }


def _subset(part: Record, rows: Sequence[int]) -> Record:
    """Some rows of _pack's columns, in _pack's form."""
    contexts: dict[int, int] = {}
    named: dict[int, int] = {}
    anchors = []
    for n in rows:
        row = part["anchors"][n]
        if row is not None:
            row = (
                *row[:3],
                contexts.setdefault(row[3], len(contexts)),
                row[4],
                row[5],
                named.setdefault(row[6], len(named)),
            )
        anchors.append(row)
    return {
        "text": [part["text"][n] for n in rows],
        "outlet": array("l", [part["outlet"][n] for n in rows]),
        "anchors": anchors,
        "contexts": [part["contexts"][c] for c in contexts],
        "named": [part["named"][w] for w in named],
    }


def _anchors(part: Record, rarities: list[Mapping[str, float]]) -> list[PassageAnchors]:
    """The rows' anchors back, each article's context (and name words) one frozenset shared by
    its passages."""
    contexts = [frozenset(c) for c in part["contexts"]]
    named = [frozenset(n) for n in part["named"]]
    return [
        NONE
        if row is None
        else PassageAnchors(
            names=row[0],
            figures=row[1],
            speakers=row[2],
            context=contexts[row[3]],
            rarity=rarities[row[4]],
            subject=row[5],
            named=named[row[6]],
        )
        for row in part["anchors"]
    ]


def _pick(value: Any, key: Any) -> Any:
    return value[key]


def shuffle_tasks(sources: int, destinations: int, staged_from: int = STAGED_FROM) -> int:
    """The routing tasks of one shuffle (``_Run.route``), for the scaling estimate."""
    if sources * destinations < staged_from:
        return sources * destinations
    width, across = _widths(sources, destinations)
    groups, blocks = -(-destinations // width), -(-sources // across)
    return sources * groups + groups * blocks + destinations * blocks


def _widths(sources: int, destinations: int) -> tuple[int, int]:
    """Destinations a group and sources a group in a two-stage shuffle: about their square roots."""
    return math.isqrt(destinations - 1) + 1, math.isqrt(sources - 1) + 1


def _gathered(function: Callable[..., Any], fixed: tuple[Any, ...], *bundles: list[Any]) -> Any:
    """``function(*fixed, *pieces)``, the pieces being the bundles' (``_Run.route``) in order."""
    return function(*fixed, *itertools.chain.from_iterable(bundles))


def _pieces(source: Any, pick: Callable[[Any, int], Any], start: int, stop: int) -> list[Any]:
    """One source's pieces for destinations ``start`` to ``stop``."""
    return [pick(source, d) for d in range(start, stop)]


def _exchange(*pieces: list[Any]) -> list[list[Any]]:
    """Some sources' pieces (each a list over the same destinations) as, for each destination,
    its piece from each source, in source order."""
    return [list(column) for column in zip(*pieces, strict=True)]


def _sides(scored: Record, part: int) -> Record:
    return scored["sides"][part]  # type: ignore[no-any-return]


def _bucket(indexed: Record, bucket: int) -> Record:
    return indexed["buckets"][bucket]  # type: ignore[no-any-return]


def _request(deduped: Record, part: int) -> list[int]:
    return deduped["requests"][part]  # type: ignore[no-any-return]


def _pair_count(deduped: Record) -> int:
    return len(deduped["a"])


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

    def __init__(
        self, client: Client, name: str, progress: Progress | None, *, staged_from: int = STAGED_FROM
    ) -> None:
        self.client = client
        self.staged_from = staged_from
        self.name = name
        self.say = progress or _quiet
        self.total = 0
        self.done = 0
        self.held: dict[str, Future[Any]] = {}
        self.needs: dict[str, list[str]] = {}
        self.waiting: dict[str, int] = {}  # key -> its dependents not done yet
        self.finished: set[str] = set()
        self.said = ""
        self.paused_since: float | None = None  # when every worker was first seen paused

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        # Tasks are named by what they run (a gathering task by the function it gathers for),
        # as the task stream and the dashboard show them.
        named = args[0] if function is _gathered else function
        key = f"{named.__name__}-{uuid.uuid4().hex}"
        future = self.client.submit(function, *args, key=key, pure=False, retries=RETRIES)
        self.total += 1
        self.held[key] = future
        self.needs[key] = [str(f.key) for f in _futures(args)]
        self.waiting[key] = 0
        for need in self.needs[key]:
            self.waiting[need] = self.waiting.get(need, 0) + 1
        return future

    def route(
        self, sources: Sequence[Future[Any]], pick: Callable[[Any, int], Any], destinations: int
    ) -> list[list[Future[Any]]]:
        """A shuffle: for each destination d, the bundles (futures of lists of pieces) that hold
        ``pick(source, d)`` of every source, in source order (``_gathered`` flattens them).
        Direct when there are fewer than STAGED_FROM source-destination pairs; otherwise in two
        stages: each source's pieces by group of destinations, exchanged within groups of sources."""
        if len(sources) * destinations < self.staged_from:
            return [[self.submit(_pieces, s, pick, d, d + 1) for s in sources] for d in range(destinations)]
        width, across = _widths(len(sources), destinations)
        routed: list[list[Future[Any]]] = [[] for _ in range(destinations)]
        for start in range(0, destinations, width):
            stop = min(destinations, start + width)
            pieces = [self.submit(_pieces, s, pick, start, stop) for s in sources]
            for first in range(0, len(sources), across):
                exchanged = self.submit(_exchange, *pieces[first : first + across])
                for d in range(start, stop):
                    routed[d].append(self.submit(_pick, exchanged, d - start))
        return routed

    def gather(self, futures: list[Future[Any]]) -> list[Any]:
        """Wait for ``futures`` (and what they need), saying how many tasks are done."""
        from distributed import as_completed

        wanted = {str(f.key) for f in futures} - self.finished
        last = time.monotonic()
        # The futures go to as_completed alone, which lets go of each as it completes: a list of
        # them kept here would hold every stage's records on the workers until this call returns.
        pending = as_completed([f for k, f in self.held.items() if k not in self.finished])
        while wanted and not pending.is_empty():
            ready = pending.next_batch(block=False)
            for future in ready:
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
            if ready:
                self.paused_since = None
            else:
                time.sleep(WAIT_SECONDS)
            if time.monotonic() - last >= PROGRESS_EVERY_SECONDS:
                self._report()
                if not ready:
                    self._watch()
                last = time.monotonic()
        self._report()
        return list(self.client.gather(futures))

    def _watch(self, now: float | None = None) -> None:
        """Say when every worker is paused at its memory limit, and end the run when they stay
        paused for PAUSED_GIVE_UP_SECONDS with no task done and none running (a paused worker
        finishes the tasks it has started: a long merge may still free its memory)."""
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        if not workers or any(w.get("status") != "paused" for w in workers):
            self.paused_since = None
            return
        if any(w.get("metrics", {}).get("task_counts", {}).get("executing", 0) for w in workers):
            self.paused_since = None
            return
        now = time.monotonic() if now is None else now
        if self.paused_since is None:
            self.paused_since = now
            self.say(f"dask: all {len(workers)} workers paused at their memory limit, spilling to disk")
        elif now - self.paused_since >= PAUSED_GIVE_UP_SECONDS:
            raise EngineError(
                f"every Dask worker has been paused at its memory limit for "
                f"{PAUSED_GIVE_UP_SECONDS:.0f} s with no task done or running; give workers more memory "
                "(dask worker --memory-limit) or add workers, then run again"
            )

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
    except TimeoutError as exc:
        # "No valid workers found": scatter found no running worker to take the records.
        if "No valid workers" not in str(exc):
            raise _lost(exc) from None
        raise EngineError(
            "no Dask worker can take work: every worker is paused at its memory limit or none is "
            "left; give workers more memory (dask worker --memory-limit) or add workers, then run again"
        ) from None
    except (FutureCancelledError, OSError) as exc:
        raise _lost(exc) from None


def _lost(exc: BaseException) -> EngineError:
    return EngineError(
        "the Dask cluster lost work in progress (a worker died or the scheduler went away: "
        f"{_reason(exc)}); check the workers' logs and memory (dask worker --memory-limit), "
        "then run again"
    )


def _address(client: Client) -> str:
    return str(client.scheduler_info(n_workers=0)["address"])


def _task_name(exc: BaseException) -> str:
    task = getattr(exc, "task", None) or (exc.args[0] if exc.args else "a task")
    return str(task).split("-")[0].lstrip("_") or "a task"


def _reason(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0] or type(exc).__name__
