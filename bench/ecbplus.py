"""Out-of-sample alignment on ECB+ dev: links across different events, precision, recall.

    python bench/ecbplus.py [GOLD_DIR] [--topics 1,3] [--smallest N] [--show-wrong N] [--no-cache]
                            [--semantic]

GOLD_DIR defaults to ../shared/gold/ecbplus-dev (its README describes the format); when it is
absent the script says so and exits 0. Each ECB+ topic has two sub-topics about similar but
different events (Tara Reid enters rehab in 2008 / Lindsay Lohan in 2013). For each topic one
corpus holds both sub-topics' articles, copied without a manifest under names that make each file
its own outlet (ECB+ has one outlet per document; under their own names 42 of the 496 files would
share a label taken from their headline's first words, and the aligner never links one outlet's
passages). It is read (`pipeline.read_articles`) and aligned (`alignment.align`, with the entity
anchors `anchors.build` makes of the readings) as `briefing` does, and each passage is mapped to
the ECB+ sentence (one per line) it overlaps most. Reported:

- links: cross-outlet passage pairs within predicted clusters (as bench/evaluate.py counts them);
- cross-event: links whose passages come from different sub-topics, wrong by construction, as a
  share of all links ("bg" counts those whose sentences share one of the few background chains
  both sub-topics mention, which the README allows; they are still counted as cross-event);
- annotated precision: among links whose two passages map to annotated sentences, the share whose
  sentences share a gold cluster (an action chain of one sub-topic with members in 2+ documents);
- pair recall: gold same-cluster sentence pairs of different articles joined by at least one link
  between their passages; cluster recall: gold clusters that some right link touches.

Reading is the slow part (spaCy, about a minute for all 21 topics on one free core), so the
passages of each topic (and its readings' entities and speech) are cached in a temp folder, keyed
by the files and the source of the reading modules; alignment always runs afresh.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from briefing import pipeline  # noqa: E402
from briefing.align import alignment, anchors, semantic  # noqa: E402
from briefing.models import Alignment, Entity, Mention, Passage, Reading, Span, Speech  # noqa: E402
from briefing.read import corpus, nlp  # noqa: E402

GOLD = ROOT.parent / "shared" / "gold" / "ecbplus-dev"
SUBTOPICS = ("ecb", "ecbplus")
# Sharing a chain means naming the same event, often the seminal one that most sentences of a
# sub-topic mention; the README suggests several shared chains as closer to "the same fact".
# Half the union of the two sentences' chains is a stricter reading, reported beside.
STRICT_JACCARD = 0.5
CACHE = Path(tempfile.gettempdir()) / "briefing-ecbplus-cache"
# The modules whose code decides the passages (paths under briefing/, without .py): a change to any
# of them invalidates the cache.
READING_MODULES = (
    "read/corpus",
    "read/metadata",
    "read/cleaning",
    "read/nlp",
    "read/segmentation",
    "text",
    "pipeline",
    "models",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One ECB+ sentence (a line of its file) and the gold clusters it belongs to."""

    story: str  # tNN-ecb or tNN-ecbplus
    file: str  # the article file's name in the story folder
    start: int
    end: int
    text: str
    annotated: bool
    clusters: frozenset[str]  # gold cluster ids ("t01-ecb-c001"); empty when unannotated
    chains: frozenset[str]  # every action chain the annotation lists for it


@dataclass(frozen=True, slots=True, kw_only=True)
class WrongLink:
    """A link the gold says is wrong, with its two sentences, for reading."""

    kind: str  # "cross-event" or "same-event" (both annotated, no shared cluster)
    score: float
    a: str
    b: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicScore:
    """How the aligner does on one topic's two sub-topics read as one corpus."""

    topic: int
    articles: int
    passages: int
    links: int
    cross_event: int
    background: int  # cross-event links whose sentences share a chain both sub-topics mention
    annotated_links: int
    right: int
    strict: int  # right links whose sentences' chain sets have Jaccard >= STRICT_JACCARD
    gold_pairs: int
    found_pairs: int
    reachable_pairs: int  # gold pairs whose both sentences have a passage (cleaning may drop lines)
    clusters: int
    found_clusters: int
    seconds: float  # reading (0 when cached) and aligning
    wrong: tuple[WrongLink, ...]


