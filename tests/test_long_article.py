"""An article longer than the PDF prints (report.ARTICLE_PRINT_CHARS): the PDF prints its head
and says where it stops, every citation still has a target, and briefing.json keeps it whole."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest

from briefing.models import Briefing, Passage
from briefing.render import export, report
from tests.conftest import CORPUS, build_logged

LONG = "long.txt"
PLACES = "Alder Brook Cedar Dunmore Elm Fairview Glen Harlow Ivy Juniper Kestrel Linden".split()
ITEMS = "school bridge clinic library depot market station park harbour tunnel".split()


def _filler(n: int) -> str:
    """A plain news sentence that differs from the others (place, number, item)."""
    place, item = PLACES[n % len(PLACES)], ITEMS[n // len(PLACES) % len(ITEMS)]
    return (
        f"Residents of {place} said on the {n}th day that the {item} near route {n * 7 % 1000} had reopened."
    )


def _long_text(over: int) -> str:
    """One line (no newline) of filler sentences, ``over`` characters past the print limit,
    ending in sentences copied from the default corpus so that points cite its tail."""
    tail = []
    for name in ("associated-press.txt", "washington-post.txt"):
        paragraphs = [p for p in (CORPUS / name).read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
        tail.append(" ".join(paragraphs[1].split()))
    tail.append("“We will not give up on the people of this valley,” said Mayor Alan Brooks.")
    sentences: list[str] = []
    n = 0
    while sum(len(s) + 1 for s in sentences) < report.ARTICLE_PRINT_CHARS + over:
        sentences.append(_filler(n))
        n += 1
    return " ".join([*sentences, *tail])


@dataclass(frozen=True)
class LongBuild:
    text: str
    briefing: Briefing
    document: dict[str, Any]
    html: str
    pdf_text: str
    weasyprint_logs: tuple[str, ...]


@pytest.fixture(scope="module")
def long_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LongBuild]:
    """The default corpus plus one article over the print limit, built as `briefing build` does."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    folder = tmp_path_factory.mktemp("corpus")
    for path in CORPUS.iterdir():
        shutil.copy(path, folder / path.name)
    text = _long_text(over=15_000)
    (folder / LONG).write_text(text, encoding="utf-8")
    briefing, outputs, records = build_logged(folder, tmp_path_factory.mktemp("out"))
    done = subprocess.run([pdftotext, str(outputs.pdf), "-"], capture_output=True, text=True, check=True)
    yield LongBuild(
        text=text,
        briefing=briefing,
        document=json.loads(outputs.json.read_text(encoding="utf-8")),
        html=outputs.html.read_text(encoding="utf-8"),
        pdf_text=" ".join(done.stdout.split()),
        weasyprint_logs=tuple(records),
    )


def _doc_id(build: LongBuild) -> str:
    [doc] = [d["id"] for d in build.document["documents"] if d["path"] == LONG]
    return str(doc)


def _first_unprinted(build: LongBuild) -> dict[str, Any]:
    """The long article's first passage past the limit, counted from the JSON."""
    used = 0
    for passage in build.document["passages"]:
        if passage["doc"] == _doc_id(build):
            used += len(passage["text"])
            if used > report.ARTICLE_PRINT_CHARS:
                return dict(passage)
    raise AssertionError("the long article fits the print limit; make it longer")


def test_pdf_says_where_the_long_article_stops_and_how_much_is_left(long_build: LongBuild) -> None:
    more = len(long_build.text) - _first_unprinted(long_build)["start"]
    assert f"… article truncated here: {more:,} more characters" in long_build.pdf_text
    assert "in briefing.json" in long_build.pdf_text
    assert long_build.pdf_text.count("article truncated here") == 1
    assert _filler(0) in long_build.pdf_text


