"""The render workers: a briefing laid out in two processes and joined reads as the one-process
PDF does (same pages, text, bookmarks, links, labels, metadata), is rebuilt byte for byte, and
falls back to one process where splitting is not done; the dependency patches change nothing
WeasyPrint writes; commands that draw no PDF never load WeasyPrint."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest

from briefing.render import layout, parts, patches, press
from tests.conftest import CORPUS, ROOT, Built

needs_split = pytest.mark.skipif(not press.can_split(), reason="two-process layout is for Linux")


def _read(pdf: bytes | Path) -> pypdf.PdfReader:
    import io

    return pypdf.PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)


def _reading(pdf: bytes | Path) -> dict[str, Any]:
    """What a reader of the PDF sees: pages (text, size), bookmarks, named destinations, links
    (where each sits and which page and point it leads to), page labels, metadata, language."""
    reader = _read(pdf)

    def where(destination: Any) -> tuple[int | None, float, float]:
        page = reader.get_destination_page_number(destination)
        return page, round(float(destination.left), 2), round(float(destination.top), 2)

    def marks(items: list[Any], depth: int = 0) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        for item in items:
            if isinstance(item, list):
                found += marks(item, depth + 1)
            else:
                found.append((depth, item.title, *where(item)))
        return found

    dests = {name: where(d) for name, d in reader.named_destinations.items()}
    links = []
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            rect = tuple(round(float(v), 2) for v in link["/Rect"])
            links.append((index, rect, str(link["/Dest"]), dests.get(str(link["/Dest"]))))
    return {
        "text": [page.extract_text() for page in reader.pages],
        "sizes": [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages],
        "bookmarks": marks(reader.outline),
        "destinations": dests,
        "links": links,
        "labels": reader.page_labels,
        "metadata": dict(reader.metadata or {}),
        "lang": reader.root_object.get("/Lang"),
    }


@pytest.fixture(scope="module")
def started() -> Any:
    with press.Press.start() as workers:
        yield workers


@pytest.fixture(scope="module")
def split_pdf(built: Built, started: press.Press) -> press.Printed:
    html = built.outputs.html.read_text(encoding="utf-8")
    job = layout.Job(html=html, built=built.briefing.built)
    return started.render(job, split=True)


@needs_split
def test_two_process_build_reads_as_the_one_process_build(built: Built, split_pdf: press.Printed) -> None:
    assert split_pdf.processes == 2
    one, two = _reading(built.outputs.pdf), _reading(split_pdf.pdf)
    assert len(two["text"]) == len(one["text"])
    for key in one:
        assert two[key] == one[key], key


@needs_split
def test_every_link_of_the_joined_pdf_resolves(split_pdf: press.Printed) -> None:
    reading = _reading(split_pdf.pdf)
    assert reading["links"]
    unresolved = [link for link in reading["links"] if link[3] is None]
    assert unresolved == []
    # Links cross the seam both ways: a citation to an article passage, a passage to its point.
    seam = next(i for i, text in enumerate(reading["text"]) if text.startswith("The articles"))
    assert any(page < seam <= target[0] for page, _, _, target in reading["links"])
    assert any(target[0] < seam <= page for page, _, _, target in reading["links"])


@needs_split
def test_contents_page_numbers_are_where_the_bookmarks_point(split_pdf: press.Printed) -> None:
    reading = _reading(split_pdf.pdf)
    contents = next(text for text in reading["text"] if "Contents" in text)
    pages = {title: page for depth, title, page, _, _ in reading["bookmarks"] if depth == 0}
    listed = re.findall(r"([A-Z][^.\n]*?)\s*\.{3,}\s*(\d+)", contents)
    assert listed
    for title, number in listed:
        assert pages[title.strip()] + 1 == int(number), title
    footers = [re.search(r"Page (\d+) of (\d+)", text) for text in reading["text"]]
    assert [(int(m[1]), int(m[2])) for m in footers if m] == [
        (n, len(reading["text"])) for n in range(1, len(reading["text"]) + 1)
    ]


@needs_split
def test_two_process_builds_are_byte_identical(
    built: Built, started: press.Press, split_pdf: press.Printed
) -> None:
    html = built.outputs.html.read_text(encoding="utf-8")
    again = started.render(layout.Job(html=html, built=built.briefing.built), split=True)
    assert again.processes == 2
    assert again.pdf == split_pdf.pdf


def test_variants_and_small_briefings_lay_out_in_one_process(built: Built, started: press.Press) -> None:
    attachment = built.outputs.json.read_bytes()
    html = built.outputs.html.read_text(encoding="utf-8")
    archival = started.render(
        layout.Job(html=html, built=built.briefing.built, variant="pdf/a-3b", attachment=attachment)
    )
    assert archival.processes == 1
    [attached] = _read(archival.pdf).attachments["briefing.json"]
    assert attached == attachment
    small = html[: html.index('<section class="theme">')] + html[html.index(parts.MARK) :]
    pieces = parts.split(small)
    assert pieces is not None and pieces.smaller < parts.MIN_PART_CHARS
    assert started.render(layout.Job(html=small, built=built.briefing.built)).processes == 1


def test_each_part_carries_the_targets_of_its_links(built: Built) -> None:
    html = built.outputs.html.read_text(encoding="utf-8")
    pieces = parts.split(html)
    assert pieces is not None
    for part in (pieces.front, pieces.back):
        ids = set(re.findall(r'\sid="([^"]+)"', part))
        assert set(re.findall(r'\shref="#([^"]+)"', part)) <= ids
    assert "<article" not in pieces.front
    assert '<section class="theme">' not in pieces.back
    assert built.briefing.title in pieces.back  # the running header's title, on the seam page
    assert parts.split(html.replace(parts.MARK, "")) is None


def test_worker_warnings_are_logged_in_the_main_process(
    started: press.Press, caplog: pytest.LogCaptureFixture
) -> None:
    html = '<html><body><p><a href="#nowhere">a link to nothing</a></p></body></html>'
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        printed = started.render(layout.Job(html=html, built=dt.date(2026, 1, 1)))
    assert printed.pdf.startswith(b"%PDF-")
    assert any("nowhere" in record.getMessage() for record in caplog.records)


def test_a_worker_failure_is_raised_with_its_traceback(started: press.Press) -> None:
    with pytest.raises(press.WorkerError, match="Traceback"):
        started.render(layout.Job(html="<p>x</p>", built=dt.date(2026, 1, 1), variant="pdf/x"))


@pytest.mark.skipif(
    patches._installed("tinyhtml5") not in patches.TINYHTML5_BUGGY, reason="tinyhtml5 without the bug"
)
def test_tinyhtml5_patch_files_patterns_under_the_key_it_looks_up() -> None:
    from tinyhtml5 import inputstream  # type: ignore[import-untyped]

    patches.apply()
    stream = inputstream.HTMLUnicodeInputStream
    patched = stream.chars_until
    original = patched.__wrapped__
    text = "plain text & more <b>bold</b>\x00 tail \t  spaces"
    cases = ((("&", "<", "\x00"), False), (frozenset(" \t\n"), True), (">", False), ("ab", True))
    for characters, opposite in cases:
        for start in range(len(text)):
            mine, theirs = stream(text[start:]), stream(text[start:])
            # The original builds its own pattern when the right key is missing.
            inputstream.characters_until_regex.pop((characters, opposite), None)
            expected = original(theirs, characters, opposite)
            assert patched(mine, characters, opposite) == expected
            assert mine.character() == theirs.character()  # both stopped at the same place
            assert (characters, opposite) in inputstream.characters_until_regex


def test_patched_weasyprint_writes_the_same_pdf(built: Built) -> None:
    """The patches change how fast WeasyPrint works, never what it writes: the build's PDF
    (laid out with them) is the one WeasyPrint writes without them, in a fresh process."""
    script = (
        "import sys, datetime; from briefing.render import layout, patches\n"
        "patches.apply = lambda: ()\n"
        f"job = layout.Job(html=sys.stdin.read(), built=datetime.date.fromisoformat({built.briefing.built.isoformat()!r}))\n"
        "sys.stdout.buffer.write(layout.Renderer().render(job).pdf)\n"
    )
    html = built.outputs.html.read_bytes()
    unpatched = subprocess.run(
        [sys.executable, "-c", script], input=html, capture_output=True, check=True, cwd=ROOT
    ).stdout
    assert unpatched == built.outputs.pdf.read_bytes()


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["build", "--help"], ["align", str(CORPUS)]])
def test_commands_that_draw_no_pdf_never_import_weasyprint(argv: list[str]) -> None:
    script = (
        "import sys\n"
        "from briefing import cli\n"
        f"sys.argv = ['briefing', *{argv!r}]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print('weasyprint' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr


def test_build_timings_go_to_stderr_and_show_both_processes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from briefing.cli import app

    result = CliRunner().invoke(app, ["build", str(CORPUS), "--out", str(tmp_path), "--timings"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == [
        str(tmp_path / name) for name in ("briefing.pdf", "briefing.html", "briefing.json")
    ]
    table = result.stderr[result.stderr.index("where the time went") :]
    assert "worker 1" in table and "import WeasyPrint" in table and "main" in table
    assert re.search(r"total \d+\.\d\d s", table)