def main() -> int:
    """Print the table; exit 0 (a bench reports, it does not judge)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=GOLD, help="the ecbplus-dev folder")
    parser.add_argument("--topics", help="comma-separated topic numbers (default: all)")
    parser.add_argument("--smallest", type=int, help="only the N topics with the fewest characters")
    parser.add_argument("--show-wrong", type=int, default=0, metavar="N", help="print N wrong links")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"passage cache (default {CACHE})")
    parser.add_argument("--no-cache", action="store_true", help="read every topic afresh")
    parser.add_argument("--semantic", action="store_true", help="with the semantic route (its extra)")
    args = parser.parse_args()
    if not (args.gold / "subtopics.json").is_file():
        print(
            f"{args.gold}: no ECB+ gold here (subtopics.json); pass the ecbplus-dev folder", file=sys.stderr
        )
        return 0
    topics = select_topics(args.gold, topics=args.topics, smallest=args.smallest)
    cache = None if args.no_cache else args.cache
    scores = []
    for topic in topics:
        scores.append(measure_topic(args.gold, topic, cache=cache, semantic_route=args.semantic))
        print(f"topic {topic}: {scores[-1].seconds:.1f}s", file=sys.stderr)
    print_table(scores)
    if args.show_wrong:
        print_wrong(scores, args.show_wrong)
    return 0


def select_topics(gold: Path, *, topics: str | None = None, smallest: int | None = None) -> list[int]:
    """Topic numbers in order: all, the listed ones, or the N smallest by characters."""
    entries = json.loads((gold / "subtopics.json").read_text(encoding="utf-8"))["topics"]
    chars = {t["topic"]: sum(t[sub]["chars"] for sub in SUBTOPICS) for t in entries}
    chosen = sorted(chars)
    if topics:
        chosen = sorted(int(t) for t in topics.split(","))
    if smallest is not None:
        chosen = sorted(sorted(chosen, key=lambda t: (chars[t], t))[:smallest])
    return chosen


def measure(gold: Path, topics: Sequence[int], *, cache: Path | None = CACHE) -> list[TopicScore]:
    """Scores for the given topics, in that order."""
    return [measure_topic(gold, topic, cache=cache) for topic in topics]


def measure_topic(
    gold: Path, topic: int, *, cache: Path | None = CACHE, semantic_route: bool = False
) -> TopicScore:
    """Read and align one topic's two sub-topics as one corpus and score the links."""
    started = time.perf_counter()
    stories = [f"t{topic:02d}-{sub}" for sub in SUBTOPICS]
    sentences = {story: _sentences(gold, story) for story in stories}
    passages, mapped, articles, readings = _passages(gold, stories, sentences, cache=cache)
    vectors = _vectors(passages, cache) if semantic_route else None
    aligned = alignment.align(passages, anchors=anchors.build(passages, readings), vectors=vectors)
    elapsed = time.perf_counter() - started
    return _score(
        topic,
        aligned,
        mapped,
        sentences,
        articles=articles,
        shared=_background_chains(gold, topic),
        seconds=elapsed,
    )


def _vectors(passages: Sequence[Passage], cache: Path | None) -> np.ndarray:
    """The passages' sentence vectors (semantic.encode), cached beside the passages by text."""
    texts = [p.text for p in passages]
    if cache is None:
        return semantic.encode(texts)
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:24]
    path = cache / f"vectors-{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = semantic.encode(texts)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def total(scores: Sequence[TopicScore]) -> TopicScore:
    """The scores summed over topics (micro-averaged shares)."""
    fields = [f for f in TopicScore.__slots__ if f not in ("topic", "seconds", "wrong")]
    sums = {f: sum(getattr(s, f) for s in scores) for f in fields}
    return TopicScore(
        topic=0,
        seconds=sum(s.seconds for s in scores),
        wrong=tuple(w for s in scores for w in s.wrong),
        **sums,
    )


