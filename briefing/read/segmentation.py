"""Split an article's body into passages: the NLP pass's sentences, long ones cut into clauses.

Sentences come from the spaCy pass (``nlp.read``) where it read the text, else from the rules
below (a stop before a capital that does not close an abbreviation); either way a passage never
crosses a paragraph or, in text of one item per line, a line, and never runs past
MAX_PASSAGE_WORDS.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from briefing.models import CleanArticle, Passage, Reading, Span

# Words that end in a full stop without ending a sentence (titles, months, initials are
# handled by _INITIAL). News style guides (AP, Reuters) abbreviate these before names and dates.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen sen rep gov st jr sr lt col capt sgt maj adm cmdr rev hon pres
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs approx est dept univ inc corp
    ltd co fig al""".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+[\"“‘(\[]*[A-Z0-9\u0400-\u04FF])")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")
# A line break before a capital, digit or opening quote (even after "p.m.", which a stop
# before a capital does not end).
_LINE_BREAK = re.compile(r"[ \t]*(?=\n[ \t]*[\"“‘(\[]*[A-Z0-9\u0400-\u04FF])")
# Text wrapped to a width keeps its lines under this many characters (e-mail and terminal
# text wrap at 72-80); lines of one item each are longer or vary.
WRAP_WIDTH = 100
_INITIAL = re.compile(r"(?:^|[\s(\-])(?:[A-Za-z]\.)+$")  # U.S. / J. / a.m.
# Clause breaks: a sentence carrying two claims usually joins them here.
_CLAUSE = re.compile(r";\s+|\s+[—–]\s+|—(?=[A-Za-z])|,\s+(?=(?:but|while|although|whereas)\s)")
# Split only long sentences, and only into parts that can carry a claim of their own. Measured
# with bench/evaluate.py: splitting from 20 words (was 28) found 9 dev claims instead of 8 at
# link precision 0.30 (was 0.29); MSRP corpus accuracy unchanged (0.717).
CLAUSE_MIN_SENTENCE_WORDS = 20
CLAUSE_MIN_WORDS = 7
# No passage is longer than this: a claim rarely needs more, and one 200-word "sentence" (a
# list, a run-on scrape) would otherwise be cited whole. A longer part is cut at its commas.
MAX_PASSAGE_WORDS = 60
MAX_PASSAGE_CHARS = 600  # the same for text without spaces (60 words of 10 characters)
# Abbreviations after which a sentence the parser ended goes on ("Gov. Roy Cooper", "Sen. X").
TITLES = frozenset("mr mrs ms dr prof gen sen rep gov lt col capt sgt maj adm cmdr rev hon pres st".split())
_TITLE_END = re.compile(r"(?:^|\s)([A-Za-z]+)\.$")
# A sentence the parser ended that plainly goes on: after a comma ("…,” Volodin said."), or
# before a word in lower case.
_GOES_ON = re.compile(r"[,;:–—-][\"”’']*$")
# '"Is it true?" Wright asked.': a short attribution after a quote ending in ? or ! is its end.
_ATTRIBUTION_TAIL = re.compile(
    r"^(?:[\w.’'-]+\s+){1,5}(?:said|says|asked|asks|added|adds|wrote|writes|replied|told\s+\w+)\.$"
)


def split(article: CleanArticle, reading: Reading | None = None) -> tuple[Passage, ...]:
    """The article's passages in reading order, each slicing back exactly from its text."""
    text = article.article.text
    parsed = _parsed_sentences(text, reading)
    ends = [span.end for span in parsed]
    limit = reading.parsed if reading is not None else 0
    passages: list[Passage] = []
    for paragraph, span in enumerate(article.body):
        for seg_start, seg_end in _segments(text, span.start, span.end):
            if seg_start < limit:
                found = _clipped(text, parsed, ends, seg_start, min(seg_end, limit))
                if seg_end > limit:
                    found.extend(sentences(text, limit, seg_end))
            else:
                found = list(sentences(text, seg_start, seg_end))
            for start, end in found:
                for c_start, c_end in _capped(text, clauses(text, start, end)):
                    passages.append(
                        Passage(
                            id=f"{article.article.id}#{len(passages) + 1}",
                            doc=article.article.id,
                            outlet=article.article.outlet,
                            start=c_start,
                            end=c_end,
                            text=text[c_start:c_end],
                            paragraph=paragraph,
                        )
                    )
    return tuple(passages)


def _parsed_sentences(text: str, reading: Reading | None) -> list[Span]:
    """The parser's sentences, joined again where one ended after a title ("Gov." + name)."""
    if reading is None:
        return []
    joined: list[Span] = []
    carry: int | None = None  # the start of a lone opening mark the parser cut off
    for span in reading.sentences:
        words = text[span.start : span.end]
        if not any(ch.isalnum() for ch in words):
            # A closing mark the parser set apart ('… the road.' + '"') belongs to the sentence
            # before it; an opening one to the sentence after.
            if joined and joined[-1].end == span.start:
                joined[-1] = Span(start=joined[-1].start, end=span.end)
            elif carry is None:
                carry = span.start
            continue
        if carry is not None:
            span, carry = Span(start=carry, end=span.end), None
        if (
            joined
            and "\n" not in text[joined[-1].end : span.start]
            and _goes_on(text[joined[-1].start : joined[-1].end], words)
        ):
            joined[-1] = Span(start=joined[-1].start, end=span.end)
            continue
        joined.append(span)
    return joined


