"""Single-outlet points shown with the closest passage of another outlet ("similar in X")."""

from __future__ import annotations

import pypdf

from briefing.findings import uniqueness
from briefing.models import Alignment, Match, Passage, Point
from tests.conftest import Built


def _passage(pid: str, outlet: str, text: str) -> Passage:
    return Passage(
        id=pid, doc=pid.split("#")[0], outlet=outlet, start=0, end=len(text), text=text, paragraph=0
    )


PASSAGES = (
    _passage("a#0", "Alpha", "Officials are more open for dialogue with the rebels."),
    _passage("b#0", "Beta", "The capital signals an openness to working with the rebels."),
    _passage("a#1", "Alpha", "The harvest was poor this year."),
    _passage("b#1", "Beta", "A bakery opened downtown."),
)


def _point(pid: str, outlet: str, cluster: str | None = None) -> Point:
    text = next(p.text for p in PASSAGES if p.id == pid)
    return Point(text=text, passage=pid, passages=(pid,), outlets=(outlet,), cluster=cluster, relevance=1.0)


def _alignment(**nearest: Match) -> Alignment:
    return Alignment(
        passages=PASSAGES, clusters=(), nearest={k.replace("_", "#"): m for k, m in nearest.items()}
    )


def test_a_point_whose_nearest_scores_enough_points_to_it() -> None:
    high = uniqueness.SIMILAR_FROM + 0.01
    (point,) = uniqueness.with_similar(
        [_point("a#0", "Alpha")], _alignment(a_0=Match(passage="b#0", score=high))
    )
    assert point.similar is not None
    assert (point.similar.passage, point.similar.outlet, point.similar.score) == ("b#0", "Beta", high)
    assert point.similar.text == PASSAGES[1].text


def test_a_point_whose_nearest_scores_too_little_stays_alone() -> None:
    low = uniqueness.SIMILAR_FROM - 0.01
    (point,) = uniqueness.with_similar(
        [_point("a#1", "Alpha")], _alignment(a_1=Match(passage="b#1", score=low))
    )
    assert point.similar is None


def test_points_without_a_nearest_or_of_a_cluster_are_left_as_they_are() -> None:
    high = uniqueness.SIMILAR_FROM + 0.2
    points = [_point("a#1", "Alpha"), _point("a#0", "Alpha", cluster="c1")]
    found = uniqueness.with_similar(points, _alignment(a_0=Match(passage="b#0", score=high)))
    assert found == tuple(points)


def test_each_similar_pointer_is_in_the_json_and_on_the_page(built: Built) -> None:
    lists = [built.document["unique"], *(t["unique"] for t in built.document["themes"])]
    passages = {p["id"]: p for p in built.document["passages"]}
    outlet_of = {d["id"]: d["outlet"] for d in built.document["documents"]}
    pointers = [point for points in lists for point in points if point["similar"] is not None]
    text = " ".join(
        " ".join(page.extract_text() or "" for page in pypdf.PdfReader(built.outputs.pdf).pages).split()
    )
    for point in pointers:
        similar = point["similar"]
        other = passages[similar["passage"]]
        assert outlet_of[other["doc"]] == similar["outlet"] and similar["outlet"] not in point["outlets"]
        assert similar["score"] >= uniqueness.SIMILAR_FROM
        assert f"similar in {similar['outlet']}: {' '.join(other['text'].split())[:40]}" in text
    points = [point for points in lists for point in points]
    assert len(pointers) < len(points)  # a pointer, not a second citation for every point