def cross_event_share(s: TopicScore) -> float:
    """Links between the two different events of a topic, as a share of all links."""
    return s.cross_event / s.links if s.links else 0.0


def annotated_precision(s: TopicScore) -> float:
    """Share of links between annotated sentences whose sentences share a gold cluster."""
    return s.right / s.annotated_links if s.annotated_links else 0.0


def print_table(scores: Sequence[TopicScore]) -> None:
    """One row per topic and the total, as a Markdown table."""
    print(
        "| topic | articles | passages | links | cross-event (bg) | share | annotated links | precision |"
        " strict | pair recall (reachable) | cluster recall |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in [*scores, total(scores)]:
        name = str(s.topic) if s.topic else "**all**"
        print(
            f"| {name} | {s.articles} | {s.passages} | {s.links} | {s.cross_event} ({s.background}) | "
            f"{cross_event_share(s):.3f} | {s.annotated_links} | {s.right} = {annotated_precision(s):.3f} | "
            f"{_share(s.strict, s.annotated_links):.3f} | "
            f"{s.found_pairs}/{s.gold_pairs} = {_share(s.found_pairs, s.gold_pairs):.3f} "
            f"({s.reachable_pairs}) | "
            f"{s.found_clusters}/{s.clusters} = {_share(s.found_clusters, s.clusters):.3f} |"
        )


def print_wrong(scores: Sequence[TopicScore], n: int) -> None:
    """The first n wrong links of each kind, spread over the topics."""
    for kind in ("cross-event", "same-event"):
        print(f"\nwrong links, {kind}:")
        picked = _spread([[w for w in s.wrong if w.kind == kind] for s in scores], n)
        for w in picked:
            print(f"  p={w.score:.2f}\n    {w.a}\n    {w.b}")


def _spread(groups: list[list[WrongLink]], n: int) -> list[WrongLink]:
    """Round-robin over topics, so that one topic does not fill the sample."""
    out: list[WrongLink] = []
    depth = 0
    while len(out) < n and any(depth < len(g) for g in groups):
        out.extend(g[depth] for g in groups if depth < len(g))
        depth += 1
    return out[:n]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _sentences(gold: Path, story: str) -> dict[str, list[Sentence]]:
    """File name -> its sentences (lines) in order, with the gold clusters of the annotated ones."""
    raw = json.loads((gold / "gold" / f"{story}.json").read_text(encoding="utf-8"))
    clusters: dict[tuple[str, int], set[str]] = {}
    for cluster in raw["clusters"]:
        for m in cluster["members"]:
            clusters.setdefault((m["doc"], m["start"]), set()).add(cluster["id"])
    annotated = {(s["doc"], s["start"]): s for s in raw["sentences"]}
    files = {doc: name for doc, name in raw["docs"].items()}
    out: dict[str, list[Sentence]] = {}
    for doc, name in sorted(files.items()):
        text = (gold / raw["story"] / name).read_text(encoding="utf-8")
        lines: list[Sentence] = []
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            entry = annotated.get((doc, start))
            if line.strip():
                lines.append(
                    Sentence(
                        story=story,
                        file=name,
                        start=start,
                        end=end,
                        text=line,
                        annotated=entry is not None,
                        clusters=frozenset(clusters.get((doc, start), ())),
                        chains=frozenset(entry["chains"] if entry else ()),
                    )
                )
            start = end + 1
        out[name] = lines
    found = sum(1 for lines in out.values() for s in lines if s.annotated)
    if found != len(raw["sentences"]):  # the README's line-per-sentence promise, checked
        raise ValueError(f"{story}: {found} of {len(raw['sentences'])} annotated sentences are whole lines")
    return out


def _background_chains(gold: Path, topic: int) -> frozenset[str]:
    """Chains both sub-topics mention (a background event): pairs sharing one are not negatives."""
    entries = json.loads((gold / "subtopics.json").read_text(encoding="utf-8"))["topics"]
    entry = next(t for t in entries if t["topic"] == topic)
    return frozenset(c["chain"] for c in entry["cross_subtopic_chains"])


def _copy_name(story: str, path: Path) -> str:
    # "t01-ecb_1_10ecb.txt": unique across the two sub-topics, and a name the loader turns into
    # an outlet of its own ("T01 Ecb 1 10ecb"), where "1_10ecb.txt" says nothing and the outlet
    # would come from the headline, which several ECB+ articles share.
    return f"{story}_{path.name}"


def _passages(
    gold: Path, stories: Sequence[str], sentences: dict[str, dict[str, list[Sentence]]], *, cache: Path | None
) -> tuple[list[Passage], dict[str, Sentence], int, list[Reading]]:
    """The topic's passages as `briefing` reads them, passage id -> the sentence it overlaps most,
    the number of articles read, and the readings (entities and speech only when cached)."""
    sources = [
        (story, path) for story in stories for path in sorted((gold / "stories" / story).glob("*.txt"))
    ]
    key = _cache_key(sources)
    cached = cache / f"{stories[0]}-{key}.json" if cache is not None else None
    if cached is not None and cached.is_file():
        data = json.loads(cached.read_text(encoding="utf-8"))
        passages = [Passage(**p) for p in data["passages"]]
        origin = {doc: (story, name) for doc, (story, name) in data["origin"].items()}
        readings = [_reading(r) for r in data["readings"]]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            back = {}
            for story, path in sources:
                shutil.copy(path, folder / _copy_name(story, path))
                back[_copy_name(story, path)] = (story, path.name)
            loaded = corpus.load(folder)
            outlets = [a.outlet for a in loaded.articles]
            if len(set(outlets)) != len(outlets) or loaded.skipped:
                print(f"{stories}: {len(outlets)} articles, {len(set(outlets))} outlets, "
                      f"skipped {list(loaded.skipped)}", file=sys.stderr)  # fmt: skip
            read = pipeline.read_articles(loaded.articles)
            passages, readings = list(read.passages), list(read.readings)
            origin = {a.id: back[a.path] for a in loaded.articles}
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            payload = {
                "passages": [_as_dict(p) for p in passages],
                "origin": origin,
                "readings": [_reading_dict(r) for r in readings],
            }
            cached.write_text(json.dumps(payload), encoding="utf-8")
    mapped: dict[str, Sentence] = {}
    for p in passages:
        story, name = origin[p.doc]
        best = max(sentences[story][name], key=lambda s: min(s.end, p.end) - max(s.start, p.start))
        if min(best.end, p.end) > max(best.start, p.start):
            mapped[p.id] = best
    return passages, mapped, len(origin), readings


def _as_dict(p: Passage) -> dict[str, object]:
    return {f: getattr(p, f) for f in Passage.__slots__}


def _reading_dict(r: Reading) -> dict[str, object]:
    """What the anchors read of a Reading (entities, speech), as JSON."""

    def speech(s: Speech) -> dict[str, object]:
        speaker = None if s.speaker is None else {f: getattr(s.speaker, f) for f in Mention.__slots__}
        clause = [s.clause.start, s.clause.end]
        return {"start": s.start, "end": s.end, "lemma": s.lemma, "clause": clause, "speaker": speaker}

    return {
        "doc": r.doc,
        "model": r.model,
        "entities": [{f: getattr(e, f) for f in Entity.__slots__} for e in r.entities],
        "speech": [speech(s) for s in r.speech],
    }


def _reading(data: dict[str, object]) -> Reading:
    entities = [Entity(**e) for e in data["entities"]]  # type: ignore[attr-defined]
    speech = [
        Speech(
            start=s["start"],
            end=s["end"],
            lemma=s["lemma"],
            clause=Span(start=s["clause"][0], end=s["clause"][1]),
            speaker=None if s["speaker"] is None else Mention(**s["speaker"]),
        )
        for s in data["speech"]  # type: ignore[attr-defined]
    ]
    return Reading(
        doc=str(data["doc"]),
        model=str(data["model"]),
        sentences=(),
        entities=tuple(entities),
        speech=tuple(speech),
        subjects=(),
        parsed=0,
    )


def _cache_key(sources: Sequence[tuple[str, Path]]) -> str:
    digest = hashlib.sha256(os.environ.get(nlp.MODEL_ENV, "").encode() + b"\0readings\0")
    for module in READING_MODULES:
        digest.update((ROOT / "briefing" / f"{module}.py").read_bytes())
    for story, path in sources:
        digest.update(f"{story}/{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _score(
    topic: int,
    aligned: Alignment,
    mapped: dict[str, Sentence],
    sentences: dict[str, dict[str, list[Sentence]]],
    *,
    articles: int,
    shared: frozenset[str],
    seconds: float,
) -> TopicScore:
    by_id = {p.id: p for p in aligned.passages}
    links: dict[tuple[str, str], float] = {}
    for cluster in aligned.clusters:
        scores = {(min(k.a, k.b), max(k.a, k.b)): k.score for k in cluster.links}
        for n, a in enumerate(cluster.passages):
            for b in cluster.passages[n + 1 :]:
                if by_id[a].outlet != by_id[b].outlet:
                    pair = (min(a, b), max(a, b))
                    links[pair] = scores.get(pair, cluster.score)
    cross = background = annotated = right = strict = 0
    linked: set[tuple[Sentence, Sentence]] = set()
    found_clusters: set[str] = set()
    wrong: list[WrongLink] = []
    for (a, b), score in sorted(links.items(), key=lambda item: (-item[1], item[0])):
        sa, sb = mapped.get(a), mapped.get(b)
        if sa is not None and sb is not None:
            linked.add((sa, sb))
            linked.add((sb, sa))
        text_a, text_b = _label(by_id[a], sa), _label(by_id[b], sb)
        if sa is not None and sb is not None and sa.story != sb.story:
            cross += 1
            background += bool(sa.chains & sb.chains & shared)
            wrong.append(WrongLink(kind="cross-event", score=score, a=text_a, b=text_b))
        if sa is not None and sb is not None and sa.annotated and sb.annotated:
            annotated += 1
            common = sa.clusters & sb.clusters
            if common:
                right += 1
                strict += len(sa.chains & sb.chains) >= STRICT_JACCARD * len(sa.chains | sb.chains)
                found_clusters |= common
            elif sa.story == sb.story:
                wrong.append(WrongLink(kind="same-event", score=score, a=text_a, b=text_b))
    present = set(mapped.values())
    gold_pairs = found = reachable = 0
    cluster_ids: set[str] = set()
    for files in sentences.values():
        members = [s for lines in files.values() for s in lines if s.clusters]
        cluster_ids |= {c for s in members for c in s.clusters}
        for n, sa in enumerate(members):
            for sb in members[n + 1 :]:
                if sa.file != sb.file and sa.clusters & sb.clusters:
                    gold_pairs += 1
                    reachable += sa in present and sb in present
                    found += (sa, sb) in linked
    return TopicScore(
        topic=topic,
        articles=articles,
        passages=len(aligned.passages),
        links=len(links),
        cross_event=cross,
        background=background,
        annotated_links=annotated,
        right=right,
        strict=strict,
        gold_pairs=gold_pairs,
        found_pairs=found,
        reachable_pairs=reachable,
        clusters=len(cluster_ids),
        found_clusters=len(found_clusters),
        seconds=seconds,
        wrong=tuple(wrong),
    )


def _label(p: Passage, s: Sentence | None) -> str:
    where = f"{s.story}/{s.file}{'' if s.annotated else ' (unannotated)'}" if s else p.doc
    return f"[{where}] {p.text[:160]}"


if __name__ == "__main__":
    sys.exit(main())
