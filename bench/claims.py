"""Annotated shared claims of the development stories: converted to offsets, and measured.

    python bench/claims.py convert ANNOTATION_JSON STORY_DIR OUT_JSON
    python bench/claims.py measure [--annotations tests/data/claims] [--stories ../shared/stories]
                                   [--semantic] [--verbose]

`convert` turns a hand annotation whose members are exact substrings (the format of
tests/data/gold-dev.json) into one whose members are character offsets, with each file's SHA-256:
the annotation can then be kept in the repository without the articles' text, which may not be
copied. `measure` aligns each annotated story (`tests/data/claims/<story>.json`, the story in
`../shared/stories/<story>/`) as `briefing` does, with the entity anchors, and reports per story and
pooled: links, link precision (the annotation is exhaustive: a link between passages of no common
claim is wrong), the same among annotated passages, claims found, and outlet-pair recall (of each
claim's pairs of outlets that both state it, the share a correct link between the two finds).
Stories absent from --stories are skipped, and the script exits 0 when there are none.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import sys
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing import pipeline  # noqa: E402
from briefing.align import alignment, anchors, evaluation, semantic  # noqa: E402
from briefing.models import Article, Passage  # noqa: E402
from briefing.read import corpus  # noqa: E402

ANNOTATIONS = ROOT / "tests" / "data" / "claims"
STORIES = ROOT.parent / "shared" / "stories"


def convert(annotation: Path, story: Path, out: Path) -> None:
    """Members as offsets into the story's files, each file with its SHA-256."""
    raw = json.loads(annotation.read_text(encoding="utf-8"))
    texts = {key: (story / name).read_text(encoding="utf-8") for key, name in raw["docs"].items()}
    clusters = []
    for cluster in raw["clusters"]:
        members = []
        for member in cluster["members"]:
            start = texts[member["doc"]].find(member["text"])
            if start < 0:
                raise SystemExit(
                    f"{annotation}: {cluster['id']}: member not in {member['doc']}: {member['text']!r}"
                )
            members.append({"doc": member["doc"], "start": start, "end": start + len(member["text"])})
        clusters.append({**{k: v for k, v in cluster.items() if k != "members"}, "members": members})
    files = {
        key: {"file": name, "sha256": hashlib.sha256((story / name).read_bytes()).hexdigest()}
        for key, name in raw["docs"].items()
    }
    document = {"about": raw.get("about", ""), "files": files, "clusters": clusters}
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def annotated(annotations: Path, stories: Path) -> list[tuple[Path, Path]]:
    """(annotation, story folder) of each annotated story present under ``stories``."""
    found = [(path, stories / path.stem) for path in sorted(annotations.glob("*.json"))]
    return [(path, folder) for path, folder in found if folder.is_dir()]


def story_alignment(
    folder: Path, *, with_semantic: bool
) -> tuple[alignment.Alignment, list[Passage], list[Article]]:
    """The story aligned as `briefing` aligns it (entity anchors; vectors with the semantic route)."""
    loaded, read = _read(folder)
    passages = list(read.passages)
    vectors = semantic.encode([p.text for p in passages]) if with_semantic else None
    aligned = alignment.align(passages, anchors=anchors.build(passages, read.readings), vectors=vectors)
    return aligned, passages, list(loaded.articles)


@functools.cache
def _read(folder: Path) -> tuple[corpus.Corpus, pipeline.Read]:
    """The story loaded and read (spaCy: the slow part), once per process."""
    loaded = corpus.load(folder)
    return loaded, pipeline.read_articles(loaded.articles)


def pooled(scores: list[evaluation.Scores]) -> evaluation.Scores:
    """The stories' counts summed: figures over all their links and claims."""
    return evaluation.Scores(
        **{f.name: sum(getattr(s, f.name) for s in scores) for f in fields(evaluation.Scores)}
    )


def measure(annotations: Path, stories: Path, *, with_semantic: bool, verbose: bool) -> int:
    rows = []
    for path, folder in annotated(annotations, stories):
        result, passages, articles = story_alignment(folder, with_semantic=with_semantic)
        gold = evaluation.load_gold(path, articles)
        rows.append((path.stem, evaluation.score(result, gold)))
        if verbose:
            by_id = {p.id: p for p in passages}
            for cluster in result.clusters:
                claims = sorted(
                    set().union(*(evaluation.claims_of(by_id[p], gold) for p in cluster.passages))
                )
                print(f"{path.stem} {cluster.id} claims={claims}")
                for pid in cluster.passages:
                    print(f"   {pid:14} {by_id[pid].text[:110]}")
    if not rows:
        print(f"skipped: no annotated story of {annotations} under {stories}")
        return 0
    print("| story | links | link precision | among annotated passages | claims found | outlet pairs found |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, s in [*rows, ("**all**", pooled([s for _, s in rows]))]:
        print(
            f"| {name} | {s.links} | {s.precision:.3f} | {s.correct}/{s.annotated_links} = "
            f"{s.annotated_precision:.3f} | {s.found_claims}/{s.claims} | "
            f"{s.found_outlet_pairs}/{s.outlet_pairs} = {s.outlet_pair_recall:.3f} |"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    conv = sub.add_parser("convert")
    conv.add_argument("annotation", type=Path)
    conv.add_argument("story", type=Path)
    conv.add_argument("out", type=Path)
    meas = sub.add_parser("measure")
    meas.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    meas.add_argument("--stories", type=Path, default=STORIES)
    meas.add_argument("--semantic", action="store_true", help="with the semantic route (its extra)")
    meas.add_argument("--verbose", action="store_true", help="print every predicted cluster")
    args = parser.parse_args()
    if args.command == "convert":
        convert(args.annotation, args.story, args.out)
        return 0
    return measure(args.annotations, args.stories, with_semantic=args.semantic, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