def test_pdf_prints_nothing_of_the_long_article_past_the_limit(long_build: LongBuild) -> None:
    doc, start = _doc_id(long_build), _first_unprinted(long_build)["start"]
    quoted = {pid for point in _points(long_build.document) for pid in point["passages"]}
    quoted |= {pid for c in long_build.document["clusters"] for pid in c["passages"]}  # side by side
    tail = [
        p["text"]
        for p in long_build.document["passages"]
        if p["doc"] == doc and p["start"] >= start and p["id"] not in quoted
    ]
    assert len(tail) > 50
    printed = [text for text in tail if " ".join(text.split()) in long_build.pdf_text]
    assert printed == []


def test_normal_articles_print_whole(long_build: LongBuild) -> None:
    for document in long_build.document["documents"]:
        if document["path"] == LONG:
            continue
        passages = [p["text"] for p in long_build.document["passages"] if p["doc"] == document["id"]]
        assert passages
        for text in (passages[0], passages[-1]):
            assert " ".join(text.split()) in long_build.pdf_text, (document["path"], text)


def test_json_keeps_the_whole_long_article(long_build: LongBuild) -> None:
    doc = _doc_id(long_build)
    [document] = [d for d in long_build.document["documents"] if d["id"] == doc]
    assert document["text"] == long_build.text
    passages = [p for p in long_build.document["passages"] if p["doc"] == doc]
    assert passages[-1]["end"] == len(long_build.text)
    assert "said Mayor Alan Brooks" in passages[-1]["text"]
    for p in passages:
        assert long_build.text[p["start"] : p["end"]] == p["text"]
    jsonschema.validate(long_build.document, export.schema())


def test_every_link_has_a_target_and_weasyprint_logged_nothing(long_build: LongBuild) -> None:
    ids = set(re.findall(r'\bid="([^"]+)"', long_build.html))
    hrefs = set(re.findall(r'href="#([^"]+)"', long_build.html))
    assert hrefs <= ids, sorted(hrefs - ids)[:5]
    assert long_build.weasyprint_logs == ()


def test_citations_past_the_limit_lead_to_the_notice(long_build: LongBuild) -> None:
    doc = _doc_id(long_build)
    start = _first_unprinted(long_build)["start"]
    tail = {p["id"] for p in long_build.document["passages"] if p["doc"] == doc and p["start"] >= start}
    cited = {pid for point in _points(long_build.document) for pid in point["passages"]}
    assert tail & cited, "no point cites the long article's tail; the test corpus no longer exercises it"
    assert f'href="#{report.more_anchor(doc)}"' in long_build.html
    for pid in tail:
        assert f'id="{report.anchor(pid)}"' not in long_build.html


def test_quotes_past_the_limit_are_counted_not_printed(long_build: LongBuild) -> None:
    doc = _doc_id(long_build)
    start = _first_unprinted(long_build)["start"]
    starts = {p["id"]: (p["doc"], p["start"]) for p in long_build.document["passages"]}
    past = [
        q
        for q in long_build.document["quotes"]
        if all(starts[pid][0] == doc and starts[pid][1] >= start for pid in q["passages"])
    ]
    if not past:
        pytest.skip("no quote found in the long article's tail")
    assert "from article text past the print limit, in briefing.json" in long_build.pdf_text


def test_a_first_passage_over_the_limit_prints_its_head_to_a_space() -> None:
    text = "word " * 30_000
    passage = Passage(id="x#1", doc="x", outlet="X", start=0, end=len(text) - 1, text=text[:-1], paragraph=0)
    printed = report.extent([passage], len(text), limit=1_000)
    head = printed.shown["x#1"]
    assert len(head) <= 1_000 and head.endswith("word")
    assert (
        printed.notice
        == f"… article truncated here: {len(text) - len(head):,} more characters in briefing.json"
    )


def test_an_article_within_the_limit_prints_whole() -> None:
    passages = [
        Passage(id=f"x#{n}", doc="x", outlet="X", start=n * 10, end=n * 10 + 9, text="a" * 9, paragraph=0)
        for n in range(5)
    ]
    printed = report.extent(passages, 50, limit=45)
    assert printed.notice is None and len(printed.shown) == 5


def _points(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from document["consensus"]
    yield from document["unique"]
    for theme in document["themes"]:
        yield from theme["points"]
        yield from theme["unique"]
