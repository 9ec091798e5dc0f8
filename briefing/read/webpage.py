"""Read a saved web page (``.html``, ``.htm``): decode its bytes as a browser would, and take the
article's text and metadata from it with trafilatura, the one module that imports it.

Nothing is fetched and nothing is run: trafilatura parses the markup it is given (lxml), never
loads a URL, and drops scripts, styles, iframes and embeds unread.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = frozenset({".html", ".htm"})

# An article has at least this many words in paragraphs that read as sentences (six words or more,
# ending in . ! ? or a closing quotation mark). Calibrated on tests/data/html and test_webpage.py:
# what trafilatura extracts from a section front holds no such paragraph, from a login wall none
# (15 words in its default mode: "This article is available to subscribers only.", "Already a
# subscriber? ..."); the shortest page kept, a two-sentence brief, holds 39, the tag-soup page 119.
MIN_ARTICLE_WORDS = 30
_SENTENCE_WORDS = 6
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)]*$")

# Extraction time grows with the number of elements, faster than linearly for links: here 10,000
# elements of paragraphs took 0.7 s and 100,000 took 11 s; 20,000 links 3.1 s and 59,000 links 22 s.
# An article's page holds a few thousand at most (the test pages 17 to 129; Lighthouse flags a page
# of over 1,400). Past this many a page is an archive or a dump, not one article: skipped, so that
# one stray file within MAX_FILE_BYTES cannot hold up a build for minutes (29,900 links: 7 s).
MAX_PAGE_TAGS = 30_000
_START_TAG = re.compile(r"<[a-z]")
_TABLE = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_TAG = re.compile(r"<(/?)(?:table|thead|tbody|tfoot|tr|td|th)\b", re.IGNORECASE)
_CODE_OPEN = re.compile(r"<(script|style)\b[^>]*>")
# Images inlined as data: URIs (a "single file" save): no text, and libxml2 cuts a page short at an
# attribute over 10 MB. Only long ones are replaced, by an empty data: URI.
_INLINE_DATA = re.compile(r"data:[^\"'\s)>]{1000,}")

# The HTML standard's prescan reads a charset declaration from the first 1,024 bytes; saved pages
# often carry long comments or scripts ahead of it, so we look a little further.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Labels browsers read as a larger encoding (the WHATWG Encoding Standard): pages declaring
# ISO-8859-1 routinely hold Windows-1252 quotes and dashes (bytes 0x80-0x9F), and so on.
_SUPERSETS = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "l1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-9": "cp1254",
    "latin5": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874", "gb2312": "gb18030",
    "gbk": "gb18030", "shift_jis": "cp932", "sjis": "cp932", "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
}  # fmt: skip
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Beyond the page's own date no markup date is plausible; a fixed bound, rather than today, keeps a
# build of the same files the same on any day.
_LATEST_DATE = "2100-01-01"


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """What a saved page holds: the article's text (paragraphs apart by a blank line) and the
    metadata the page states (og: and article: tags, JSON-LD, <title>, <link rel=canonical>)."""

    text: str
    title: str | None
    author: str | None
    site: str | None  # og:site_name, the JSON-LD publisher, else the canonical URL's domain
    published: dt.date | None
    url: str | None  # the canonical URL (or og:url)


def is_page(path: Path) -> bool:
    """Whether the file is a saved web page, by its suffix."""
    return path.suffix.lower() in SUFFIXES


def read(data: bytes, *, path: Path, warnings: list[str]) -> Page | None:
    """Decode a page and extract its article; None (with a warning) when it holds none."""
    markup = decode(data, path=path, warnings=warnings)
    if markup is None:
        return None
    if not markup.strip():
        warnings.append(f"{path}: empty; skipped")
        return None
    markup, tags = _without_code(markup)
    if tags > MAX_PAGE_TAGS:
        warnings.append(
            f"{path}: {tags:,} HTML elements, over the {MAX_PAGE_TAGS:,} of an article page; skipped "
            "(an archive or a dump?). Save the article's own page, or its text as .txt"
        )
        return None
    page = extract(markup)
    if page is None:
        warnings.append(
            f"{path}: no article text found in the page (an index page, a login wall, or text that "
            "JavaScript builds, which is not run); skipped. Save the article's own page, or its text as .txt"
        )
    return page


def decode(data: bytes, *, path: Path, warnings: list[str]) -> str | None:
    """The page's characters, as a browser decodes a local file: a byte-order mark, else the
    charset its ``<meta>`` tag (or XML declaration) declares, else UTF-8, else Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        warnings.append(f"{path}: binary, not a web page; skipped")
        return None
    head = data[:_PRESCAN_BYTES]
    found = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    label = found.group(1).decode("ascii").lower() if found else None
    declared = _codec(label) if label else None
    if label and declared is None:
        warnings.append(f"{path}: declares charset {label!r}, which is unknown; read as UTF-8")
    utf8, bad = _utf8(data)
    if declared is None or declared == "utf-8":
        if utf8 is not None:
            return utf8
        # No usable declaration and not UTF-8: Windows-1252 is what most such news pages are.
        warnings.append(
            f"{path}: not UTF-8 (byte 0x{data[bad]:02x} at offset {bad})"
            f"{' as it declares' if declared else ''}; read as Windows-1252, "
            "declare its charset (<meta charset>) or save it as UTF-8 to be sure"
        )
        return data.decode("cp1252", errors="replace")
    if utf8 is not None and not data.isascii():
        # Valid UTF-8 with non-ASCII bytes is next to never legacy 8-bit text: the page was
        # re-saved as UTF-8 and kept its old declaration.
        warnings.append(f"{path}: declares charset {label!r} but is UTF-8; read as UTF-8")
        return utf8
    try:
        return data.decode(declared)
    except UnicodeDecodeError as exc:
        warnings.append(
            f"{path}: not valid {label} as it declares (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); bad bytes replaced, fix its charset or save it as UTF-8"
        )
        return data.decode(declared, errors="replace")


