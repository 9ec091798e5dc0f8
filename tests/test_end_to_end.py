"""The real build of the default corpus, read back as a reader and as a pipeline would."""

from __future__ import annotations

import jsonschema
import pypdf

from briefing.render import export
from tests.conftest import CORPUS, Built

FURNITURE = (
    "Advertisement",
    "Join the Conversation",
    "Democracy Dies in Darkness",
    "contributed to this report",
    "Already a subscriber",
    "More from Foreign Policy",
    "Wekelijkse update",
)


def _pdf_text(built: Built) -> str:
    reader = pypdf.PdfReader(built.outputs.pdf)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_pdf_has_theme_headings_and_names_outlets(built: Built) -> None:
    text = _pdf_text(built)
    for heading in ("Russia's position", "Military posture", "Recognition conditions"):
        assert heading in text
    for article in built.briefing.articles:
        assert article.article.outlet in text


def test_pdf_carries_no_page_furniture(built: Built) -> None:
    text = " ".join(_pdf_text(built).split())
    for phrase in FURNITURE:
        assert phrase not in text, phrase


def test_pdf_outline_and_metadata(built: Built) -> None:
    reader = pypdf.PdfReader(built.outputs.pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Russia's position" in titles and "The articles" in titles
    assert reader.metadata is not None
    assert reader.metadata.title == built.briefing.title
    assert (reader.metadata.author or "").startswith("briefing ")


def test_weasyprint_logged_no_warnings(built: Built) -> None:
    assert built.weasyprint_logs == ()


def test_json_validates_against_shipped_schema(built: Built) -> None:
    jsonschema.validate(built.document, export.schema())


def test_json_passages_slice_back_from_the_files(built: Built) -> None:
    docs = {d["id"]: (CORPUS / d["path"]).read_text(encoding="utf-8") for d in built.document["documents"]}
    for passage in built.document["passages"]:
        assert docs[passage["doc"]][passage["start"] : passage["end"]] == passage["text"]
    for removed in built.document["removed"]:
        assert 0 <= removed["start"] < removed["end"] <= len(docs[removed["doc"]])


def test_json_references_resolve(built: Built) -> None:
    passage_ids = {p["id"] for p in built.document["passages"]}
    cluster_ids = {c["id"] for c in built.document["clusters"]}
    points = [p for t in built.document["themes"] for p in t["points"] + t["unique"]]
    for point in points + built.document["consensus"] + built.document["unique"]:
        assert set(point["passages"]) <= passage_ids
        assert point["cluster"] is None or point["cluster"] in cluster_ids


def test_no_passage_lies_in_removed_furniture(built: Built) -> None:
    removed = [(r["doc"], r["start"], r["end"]) for r in built.document["removed"]]
    for p in built.document["passages"]:
        assert not any(d == p["doc"] and s < p["end"] and p["start"] < e for d, s, e in removed)


def test_outputs_are_written_with_no_leftover_temporary_files(built: Built) -> None:
    names = sorted(p.name for p in built.outputs.pdf.parent.iterdir())
    assert names == ["briefing.html", "briefing.json", "briefing.pdf"]


def test_the_summary_never_repeats_an_overview_sentence_word_for_word(built: Built) -> None:
    said = {" ".join(p["text"].split()) for p in built.document["overview"]["sentences"]}
    for point in built.document["consensus"]:
        assert " ".join(point["text"].split()) not in said, point["text"]


def test_each_citation_names_an_outlet_once_and_links_every_passage(built: Built) -> None:
    import re

    html = built.outputs.html.read_text(encoding="utf-8")
    spans = re.findall(r'<span class="cite">(.*?)</span>', html, flags=re.DOTALL)
    assert spans
    passages = {p.id: p for p in built.briefing.alignment.passages}
    points = [*built.briefing.overview.sentences, *built.briefing.consensus, *built.briefing.unique]
    points += [p for t in built.briefing.themes for p in (*t.points, *t.unique)]
    repeated = [p for p in points if len({passages[pid].outlet for pid in p.passages}) < len(p.passages)]
    for span in spans:
        names = re.findall(r'<a href="#[^"]+">([^<(][^<]*)</a>', span)
        assert len(names) == len(set(names)), span
    # A point citing two passages of one outlet links both: the outlet once, then "(2)".
    for point in repeated:
        outlets = {passages[pid].outlet for pid in point.passages}
        assert any("(2)</a>" in span and all(o in span for o in outlets) for span in spans), point.text


def test_timeline_rows_link_every_passage_of_their_event(built: Built) -> None:
    import re

    html = built.outputs.html.read_text(encoding="utf-8")
    [table] = re.findall(r'<table class="timeline">(.*?)</table>', html, flags=re.DOTALL)
    rows = re.findall(r'<span class="cite">(.*?)</span></td></tr>', table, flags=re.DOTALL)
    events = built.briefing.timeline.events
    assert len(rows) == len(events)
    passages = {p.id: p for p in built.briefing.alignment.passages}
    repeats = 0
    for row, event in zip(rows, events, strict=True):
        names = re.findall(r'<a href="#[^"]+">([^<(][^<]*)</a>', row)
        assert sorted(names) == sorted({passages[pid].outlet for pid in event.passages}), row
        assert len(re.findall(r"<a href=", row)) == len(event.passages), row
        repeats += len(event.passages) - len(names)
    assert repeats  # some event cites one outlet twice, so the "(2)" links are covered