def _goes_on(head: str, tail: str) -> bool:
    """Whether the parser's sentence ``head`` runs on into ``tail``."""
    title = _TITLE_END.search(head)
    return bool(
        (title and title.group(1).lower() in TITLES)
        or _GOES_ON.search(head)
        or tail[:1].islower()
        or tail[:1] in ",;:)]"  # a lost comma or bracket never opens a sentence
        or (tail[:1] in "[(" and tail[1:2].islower())  # '… Eric Holder' + '[coming],” Rev. …'
    )


def _segments(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """A paragraph's lines when it holds one item per line (not prose wrapped to a width), else
    the paragraph whole."""
    chunk = text[start:end]
    if "\n" not in chunk or _wrapped(chunk):
        yield start, end
        return
    cut = 0
    for match in _LINE_BREAK.finditer(chunk):
        yield start + cut, start + match.start()
        cut = match.end()
    yield start + cut, end


def _clipped(text: str, parsed: list[Span], ends: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """The parsed sentences within ``text[start:end]``, cut to it and trimmed."""
    found: list[tuple[int, int]] = []
    i = bisect.bisect_right(ends, start)
    cursor = start
    while i < len(parsed) and parsed[i].start < end:
        a, b = max(parsed[i].start, cursor), min(parsed[i].end, end)
        if a < b:
            found.extend(_trimmed(text, a, b))
            cursor = b
        i += 1
    if cursor < end:  # text the parser did not cover (it should not happen): the rules split it
        found.extend(sentences(text, cursor, end))
    return found


def _capped(text: str, parts: Iterator[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Each part, halved at a comma or a space until no piece is over MAX_PASSAGE_WORDS."""
    for start, end in parts:
        yield from _halves(text, start, end)


def _halves(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    if len(piece) <= MAX_PASSAGE_CHARS and len(piece.split()) <= MAX_PASSAGE_WORDS:
        yield start, end
        return
    middle = len(piece) // 2
    cuts = [m.end() for m in re.finditer(r"[,;:]\s+", piece)] or [m.end() for m in re.finditer(r"\s+", piece)]
    cut = min(cuts, key=lambda c: abs(c - middle)) if cuts else middle
    for a, b in _trimmed(text, start, start + cut):
        yield from _halves(text, a, b)
    for a, b in _trimmed(text, start + cut, end):
        yield from _halves(text, a, b)


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Half-open sentence spans within ``text[start:end]`` by rules, trimmed of surrounding space."""
    chunk = text[start:end]
    cut = 0
    for match in _breaks(chunk):
        if match.group().strip():  # a stop, not a line break
            before = chunk[cut : match.start() + 1]
            if _is_abbreviation(before):
                continue
        yield from _trimmed(text, start + cut, start + match.end())
        cut = match.end()
    yield from _trimmed(text, start + cut, end)


def _breaks(chunk: str) -> list[re.Match[str]]:
    """Sentence ends, and line breaks before a capital in text that is not wrapped to a width
    (one item per line: a headline-style line without a stop still ends there)."""
    found = list(_BOUNDARY.finditer(chunk))
    if "\n" in chunk and not _wrapped(chunk):
        found.extend(_LINE_BREAK.finditer(chunk))
        found.sort(key=lambda m: m.start())
    return found


def _wrapped(chunk: str) -> bool:
    """Prose broken at a fixed width: no line but the last longer than WRAP_WIDTH, and some line
    going on with the sentence before it (starting in lower case), as lists of items never do."""
    lines = chunk.split("\n")
    return all(len(line) <= WRAP_WIDTH for line in lines[:-1]) and any(
        line.lstrip()[:1].islower() for line in lines[1:]
    )


def clauses(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a long sentence at clause breaks when every part is long enough to stand alone."""
    sentence = text[start:end]
    if len(sentence.split()) < CLAUSE_MIN_SENTENCE_WORDS:
        yield start, end
        return
    parts: list[tuple[int, int]] = []
    cut = 0
    for match in _CLAUSE.finditer(sentence):
        if (
            len(sentence[cut : match.start()].split()) >= CLAUSE_MIN_WORDS
            and len(sentence[match.end() :].split()) >= CLAUSE_MIN_WORDS
        ):
            parts.append((cut, match.start()))
            cut = match.end()
    parts.append((cut, len(sentence)))
    for a, b in parts:
        yield from _trimmed(text, start + a, start + b)


def _is_abbreviation(before: str) -> bool:
    if not before.endswith("."):
        return False
    if _INITIAL.search(before):
        return True
    word = _WORD_BEFORE.search(before[:-1] + ".")
    return word is not None and word.group(1).lower() in ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end
