"""Loading corpus folders: manifest, metadata guesses, encodings, and files that must be skipped."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefing import corpus
from briefing.errors import CorpusError, ManifestError
from tests.conftest import CORPUS

ARTICLE = "Moscow said on Tuesday that it would keep its embassy open.\n\nThe envoy met the group.\n"


def test_load_default_corpus_takes_metadata_from_manifest() -> None:
    loaded = corpus.load(CORPUS)
    assert len(loaded.articles) == 5
    assert [t.id for t in loaded.manifest.themes] == ["position", "military", "recognition"]
    for article in loaded.articles:
        data = (CORPUS / article.path).read_bytes()
        assert article.sha256 == hashlib.sha256(data).hexdigest()
        assert article.text == (CORPUS / article.path).read_text(encoding="utf-8")
        assert article.outlet and article.title and article.published
    assert loaded.warnings == ()


def test_load_without_manifest_guesses_outlet_and_title(tmp_path: Path) -> None:
    (tmp_path / "the-daily-planet.txt").write_text("Daily Planet reports a quiet day\n\n" + ARTICLE)
    loaded = corpus.load(tmp_path)
    [article] = loaded.articles
    assert article.outlet == "The Daily Planet"
    assert article.title == "Daily Planet reports a quiet day"
    assert loaded.manifest.themes == ()


def test_load_missing_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such folder"):
        corpus.load(tmp_path / "nowhere")


def test_load_folder_without_text_files_says_what_to_put_there(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(CorpusError, match="no text files"):
        corpus.load(tmp_path)


def test_load_reports_toml_syntax_error_with_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "briefing.toml").write_text('[story]\ntitle = "x"\n[[themes]\n')
    with pytest.raises(ManifestError, match=r"briefing.toml: invalid TOML: .*line 3"):
        corpus.load(tmp_path)


def test_load_warns_on_unknown_keys_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "briefing.toml").write_text(
        '[story]\ntitle = "x"\ncolour = "red"\n[[articles]]\nfile = "gone.txt"\noutlet = "Gone"\n'
    )
    loaded = corpus.load(tmp_path)
    assert any("unknown key 'colour'" in w for w in loaded.warnings)
    assert any("'gone.txt' is not in" in w for w in loaded.warnings)


def test_load_skips_binary_empty_and_duplicate_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "copy.txt").write_text(ARTICLE)
    (tmp_path / "blank.txt").write_text("  \n\n")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7\x00\x00binary")
    loaded = corpus.load(tmp_path)
    assert [a.path for a in loaded.articles] == ["a.txt"]
    assert sorted(loaded.skipped) == ["blank.txt", "copy.txt", "scan.txt"]


def test_load_reads_windows_1252_with_warning_and_exact_offsets(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_bytes("He said \u201cno rush\u201d on Tuesday.\r\n".encode("cp1252"))
    loaded = corpus.load(tmp_path)
    [article] = loaded.articles
    assert "\u201cno rush\u201d" in article.text
    assert "\r" not in article.text
    assert any("not UTF-8" in w and "0x93" in w for w in loaded.warnings)


def test_load_translates_newlines_as_read_text_does(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"First line here today.\r\n\r\nSecond one\rthird.\r\n")
    [article] = corpus.load(tmp_path).articles
    assert article.text == path.read_text(encoding="utf-8")


def test_outlet_from_filename_drops_numbering() -> None:
    assert corpus.outlet_from_filename("003_associated-press.txt") == "Associated Press"
    assert corpus.outlet_from_filename("BBC_news.txt") == "BBC News"


def test_hashed_file_names_are_labelled_by_their_headline(tmp_path: Path) -> None:
    assert corpus.outlet_from_filename("000_0f941cd36021eba6.txt") is None
    assert corpus.outlet_from_filename("12345.txt") is None
    (tmp_path / "000_0f941cd36021eba6.txt").write_text(
        "Storm floods the northern districts overnight\n\nThe river rose two metres in six hours.\n",
        encoding="utf-8",
    )
    (tmp_path / "001_9a8b7c6d5e4f3a2b.txt").write_text(
        "Floods\n\nWater covered the roads, officials said on Monday morning.\n", encoding="utf-8"
    )
    loaded = corpus.load(tmp_path)
    assert loaded.articles[0].outlet == "Storm floods the northern districts…"
    assert loaded.articles[1].outlet == "Floods"  # no headline-like line: the first line labels it
    assert loaded.articles[1].title == "001_9a8b7c6d5e4f3a2b"


def test_title_from_text_skips_masthead_naming_the_outlet() -> None:
    text = "The Daily Planet | Your trusted news since 1938\n\nMayor opens the new bridge across the river\n\nBody.\n"
    assert (
        corpus.title_from_text(text, outlet="Daily Planet") == "Mayor opens the new bridge across the river"
    )
    assert corpus.title_from_text(text).startswith("The Daily Planet")


def test_sentences_ending_in_a_full_stop_are_not_headlines() -> None:
    text = "The council met on Monday to agree the budget.\n\nIt passed by nine votes to two.\n"
    assert corpus.title_from_text(text) is None
    assert corpus.title_from_text("Council passes the budget\n\n" + text) == "Council passes the budget"
