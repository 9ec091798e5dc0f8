"""The PDF as an archive, a printer and a mail server see it: outline, metadata, fonts,
variants, paper, size and byte-identical rebuilds."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from briefing import pipeline
from briefing.models import Settings
from briefing.render import report
from tests.conftest import CORPUS, Built, make_article

pdffonts = shutil.which("pdffonts")


def _build(out: Path, **options: str) -> pipeline.Outputs:
    briefing = pipeline.build_briefing(CORPUS, settings=Settings(built=dt.date(2026, 11, 21)))
    return pipeline.write_outputs(briefing, out, **options)  # type: ignore[arg-type]


def test_outline_has_every_section(built: Built) -> None:
    reader = pypdf.PdfReader(built.outputs.pdf)
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    expected = ["Executive summary", "Contents", *[t.title for t in built.briefing.themes], "The articles"]
    for title in expected:
        assert title in top, (title, top)
    nested = [item.title for group in reader.outline if isinstance(group, list) for item in group]
    for article in built.briefing.articles:
        assert any(article.article.outlet in title for title in nested)


def test_metadata_names_story_tool_and_language(built: Built) -> None:
    reader = pypdf.PdfReader(built.outputs.pdf)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == built.briefing.title
    assert meta.subject == built.briefing.description
    assert "Recognition conditions" in (meta.get("/Keywords") or "")
    assert (meta.creator or "").startswith("briefing ")
    assert reader.trailer["/Root"].get("/Lang") == "en"


@pytest.mark.skipif(pdffonts is None, reason="poppler-utils (pdffonts) not installed")
def test_every_font_is_embedded_and_ours(built: Built) -> None:
    listing = subprocess.run([pdffonts, str(built.outputs.pdf)], capture_output=True, text=True, check=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert "Briefing-" in name, row  # the shipped fonts, never a system fallback


def test_page_labels_match_the_footers(built: Built) -> None:
    reader = pypdf.PdfReader(built.outputs.pdf)
    assert "/PageLabels" in reader.trailer["/Root"]
    assert reader.page_labels == [str(n) for n in range(1, len(reader.pages) + 1)]


def test_default_pdf_is_small(built: Built) -> None:
    assert built.outputs.pdf.stat().st_size < 1_000_000


def test_two_builds_are_byte_identical(tmp_path: Path, built: Built) -> None:
    again = _build(tmp_path)
    assert again.pdf.read_bytes() == built.outputs.pdf.read_bytes()
    assert again.json.read_bytes() == built.outputs.json.read_bytes()


def test_pdfa_carries_the_json_byte_exact(tmp_path: Path) -> None:
    outputs = _build(tmp_path, variant="pdf/a-3b")
    reader = pypdf.PdfReader(outputs.pdf)
    [attached] = reader.attachments["briefing.json"]
    assert attached == outputs.json.read_bytes()
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"3" in xmp


def test_pdfua_is_tagged_and_letter_is_letter(tmp_path: Path) -> None:
    outputs = _build(tmp_path, variant="pdf/ua-1", paper="letter")
    reader = pypdf.PdfReader(outputs.pdf)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_article_passages_link_to_the_points_citing_them(built: Built) -> None:
    html = built.outputs.html.read_text(encoding="utf-8")
    for section in built.briefing.themes:
        for point in section.points:
            assert f'href="#p-{point.passage.replace("#", "-")}"' in html
    assert 'href="#pt-0"' in html


def test_outlet_labels_of_numbered_files_stay_apart() -> None:
    from briefing.render.report import initials

    assert len({initials(f"doc{i}") for i in range(1, 6)}) == 5
    assert initials("The Washington Post") == "TWP"


def test_an_article_without_a_title_of_its_own_is_headed_by_its_outlet_alone() -> None:
    untitled = replace(make_article("Text.", outlet="doc1"), title="doc1")
    titled = make_article("Text.", outlet="Daily Planet", title="Council passes the budget")
    assert report._heading(untitled) == "doc1"
    assert report._heading(titled) == "Daily Planet: Council passes the budget"
