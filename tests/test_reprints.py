"""Reprints: an article that copies most of another's passages is marked, and counts for nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pypdf
from typer.testing import CliRunner

from briefing import pipeline
from briefing.align import reprints
from briefing.cli import app
from briefing.models import Article, CleanArticle, Passage, Reprint, Settings, Span
from briefing.render import export

# A made-up wire story: twelve paragraphs, one sentence each, with names, figures and quotes.
WIRE = (
    "The Harlow County council voted 7-2 on Tuesday to build a $4.2 million flood barrier along the Mill River.",
    "The barrier, a concrete wall 1.8 miles long, is meant to protect about 3,400 homes in the lower town.",
    "“We have waited eleven years for this vote,” said council chair Dana Whitcombe after the meeting.",
    "Two members, Ray Ostrander and Lila Brandt, voted against the plan, citing its cost to taxpayers.",
    "Ostrander said the county should first repair the old levee that failed during the storms of 2019.",
    "Engineers from the state water agency told the council the levee could not be saved at a reasonable price.",
    "Construction is expected to begin next spring and to last about eighteen months, officials said.",
    "The county will pay for the wall with a federal grant of $2.9 million and a local bond for the rest.",
    "Residents who packed the hall cheered when the result was read out, and some wept.",
    "“My basement flooded three times in five years,” said Maria Castellano, who lives near the river.",
    "A group of farmers upstream has warned that the wall could push floodwater onto their fields.",
    "The council promised a study of the upstream effects before the first section is poured.",
)

# Another outlet's own account of the same meeting: the same facts, its own words.
GAZETTE = (
    "Harlow County will build a flood wall on the Mill River after the council approved it by seven votes to two.",
    "The $4.2 million project is intended to shield roughly 3,400 houses in the low-lying part of town.",
    "Council chair Dana Whitcombe called the decision long overdue, noting the plan had been debated for eleven years.",
    "Opponents Ray Ostrander and Lila Brandt argued that taxpayers could not afford the project.",
    "Work on the 1.8-mile wall should start in the spring and take a year and a half.",
    "A federal grant of $2.9 million will cover most of the bill, with a bond paying the remainder.",
    "Farmers living upstream fear the barrier will divert water onto their land, and the county has promised a study.",
)

# A third outlet, again in its own words.
HERALD = (
    "By a 7-2 vote, Harlow County councillors on Tuesday backed a $4.2 million barrier to hold back the Mill River.",
    "The wall is designed to protect about 3,400 homes that have flooded repeatedly in recent years.",
    "Dana Whitcombe, who chairs the council, said residents had waited eleven years for the decision.",
    "Ray Ostrander and Lila Brandt, the two dissenters, said repairing the old levee would be cheaper.",
    "State engineers said the levee, which failed in 2019, was beyond economical repair.",
    "The project will be funded by a $2.9 million federal grant and a local bond.",
)


def _reprint_of_wire() -> tuple[str, ...]:
    """The wire story's last eleven paragraphs, as a reprint carries them: straight quotes, a
    word changed, a comma dropped."""
    copied = list(WIRE[1:])
    copied[1] = copied[1].replace("“", '"').replace("”", '"')
    copied[3] = copied[3].replace("the old levee", "the aging levee")
    copied[7] = copied[7].replace("out, and", "out and")
    copied[8] = copied[8].replace("“", '"').replace("”", '"')
    return tuple(copied)


def _article(doc: str, paragraphs: tuple[str, ...], *, published: dt.date | None = None) -> CleanArticle:
    text = "\n\n".join(paragraphs) + "\n"
    spans = []
    start = 0
    for paragraph in paragraphs:
        spans.append(Span(start=start, end=start + len(paragraph)))
        start += len(paragraph) + 2
    article = Article(
        id=doc,
        path=f"{doc}.txt",
        outlet=doc.capitalize(),
        title=f"{doc} story",
        published=published,
        author=None,
        url=None,
        sha256="0" * 64,
        text=text,
    )
    return CleanArticle(article=article, removed=(), body=tuple(spans))


def _passages(articles: tuple[CleanArticle, ...]) -> tuple[Passage, ...]:
    """One passage per paragraph (the test texts hold one sentence a paragraph)."""
    return tuple(
        Passage(
            id=f"{clean.article.id}#{n + 1}",
            doc=clean.article.id,
            outlet=clean.article.outlet,
            start=span.start,
            end=span.end,
            text=clean.article.text[span.start : span.end],
            paragraph=n,
        )
        for clean in articles
        for n, span in enumerate(clean.body)
    )


def _find(*articles: CleanArticle) -> tuple[Reprint, ...]:
    return reprints.find(_passages(articles), articles=articles)


def test_copy_of_the_last_paragraphs_with_small_edits_is_a_reprint() -> None:
    articles = (_article("wire", WIRE), _article("gazette", GAZETTE), _article("copy", _reprint_of_wire()))
    found = _find(*articles)
    assert [(r.doc, r.of) for r in found] == [("copy", "wire")]
    # Every one of the copy's eleven paragraphs is found, the edited ones too.
    assert found[0].passages == tuple(f"copy#{n}" for n in range(1, 12))
    assert found[0].share == 1.0


def test_reprint_is_the_contained_article_whichever_loads_first() -> None:
    found = _find(_article("copy", _reprint_of_wire()), _article("wire", WIRE))
    assert [(r.doc, r.of) for r in found] == [("copy", "wire")]


def test_of_full_copies_the_later_one_is_the_reprint() -> None:
    first = _article("early", WIRE, published=dt.date(2021, 3, 2))
    second = _article("late", WIRE, published=dt.date(2021, 3, 3))
    assert [(r.doc, r.of) for r in _find(second, first)] == [("late", "early")]
    undated = (_article("one", WIRE), _article("two", WIRE), _article("three", WIRE))
    # Both later copies cite the first, never each other.
    assert [(r.doc, r.of) for r in _find(*undated)] == [("two", "one"), ("three", "one")]


def test_less_than_the_share_copied_is_no_reprint() -> None:
    # Five of the wire's paragraphs and seven of its own: 5 of 12 copied, under 60 %.
    mixed = WIRE[:5] + tuple(f"{line} The paper added its own account." for line in GAZETTE)
    assert _find(_article("wire", WIRE), _article("mixed", mixed)) == ()


def test_outlets_quoting_the_same_speaker_are_not_reprints() -> None:
    quotes = (
        "“We have waited eleven years for this vote,” said council chair Dana Whitcombe after the meeting.",
        "“My basement flooded three times in five years,” said Maria Castellano, who lives near the river.",
        "“This wall will not stop the water, it will only move it,” said farmer Tom Aldine.",
    )
    gazette = GAZETTE[:3] + quotes + GAZETTE[3:]
    herald = HERALD[:2] + quotes + HERALD[2:]
    # Three shared quotes in articles of nine and ten passages are no reprint...
    assert _find(_article("gazette", gazette), _article("herald", herald)) == ()
    # ...while a page of little but those quotes would be (so the quotes do match as copies).
    page = (*quotes, HERALD[0])
    assert [(r.doc, r.of) for r in _find(_article("gazette", gazette), _article("page", page))] == [
        ("page", "gazette")
    ]


def _write_story(folder: Path) -> None:
    folder.mkdir()
    for name, paragraphs in (
        ("wire", WIRE),
        ("gazette", GAZETTE),
        ("herald", HERALD),
        ("reposted", _reprint_of_wire()),
    ):
        (folder / f"{name}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def test_reprint_adds_no_shared_claim_and_no_outlet(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    _write_story(folder)
    briefing = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 11, 21)))
    by_doc = {c.article.id: c.article for c in briefing.articles}
    assert [(by_doc[r.doc].path, by_doc[r.of].path) for r in briefing.reprints] == [
        ("reposted.txt", "wire.txt")
    ]
    reprint = by_doc[briefing.reprints[0].doc]
    copied = set(briefing.reprints[0].passages)
    assert copied, "the copied passages are recorded"
    # The copies stay visible (in the article text) but take part in nothing.
    assert copied <= {p.id for p in briefing.alignment.passages}
    assert reprint.outlet not in briefing.outlets
    assert len(briefing.outlets) == 3
    assert briefing.alignment.clusters, "the three real outlets share claims"
    for cluster in briefing.alignment.clusters:
        assert not copied & set(cluster.passages)
        assert reprint.outlet not in cluster.outlets
    points = [*briefing.consensus, *briefing.unique]
    points += [p for t in briefing.themes for p in (*t.points, *t.unique)]
    for point in points:
        assert not copied & set(point.passages)
        assert reprint.outlet not in point.outlets
    for quote in briefing.quotes:
        assert not copied & set(quote.passages)
    outputs = pipeline.write_outputs(briefing, tmp_path / "out")
    pages = pypdf.PdfReader(outputs.pdf).pages
    text = " ".join(" ".join(page.extract_text() or "" for page in pages).split())
    original = by_doc[briefing.reprints[0].of]
    # Both the sources table and the article's own heading say what it reprints.
    assert text.count(f"reprint of {original.outlet}: {original.title}") >= 2
    assert "4 articles from 3 outlets (1 reprint not counted)" in text.lower()


def test_align_json_marks_the_reprint_and_validates(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    _write_story(folder)
    result = CliRunner().invoke(app, ["align", str(folder), "--json", "--date", "2026-11-21"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, export.schema())
    ids = {d["path"]: d["id"] for d in document["documents"]}
    marks = {d["path"]: d["reprint_of"] for d in document["documents"]}
    assert marks == {
        "wire.txt": None,
        "gazette.txt": None,
        "herald.txt": None,
        "reposted.txt": ids["wire.txt"],
    }
    outlet = {d["id"]: d["outlet"] for d in document["documents"]}[ids["reposted.txt"]]
    counts = [len(p["outlets"]) for p in document["consensus"]]
    assert counts and max(counts) <= 3
    assert all(outlet not in p["outlets"] for p in document["consensus"])
    assert document["reprints"][0]["doc"] == ids["reposted.txt"]


def test_an_earlier_wire_story_carried_whole_in_a_later_longer_article_is_the_original() -> None:
    # The later article runs the whole wire story and adds thirteen paragraphs of its own.
    wire = _article("wire", WIRE, published=dt.date(2021, 3, 2))
    longer = _article("longer", WIRE + GAZETTE + HERALD, published=dt.date(2021, 3, 3))
    found = _find(wire, longer)
    assert [(r.doc, r.of) for r in found] == [("longer", "wire")]
    assert found[0].passages == tuple(f"longer#{n}" for n in range(1, len(WIRE) + 1))
    assert found[0].share < reprints.REPRINT_SHARE
    # Undated, nothing tells them apart: the contained article is taken for the reprint.
    assert [
        (r.doc, r.of) for r in _find(_article("wire", WIRE), _article("longer", WIRE + GAZETTE + HERALD))
    ] == [("wire", "longer")]
