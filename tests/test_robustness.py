"""Any folder a user points the tool at: bad files are skipped or stop the run with one clear
line, offsets stay honest, article text stays data, and nothing is lost or modified."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from briefing import pipeline
from briefing.align import alignment
from briefing.cli import app
from briefing.errors import CorpusError
from briefing.models import Settings
from briefing.read import cleaning, corpus, segmentation
from briefing.render import export, report
from tests.conftest import CORPUS, make_article

runner = CliRunner()
STORY = (
    "The city council approved the new budget on Tuesday after a long debate.\n\n"
    "The mayor said the plan would fund three new schools and repair the old bridge.\n\n"
    "Opposition members said the tax increase would hurt small businesses in the district.\n"
)
OTHER = (
    "Council members voted on Tuesday to approve the budget after hours of debate.\n\n"
    "According to the mayor, the money will pay for three new schools and bridge repairs.\n"
)


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    done = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_empty_folder_says_what_to_put_in_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["align", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {tmp_path}: no text files")


def test_corpus_file_instead_of_folder_is_one_line_error(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text(STORY)
    result = runner.invoke(app, ["align", str(file)])
    assert result.exit_code == 1
    assert "not a folder" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_byte_order_mark_keeps_offsets_exact(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff".encode() + STORY.encode())
    [article] = corpus.load(tmp_path).articles
    assert article.text == path.read_text(encoding="utf-8")
    for p in segmentation.split(cleaning.clean(article)):
        assert article.text[p.start : p.end] == p.text
        assert "\ufeff" not in p.text


def test_latin1_file_slices_back_from_its_decoding(tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes(
        "Le maire a déclaré que le budget était équilibré.\n".encode("latin-1")
    )
    (tmp_path / "other.txt").write_text(STORY)
    briefing = pipeline.build_briefing(tmp_path, settings=Settings())
    texts = {c.article.id: c.article.text for c in briefing.articles}
    assert "déclaré" in texts["latin"]
    for p in briefing.alignment.passages:
        assert texts[p.doc][p.start : p.end] == p.text
    assert any("not UTF-8" in w for w in briefing.warnings)


def test_oversized_file_is_skipped_with_warning(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    with (tmp_path / "dump.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a 50 MB file (sparse)
    loaded = corpus.load(tmp_path)
    assert loaded.skipped == ("dump.txt",)
    assert any("over the" in w for w in loaded.warnings)


def test_symlink_loop_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / ".hidden.txt").write_text(OTHER)
    loaded = corpus.load(tmp_path)
    assert [a.path for a in loaded.articles] == ["a.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    locked = tmp_path / "locked.txt"
    locked.write_text(OTHER)
    locked.chmod(0)
    loaded = corpus.load(tmp_path)
    assert loaded.skipped == ("locked.txt",)


def test_names_with_spaces_and_accents_keep_their_paths(tmp_path: Path) -> None:
    (tmp_path / "Le Monde été.txt").write_text(STORY)
    (tmp_path / "El País.txt").write_text(OTHER)
    document = export.to_document(pipeline.build_briefing(tmp_path, settings=Settings()))
    paths = sorted(d["path"] for d in document["documents"])
    assert paths == ["El País.txt", "Le Monde été.txt"]
    assert {d["outlet"] for d in document["documents"]} == {"El País", "Le Monde Été"}
    jsonschema.validate(document, export.schema())


def test_single_article_still_gets_a_briefing_that_says_so(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "one"
    corpus_dir.mkdir()
    (corpus_dir / "only.txt").write_text(STORY)
    result = runner.invoke(app, ["build", str(corpus_dir), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert "only one outlet" in result.stderr
    assert "single outlet" in _pdf_text(tmp_path / "out" / "briefing.pdf")


def test_theme_matching_nothing_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(OTHER)
    (tmp_path / "briefing.toml").write_text(
        '[[themes]]\nid = "space"\ntitle = "Space travel"\nterms = ["rocket", "orbit", "astronaut"]\n'
    )
    result = runner.invoke(app, ["align", str(tmp_path)])
    assert result.exit_code == 0
    assert "theme 'space': no passage matches its terms" in result.stderr


def test_article_in_another_language_builds(tmp_path: Path) -> None:
    (tmp_path / "fr.txt").write_text(
        "Le conseil municipal a adopté le budget mardi après un long débat.\n\n"
        "Le maire a déclaré que le plan financera trois écoles et la réparation du pont.\n"
    )
    (tmp_path / "en.txt").write_text(STORY)
    briefing = pipeline.build_briefing(tmp_path, settings=Settings())
    assert len(briefing.articles) == 2


HOSTILE = (
    'Officials said <script>alert("x")</script> was found, and <img src="file:///etc/passwd"> too, '
    'with <link rel="stylesheet" href="http://example.com/evil.css"> and {{ 7*7 }} in a note.'
)


def test_article_text_and_manifest_values_stay_literal(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    (corpus_dir / "a.txt").write_text(STORY + "\n" + HOSTILE + "\n")
    (corpus_dir / "b.txt").write_text(OTHER + "\n" + HOSTILE + "\n")
    (corpus_dir / "briefing.toml").write_text(
        '[story]\ntitle = "Budget {{ 7*7 }} <b>vote</b>"\n[[articles]]\nfile = "a.txt"\noutlet = "<i>Gazette</i>"\n'
    )
    briefing = pipeline.build_briefing(corpus_dir, settings=Settings())
    outputs = pipeline.write_outputs(briefing, tmp_path / "out")
    html = outputs.html.read_text(encoding="utf-8")
    # A tag left in an article is scraper markup: marked as furniture, or else shown escaped.
    assert "<script>" not in html
    marked = any(r.reason == "markup" for a in briefing.articles for r in a.removed)
    assert marked or "&lt;script&gt;" in html
    assert '<img src="file:///etc/passwd">' not in html
    assert "{{ 7*7 }}" in html.replace("&#34;", '"') and "49" not in briefing.title
    text = _pdf_text(outputs.pdf)
    assert "Budget {{ 7*7 }} <b>vote</b>" in text
    assert "<i>Gazette</i>" in text
    assert '<script>alert("x")</script>' in text or (marked and 'alert("x")' in text)


def test_fetcher_refuses_everything_but_the_templates() -> None:
    fetcher = report._fetcher(report.templates_dir())
    for url in ("file:///etc/passwd", "http://example.com/x.css", "https://example.com/a.png", "data:,x"):
        with pytest.raises(ValueError, match="fetches nothing but its own templates"):
            fetcher.fetch(url)
    css = (report.templates_dir() / "briefing.css").resolve().as_uri()
    response = fetcher.fetch(css)
    try:
        assert response is not None
    finally:
        response.close()


def test_failed_render_keeps_previous_briefing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    briefing = pipeline.build_briefing(CORPUS, settings=Settings())
    outputs = pipeline.write_outputs(briefing, tmp_path)
    before = _hashes(tmp_path)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(report, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        pipeline.write_outputs(briefing, tmp_path)
    assert _hashes(tmp_path) == before
    assert outputs.pdf.read_bytes().startswith(b"%PDF-")


def test_build_never_modifies_the_corpus(tmp_path: Path) -> None:
    before = _hashes(CORPUS)
    result = runner.invoke(app, ["build", str(CORPUS), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert _hashes(CORPUS) == before


def test_unwritable_output_is_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["build", str(CORPUS), "--out", str(blocker / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "--out" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


any_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_clean_marks_valid_spans_for_any_text(text: str) -> None:
    clean = cleaning.clean(make_article(text))
    spans = sorted([(s.start, s.end) for s in clean.body] + [(r.start, r.end) for r in clean.removed])
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text)
        previous = end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), any_text), min_size=1, max_size=6))
def test_align_accepts_any_passages(docs: list[tuple[str, str]]) -> None:
    passages = []
    for n, (outlet, text) in enumerate(docs):
        article = make_article(text, outlet=outlet)
        for p in segmentation.split(cleaning.clean(article)):
            passages.append(type(p)(**{**{f: getattr(p, f) for f in p.__slots__}, "id": f"{n}-{p.id}"}))
    result = alignment.align(passages)
    by_id = {p.id: p for p in passages}
    for cluster in result.clusters:
        assert len({by_id[p].outlet for p in cluster.passages}) >= 2
        assert 0 <= cluster.score <= 1


words = st.sampled_from(
    "the council budget mayor vote schools bridge tax said Tuesday approved debate 2,500 “no rush” U.S. plan".split()
)
sentence = st.lists(words, min_size=3, max_size=14).map(lambda w: " ".join(w).capitalize() + ".")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(sentence, min_size=1, max_size=6), min_size=1, max_size=3))
def test_cli_align_json_on_generated_corpora(
    tmp_path_factory: pytest.TempPathFactory, docs: list[list[str]]
) -> None:
    folder = tmp_path_factory.mktemp("gen")
    for n, paragraphs in enumerate(docs):
        (folder / f"outlet-{n}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["align", str(folder), "--json"])
    assert result.exit_code in (0, 3), result.stderr
    document = json.loads(result.stdout)
    jsonschema.validate(document, export.schema())
    texts = {d["id"]: (folder / d["path"]).read_text(encoding="utf-8") for d in document["documents"]}
    for p in document["passages"]:
        assert texts[p["doc"]][p["start"] : p["end"]] == p["text"]


@pytest.mark.slow
def test_ten_thousand_small_files(tmp_path: Path) -> None:
    for n in range(10_000):
        (tmp_path / f"note-{n:05d}.txt").write_text(
            f"Item {n} of the council register was filed on Tuesday.\n"
        )
    result = runner.invoke(app, ["align", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.stderr[-500:]
    assert len(json.loads(result.stdout)["documents"]) == 10_000


def test_missing_folder_raises_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError):
        corpus.load(tmp_path / "missing")