def extract(markup: str) -> Page | None:
    """The article in the page and its metadata; None when the page holds no article."""
    page = _extraction(markup)
    if page is None and _TABLE.search(markup):
        # A page laid out in a table (old sites) holds its article in a cell, which trafilatura
        # reads as a table (one row, the paragraphs run together) or not at all: as blocks, the
        # cells read as the page's columns do.
        page = _extraction(_TABLE_TAG.sub(r"<\1div", markup))
    return page


def _extraction(markup: str) -> Page | None:
    """trafilatura's extraction, with settings for news; None when it finds no article."""
    # Imported here: trafilatura (and lxml) take ~0.5 s to load, which a corpus of text files,
    # and `briefing --help`, should not pay for.
    import trafilatura
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(
        markup,
        # Precision over recall: on a news page what trafilatura is unsure of is a teaser, a
        # related-story list or a promo, and a wrong passage costs more than a missed one (on the
        # test section front, the default mode returns every teaser headline; precision, none).
        favor_precision=True,
        # Reader comments are not the outlet's reporting.
        include_comments=False,
        # Tables in news pages are data boxes and layout, not sentences an outlet reports.
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        # Only dates the markup states (meta tags, JSON-LD, <time>, the URL), never one from the
        # story's own text, as for text files.
        date_extraction_params={"original_date": True, "extensive_search": False, "max_date": _LATEST_DATE},
    )
    if not isinstance(document, Document) or not document.text:
        return None
    text = _paragraphs(document.text)
    if not _is_article(text):
        return None
    return Page(
        text=text,
        title=_field(document.title),
        author=_field(document.author),
        site=_field(document.sitename),
        published=_date(document.date),
        url=_field(document.url),
    )


def _without_code(markup: str) -> tuple[str, int]:
    """The markup without what trafilatura never reads, and how many elements it opens.

    Scripts and styles lose their bodies (JSON-LD metadata excepted): code is no text, an inline
    bundle's "<" are no elements, and libxml2 cuts a page short at a text node over 10 MB. One pass:
    an unclosed script runs to the end, as a browser reads it, and many cost no more than one.
    """
    lowered, kept, count, pos = markup.lower(), [], 0, 0
    while (code := _CODE_OPEN.search(lowered, pos)) is not None:
        count += len(_START_TAG.findall(lowered, pos, code.end()))
        close = lowered.find(f"</{code[1]}", code.end())
        body_end = len(markup) if close < 0 else close
        keep = "ld+json" in code[0]
        kept.append(markup[pos : body_end if keep else code.end()])
        if close < 0:
            break
        pos = close
    else:
        count += len(_START_TAG.findall(lowered, pos))
        kept.append(markup[pos:])
    return _INLINE_DATA.sub("data:,", "".join(kept)), count


def _paragraphs(text: str) -> str:
    """One paragraph per line of trafilatura's output, apart by a blank line as in a text file,
    so that cleaning and segmentation see the paragraphs the page had."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _is_article(text: str) -> bool:
    words = 0
    for paragraph in text.split("\n\n"):
        count = len(paragraph.split())
        if count >= _SENTENCE_WORDS and _ENDS_SENTENCE.search(paragraph):
            words += count
    return words >= MIN_ARTICLE_WORDS


def _field(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else ""
    return value or None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _codec(label: str) -> str | None:
    """The Python codec for a declared charset label, or None when it names none. UTF-16 and
    UTF-32 declared without a byte-order mark are read as UTF-8, as the HTML standard says."""
    try:
        name = codecs.lookup(_SUPERSETS.get(label, label)).name
    except LookupError:
        return None
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def _utf8(data: bytes) -> tuple[str | None, int]:
    """The bytes as UTF-8, or None and the offset of the first byte that is not."""
    try:
        return data.decode("utf-8"), -1
    except UnicodeDecodeError as exc:
        return None, exc.start
