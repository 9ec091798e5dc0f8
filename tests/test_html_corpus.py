"""A corpus mixing saved web pages and text files of one story, built end to end with
`briefing build`: metadata from the pages, offsets into the extracted text, the JSON contract,
the PDF read back, and the page without an article skipped with exit code 3."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pypdf
import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.read import corpus
from briefing.render import export
from tests.conftest import CORPUS, DATA

PAGES = DATA / "html"
runner = CliRunner()


@dataclass(frozen=True)
class MixedBuild:
    exit_code: int
    stdout: str
    stderr: str
    document: dict[str, Any]
    pdf_text: str


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> MixedBuild:
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copy(PAGES / "associated-press.html", folder / "ap.html")
    shutil.copy(PAGES / "slate-latin1.htm", folder / "slate.htm")
    shutil.copy(PAGES / "index-page.html", folder / "afghanistan-hub.html")
    shutil.copy(CORPUS / "washington-post.txt", folder / "washington-post.txt")
    shutil.copy(CORPUS / "foreign-policy.txt", folder / "foreign-policy.txt")
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["build", str(folder), "--out", str(out), "--date", "2026-11-21"])
    document = json.loads((out / "briefing.json").read_text(encoding="utf-8"))
    reader = pypdf.PdfReader(out / "briefing.pdf")
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    return MixedBuild(
        exit_code=result.exit_code,
        stdout=result.stdout,
        stderr=result.stderr,
        document=document,
        pdf_text=" ".join(pdf_text.split()),
    )


def _docs(mixed: MixedBuild) -> dict[str, dict[str, Any]]:
    return {d["path"]: d for d in mixed.document["documents"]}


def test_build_skips_the_index_page_with_a_warning_and_exit_3(mixed: MixedBuild) -> None:
    assert mixed.exit_code == 3, mixed.stderr
    assert "afghanistan-hub.html: no article text found in the page" in mixed.stderr
    assert [Path(line).name for line in mixed.stdout.split()] == [
        "briefing.pdf",
        "briefing.html",
        "briefing.json",
    ]
    assert "afghanistan-hub.html" not in _docs(mixed)


def test_json_is_valid_and_says_each_documents_format(mixed: MixedBuild) -> None:
    jsonschema.validate(mixed.document, export.schema())
    formats = {path: d["format"] for path, d in _docs(mixed).items()}
    assert formats == {
        "ap.html": "html",
        "foreign-policy.txt": "text",
        "slate.htm": "html",
        "washington-post.txt": "text",
    }


def test_web_pages_take_outlet_title_author_date_and_url_from_their_markup(mixed: MixedBuild) -> None:
    ap, slate = _docs(mixed)["ap.html"], _docs(mixed)["slate.htm"]
    assert (ap["outlet"], ap["title"], ap["author"], ap["published"]) == (
        "Associated Press",
        "Russia was ready for Taliban’s win due to longtime contacts",
        "Dana Kovac",
        "2021-08-19",
    )
    assert ap["url"] == "https://apnews.com/article/russia-taliban-afghanistan-kabul-4b1f5c2f2e0a"
    assert (slate["outlet"], slate["author"], slate["published"]) == (
        "Slate Magazine",
        "Alexandra Petrova",
        "2021-08-19",
    )


def test_passage_offsets_slice_the_extracted_text(mixed: MixedBuild) -> None:
    texts = {d["id"]: d["text"] for d in mixed.document["documents"]}
    html_ids = {d["id"] for d in mixed.document["documents"] if d["format"] == "html"}
    html_passages = [p for p in mixed.document["passages"] if p["doc"] in html_ids]
    assert len(html_passages) > 40
    for passage in mixed.document["passages"]:
        assert texts[passage["doc"]][passage["start"] : passage["end"]] == passage["text"]
    for removed in mixed.document["removed"]:
        assert 0 <= removed["start"] < removed["end"] <= len(texts[removed["doc"]])
    assert "<p>" not in texts[next(iter(html_ids))]


def test_pages_and_text_files_share_claims(mixed: MixedBuild) -> None:
    formats = {d["id"]: d["format"] for d in mixed.document["documents"]}
    doc_of = {p["id"]: p["doc"] for p in mixed.document["passages"]}
    mixed_clusters = [
        c
        for c in mixed.document["clusters"]
        if {formats[doc_of[p]] for p in c["passages"]} == {"html", "text"}
    ]
    assert len(mixed_clusters) >= 3
    page_outlets = {"Associated Press", "Slate Magazine"}
    assert any(page_outlets & set(point["outlets"]) for point in mixed.document["consensus"])


def test_cleaning_runs_on_the_extracted_text(mixed: MixedBuild) -> None:
    ap = _docs(mixed)["ap.html"]
    removed = {
        ap["text"][r["start"] : r["end"]]: r["reason"]
        for r in mixed.document["removed"]
        if r["doc"] == ap["id"]
    }
    assert removed.get(ap["title"]) == "headline"
    assert any(text.startswith("Get the morning wire") for text in removed)
    slate = _docs(mixed)["slate.htm"]
    reasons = [r["reason"] for r in mixed.document["removed"] if r["doc"] == slate["id"]]
    assert reasons.count("advertisement") == 3  # the ad slots' "Advertisement" labels


def test_pdf_prints_the_pages_articles_without_their_furniture(mixed: MixedBuild) -> None:
    assert "Russian ambassador to Kabul, Dmitry Zhirnov, praised the Taliban" in mixed.pdf_text
    assert "“calming the dragon”" in mixed.pdf_text  # from the Windows-1252 page, quotes intact
    for furniture in (
        "Share on Facebook",
        "Related Stories",
        "Read more from Slate",
        "AP Photo/Rahmat Gul",
        "kremlinwatcher42",
    ):
        assert furniture not in mixed.pdf_text
    assert "Associated Press" in mixed.pdf_text and "Slate Magazine" in mixed.pdf_text


def test_manifest_overrides_what_the_page_states(tmp_path: Path) -> None:
    shutil.copy(PAGES / "associated-press.html", tmp_path / "ap.html")
    (tmp_path / "briefing.toml").write_text(
        '[[articles]]\nfile = "ap.html"\noutlet = "AP"\ntitle = "Our title"\npublished = 2021-08-20\n'
        'author = "Someone Else"\nurl = "https://example.org/ap"\n',
        encoding="utf-8",
    )
    (article,) = corpus.load(tmp_path).articles
    assert (article.outlet, article.title, article.published, article.author, article.url) == (
        "AP",
        "Our title",
        dt.date(2021, 8, 20),
        "Someone Else",
        "https://example.org/ap",
    )
    assert article.format == "html"


def test_saved_page_assets_folder_is_not_read_as_articles(tmp_path: Path) -> None:
    shutil.copy(PAGES / "associated-press.html", tmp_path / "Russia.html")
    assets = tmp_path / "Russia_files"
    assets.mkdir()
    (assets / "ad-frame.htm").write_text(
        "<html><body><p>An advert in a frame.</p></body></html>", encoding="utf-8"
    )
    (assets / "notes.txt").write_text("Saved with the page.", encoding="utf-8")
    other = tmp_path / "Old_files"  # no Old.html beside it: an ordinary folder
    other.mkdir()
    shutil.copy(CORPUS / "slate.txt", other / "slate.txt")
    loaded = corpus.load(tmp_path)
    assert [a.path for a in loaded.articles] == ["Old_files/slate.txt", "Russia.html"]
    assert loaded.warnings == ()


def test_folder_of_only_unusable_pages_is_an_error(tmp_path: Path) -> None:
    shutil.copy(PAGES / "index-page.html", tmp_path / "hub.html")
    result = runner.invoke(app, ["align", str(tmp_path)])
    assert result.exit_code == 1
    assert "hub.html: no article text found" in result.stderr
