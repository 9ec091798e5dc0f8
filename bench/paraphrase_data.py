"""MSRP helpers for the bench scripts: read the TSV, lay it out as a two-outlet corpus."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefing import pipeline
from briefing.align import anchors
from briefing.models import Alignment, Passage, Reading
from briefing.read import corpus


@dataclass(frozen=True)
class MsrpCorpus:
    """Sentence 1 of each pair in outlet "one", sentence 2 in outlet "two", one line each."""

    labels: list[int]
    passages: list[Passage]
    row_of: dict[str, int]  # passage id -> pair index
    anchors: anchors.Anchors  # built from the NLP pass as the pipeline builds them
    readings: tuple[Reading, ...]  # the NLP pass's, which the anchors come from


def read_msrp(path: Path) -> list[tuple[int, str, str]]:
    """(label, sentence 1, sentence 2) rows of an MSRP tsv (BOM, header, no quoting)."""
    rows = []
    with path.open(encoding="utf-8-sig") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def as_corpus(rows: list[tuple[int, str, str]]) -> MsrpCorpus:
    """Write the two files, load and split them as `briefing` does, and map passages to rows."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "one.txt").write_text("".join(a + "\n\n" for _, a, _ in rows), encoding="utf-8")
        Path(folder, "two.txt").write_text("".join(b + "\n\n" for _, _, b in rows), encoding="utf-8")
        loaded = corpus.load(Path(folder))
    read = pipeline.read_articles(loaded.articles)
    passages = list(read.passages)
    row_of: dict[str, int] = {}
    for article in loaded.articles:
        starts = [0]
        text = article.text
        starts.extend(n + 2 for n in range(len(text) - 1) if text[n] == "\n" and text[n + 1] == "\n")
        import bisect

        for p in passages:
            if p.doc == article.id:
                row_of[p.id] = bisect.bisect_right(starts, p.start) - 1
    return MsrpCorpus(
        labels=[label for label, _, _ in rows],
        passages=passages,
        row_of=row_of,
        anchors=anchors.build(passages, read.readings),
        readings=read.readings,
    )


def is_pair(msrp: MsrpCorpus, a: Passage, b: Passage) -> bool:
    """Whether two passages are the two sentences of one MSRP pair (whatever its label)."""
    return a.outlet != b.outlet and msrp.row_of[a.id] == msrp.row_of[b.id]


def linked_rows(msrp: MsrpCorpus, aligned: Alignment) -> set[int]:
    """The MSRP rows whose two sentences the alignment put in one cluster."""
    by_id = {p.id: p for p in msrp.passages}
    return {
        msrp.row_of[a]
        for cluster in aligned.clusters
        for a in cluster.passages
        for b in cluster.passages
        if is_pair(msrp, by_id[a], by_id[b])
    }
