"""Loading corpus folders: manifest, metadata guesses, encodings, and files that must be skipped."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from briefing.errors import CorpusError, ManifestError
from briefing.models import Article
from briefing.read import corpus, metadata
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
    assert metadata.outlet_from_filename("003_associated-press.txt") == "Associated Press"
    assert metadata.outlet_from_filename("BBC_news.txt") == "BBC News"


def test_hashed_file_names_are_labelled_by_their_headline(tmp_path: Path) -> None:
    assert metadata.outlet_from_filename("000_0f941cd36021eba6.txt") is None
    assert metadata.outlet_from_filename("12345.txt") is None
    (tmp_path / "000_0f941cd36021eba6.txt").write_text(
        "Storm floods the northern districts overnight\n\nThe river rose two metres in six hours.\n",
        encoding="utf-8",
    )
    (tmp_path / "001_9a8b7c6d5e4f3a2b.txt").write_text(
        "Floods\n\nWater covered the roads, officials said on Monday morning.\n", encoding="utf-8"
    )
    loaded = corpus.load(tmp_path)
    assert loaded.articles[0].outlet == "Storm floods the northern districts…"
    # No headline-like line: a neutral label from the file's own name, never a sentence of the body.
    assert loaded.articles[1].outlet == "001_9a8b7c6d5e4f3a2b"
    assert loaded.articles[1].title == "001_9a8b7c6d5e4f3a2b"


def test_title_from_text_skips_masthead_naming_the_outlet() -> None:
    text = "The Daily Planet | Your trusted news since 1938\n\nMayor opens the new bridge across the river\n\nBody.\n"
    assert metadata.title(text, outlet="Daily Planet") == "Mayor opens the new bridge across the river"
    assert (metadata.title(text) or "").startswith("The Daily Planet")


def test_sentences_ending_in_a_full_stop_are_not_headlines() -> None:
    text = "The council met on Monday to agree the budget.\n\nIt passed by nine votes to two.\n"
    assert metadata.title(text) is None
    assert metadata.title("Council passes the budget\n\n" + text) == "Council passes the budget"


BODY = (
    "The council approved the budget after a long debate on Monday evening.\n\n"
    "Opposition members said the plan cut too deeply into school funding.\n"
)


def _load_one(tmp_path: Path, text: str, name: str = "doc1.txt") -> Article:
    (tmp_path / name).write_text(text, encoding="utf-8")
    [article] = corpus.load(tmp_path).articles
    return article


@pytest.mark.parametrize(
    ("opening", "outlet"),
    [
        ("WASHINGTON (Reuters) - The council approved", "Reuters"),
        ("NEW YORK (AP) — The council approved", "Associated Press"),
        ("(CNN) The council approved", "CNN"),
        ("SPRINGFIELD, Ill. (KPIX 5) -- The council approved", "KPIX 5"),
    ],
)
def test_dateline_names_the_outlet(tmp_path: Path, opening: str, outlet: str) -> None:
    text = BODY.replace("The council approved", opening, 1)
    assert _load_one(tmp_path, text, "000_3f2a9c.txt").outlet == outlet


def test_party_label_after_a_name_is_no_dateline(tmp_path: Path) -> None:
    text = "WASHINGTON -- Former Rep. Jane Doe (D-Ill.) pleaded guilty on Wednesday.\n\n" + BODY
    assert _load_one(tmp_path, text).outlet == "doc1"


@pytest.mark.parametrize(
    ("closing", "outlet"),
    [
        ("Reporting by Anna Petrova; Editing by Mark Heinz", "Reuters"),
        ("(Additional reporting by Lee Chan; Writing by Tom Baker; Editing by Ann Roe)", "Reuters"),
        ("Copyright 2015 The Associated Press. All rights reserved.", "Associated Press"),
        ("Associated Press writers Jane Roe and John Poe contributed to this report.", "Associated Press"),
        ("By Associated Press", "Associated Press"),
    ],
)
def test_credit_line_names_the_outlet(tmp_path: Path, closing: str, outlet: str) -> None:
    assert _load_one(tmp_path, BODY + "\n" + closing + "\n").outlet == outlet


@pytest.mark.parametrize(
    "closing", ["The Associated Press contributed to this report.", "By Jane Roe", "Copyright Getty Images"]
)
def test_agency_that_contributed_is_not_the_outlet(tmp_path: Path, closing: str) -> None:
    assert _load_one(tmp_path, BODY + "\n" + closing + "\n").outlet == "doc1"


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("nyt.txt", "The New York Times"),
        ("wapo.txt", "The Washington Post"),
        ("hpo.txt", "HuffPost"),
        ("huffpo.txt", "HuffPost"),
        ("ap.txt", "Associated Press"),
        ("bbc.txt", "BBC"),
        ("fox.txt", "Fox News"),
        ("02-wsj.txt", "The Wall Street Journal"),
    ],
)
def test_common_short_file_names_give_the_outlet(name: str, outlet: str) -> None:
    assert metadata.outlet_from_filename(name) == outlet


def test_masthead_naming_a_known_outlet_gives_it(tmp_path: Path) -> None:
    text = "The Washington PostDemocracy Dies in Darkness\n\nCouncil passes the budget\n\n" + BODY
    article = _load_one(tmp_path, text, "000_3f2a9c.txt")
    assert article.outlet == "The Washington Post"
    assert article.title == "Council passes the budget"


@pytest.mark.parametrize(
    "first",
    [
        '"We will not stop until every vote is counted," the mayor said on Tuesday morning."',
        "She won by a 134-to-63 vote, a wider margin than her allies expected (a record).",
        "She won by a 134-to-63 vote, a wider margin than anyone in the hall expected!",
        "He added: \u201cThey are not going to get away with it, not this time around.\u201d",
    ],
)
def test_first_paragraph_that_is_a_sentence_is_neither_title_nor_label(tmp_path: Path, first: str) -> None:
    article = _load_one(tmp_path, first + "\n\n" + BODY)
    assert article.title == "doc1"
    assert article.outlet == "doc1"


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Published: August 17, 2021", dt.date(2021, 8, 17)),
        ("Aug. 17, 2021", dt.date(2021, 8, 17)),
        ("Updated 10:24 a.m. ET, Mon October 5, 2015", dt.date(2015, 10, 5)),
        ("Posted 17 August 2021 at 10:24", dt.date(2021, 8, 17)),
    ],
)
def test_date_stated_on_the_page_is_the_publication_date(
    tmp_path: Path, line: str, published: dt.date
) -> None:
    article = _load_one(tmp_path, "Council passes the budget\n\n" + line + "\n\n" + BODY)
    assert article.published == published
    assert article.title == "Council passes the budget"


def test_dated_dateline_and_dated_headline_give_the_date(tmp_path: Path) -> None:
    dateline = BODY.replace("The council", "MONDAY, Jan. 25, 2016 (HealthDay News) -- The council", 1)
    assert _load_one(tmp_path, dateline).published == dt.date(2016, 1, 25)
    other = tmp_path / "other"
    other.mkdir()
    headline = "Council passes the budget at last October 15, 2013 5:39 PM\n\n" + BODY
    article = _load_one(other, headline)
    assert (article.title, article.published) == ("Council passes the budget at last", dt.date(2013, 10, 15))


def test_dates_inside_the_story_are_not_the_publication_date(tmp_path: Path) -> None:
    text = BODY + "\nThe last budget, passed on Aug. 17, 2019, was smaller.\n"
    assert _load_one(tmp_path, text).published is None


def test_manifest_overrides_what_the_text_states(tmp_path: Path) -> None:
    (tmp_path / "nyt.txt").write_text("NEW YORK (AP) — Published: August 17, 2021\n\n" + BODY)
    (tmp_path / "briefing.toml").write_text(
        '[[articles]]\nfile = "nyt.txt"\noutlet = "The Daily Planet"\npublished = 2021-08-18\n'
    )
    [article] = corpus.load(tmp_path).articles
    assert (article.outlet, article.published) == ("The Daily Planet", dt.date(2021, 8, 18))


def test_credit_like_line_deep_in_a_list_does_not_name_the_outlet(tmp_path: Path) -> None:
    items = [f"Item {i}: the council approved budget line number {i} on Monday." for i in range(40)]
    items[20] = "Associated Press Writer Ken Ritter in Las Vegas contributed to this article."
    (tmp_path / "ledger.txt").write_text("\n\n".join(items) + "\n")
    [article] = corpus.load(tmp_path).articles
    assert article.outlet == "Ledger"


def test_line_topping_several_files_is_their_masthead_and_outlet(tmp_path: Path) -> None:
    body = "The council approved the budget on Monday after a long debate.\n\nSchools will get more money.\n"
    for name, headline in (
        ("a1", "Council passes the budget at last"),
        ("a2", "Schools win in the new budget"),
    ):
        (tmp_path / f"{name}.txt").write_text(f"The Harbour Gazette | Local news\n\n{headline}\n\n{body}")
    (tmp_path / "b1.txt").write_text(
        "Budget vote ends a long week at city hall\n\n" + body.replace("Monday", "Tuesday")
    )
    articles = {a.path: a for a in corpus.load(tmp_path).articles}
    assert articles["a1.txt"].outlet == articles["a2.txt"].outlet == "The Harbour Gazette"
    assert articles["a1.txt"].title == "Council passes the budget at last"
    assert articles["b1.txt"].outlet != "The Harbour Gazette"


def test_copies_sharing_a_headline_keep_their_own_outlets(tmp_path: Path) -> None:
    story = "Storm closes the coastal road\n\nThe storm closed the coastal road on Monday, police said.\n"
    (tmp_path / "x1.txt").write_text(story)
    (tmp_path / "x2.txt").write_text(story + "\nMore rain is expected on Tuesday.\n")
    outlets = [a.outlet for a in corpus.load(tmp_path).articles]
    assert len(set(outlets)) == 2
