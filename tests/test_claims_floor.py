"""Alignment floors on six development stories whose shared claims were annotated by hand.

The annotations (tests/data/claims/, offsets only: the articles may not be copied) cover every
claim two or more of a story's outlets state, so a link between passages of no common claim is
wrong. The stories themselves are in ../shared/stories (or BRIEFING_STORIES); without them the
tests skip.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from briefing.align import evaluation, semantic

ROOT = Path(__file__).resolve().parent.parent
STORIES = Path(os.environ.get("BRIEFING_STORIES", ROOT.parent / "shared" / "stories"))
ANNOTATIONS = ROOT / "tests" / "data" / "claims"
sys.path.insert(0, str(ROOT / "bench"))
import claims  # type: ignore[import-not-found]  # noqa: E402

# Measured with `python bench/claims.py measure [--semantic]` (six BASIL stories: Fox News, The
# New York Times and HuffPost; 155 claims, 277 outlet pairs of a claim): default install, 65
# links, precision 0.892, outlet-pair recall 68/277 = 0.245 (59 / 0.898 / 0.227 before
# linking.vouched); with the semantic route,
# 108 links, precision 0.824, recall 99/277 = 0.357 (91 / 0.791 / 0.300 before
# alignment.vouched_pairs, 94 / 0.798 / 0.314 before alignment.attachments). Floors only move up.
PRECISION_FLOOR = 0.89
OUTLET_PAIR_RECALL_FLOOR = 0.24
SEMANTIC_PRECISION_FLOOR = 0.82
SEMANTIC_OUTLET_PAIR_RECALL_FLOOR = 0.35

STORIES_PRESENT = claims.annotated(ANNOTATIONS, STORIES)
needs_stories = pytest.mark.skipif(
    len(STORIES_PRESENT) < len(list(ANNOTATIONS.glob("*.json"))),
    reason=f"{STORIES}: not every annotated story is there; set BRIEFING_STORIES",
)


def _pooled(*, with_semantic: bool) -> evaluation.Scores:
    found = []
    for path, folder in STORIES_PRESENT:
        aligned, _, articles = claims.story_alignment(folder, with_semantic=with_semantic)
        found.append(evaluation.score(aligned, evaluation.load_gold(path, articles)))
    pooled: evaluation.Scores = claims.pooled(found)
    return pooled


@needs_stories
def test_alignment_of_the_annotated_stories_holds_its_floors() -> None:
    scores = _pooled(with_semantic=False)
    assert scores.precision >= PRECISION_FLOOR, scores
    assert scores.outlet_pair_recall >= OUTLET_PAIR_RECALL_FLOOR, scores


@needs_stories
@pytest.mark.skipif(not semantic.available(), reason="the semantic extra is not installed")
def test_semantic_alignment_of_the_annotated_stories_holds_its_floors() -> None:
    scores = _pooled(with_semantic=True)
    assert scores.precision >= SEMANTIC_PRECISION_FLOOR, scores
    assert scores.outlet_pair_recall >= SEMANTIC_OUTLET_PAIR_RECALL_FLOOR, scores


def test_every_annotation_is_offsets_into_files_of_known_bytes() -> None:
    import json

    annotations = sorted(ANNOTATIONS.glob("*.json"))
    assert annotations
    for path in annotations:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert set(raw["files"]) >= {m["doc"] for c in raw["clusters"] for m in c["members"]}, path
        for cluster in raw["clusters"]:
            assert len({m["doc"] for m in cluster["members"]}) >= 2, (path, cluster["id"])
            assert all("text" not in m and 0 <= m["start"] < m["end"] for m in cluster["members"]), path
