"""Mark page furniture (ads, captions, bylines, teasers, prompts, trailers) without touching the text.

The rules describe how news pages are built, not what our articles say: a credit in
parentheses ends a caption, a lone short line without a full stop is a heading or a teaser,
"contributed to this report" ends the story and what follows it is the site around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.models import Article, CleanArticle, FurnitureReason, Removal, Span

_ADVERT = re.compile(
    r"^(advertisement|advertising|sponsored( content)?|ad|story continues below( advertisement)?"
    r"|skip advertisement|continue reading( the main story)?)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^by(\s+\S+){0,6}$", re.IGNORECASE)
# A caption ends with its credit: "(Name/AP)", "(Picture ministry of X)", "(Reuters)",
# "Name/AFP via Getty Images", "Photo: Name/Agency". An agency named at the end of an
# ordinary sentence ("..., according to Reuters.") is not a credit.
_AGENCY = r"(?:Getty Images|AFP|Reuters|EPA|AP|AP Photo|Shutterstock|Bloomberg|Sputnik|TASS)"
_CREDIT = re.compile(
    r"(\([^()]*/[^()]*\)"
    r"|\([^()]*\b(?:photo|picture|image|credit|foto)s?\b[^()]*\)"
    rf"|\({_AGENCY}\)"
    rf"|(?:/|\bvia\s){_AGENCY}"
    r"|\b(?:photo|photograph|image|credit)s?:\s*[^.]{2,60})\s*\.?\s*$",
    re.IGNORECASE,
)
# Broadcasters label them: "Image source, Getty Images", "Image caption, Crowds in Kabul".
_CAPTION_LABEL = re.compile(
    r"^(image|photo|picture|media|video) (source|caption|credit)s?\s*[,:]", re.IGNORECASE
)
# Where the story ends and the site around it begins.
_END_MARKER = re.compile(
    r"(contributed (reporting )?to this (report|story|article)"
    r"|^this (article|story|piece) (first|originally) (appeared|was published)"
    r"|^(read|see) (also|more)\b|^more (from|on)\b|^related( articles| stories| coverage)?:?$"
    r"|^join the conversation|^(most )?popular\b.{0,20}$|^recommended\b.{0,20}$"
    r"|twitter:\s*@\w+\s*$|^explore more\b"
    r"|^reporting by\b.*\b(editing|writing) by\b)",  # a wire story's last line
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"(contributed (reporting )?to this (report|story|article)"
    r"|^(additional )?(reporting|writing|editing) by\b)",
    re.IGNORECASE,
)
# Legal and editorial notices: "Copyright © 2021 ...", "All rights reserved", "This story has
# been updated". A story may mention a copyright, but does not open a line with one.
_NOTICE = re.compile(
    r"(^(copyright\b|©|\(c\)\s*\d{4})|all rights reserved"
    r"|^this (story|article|report) (has been|was) (updated|corrected)\b)",
    re.IGNORECASE,
)
# "Published: August 17, 2021 at 10:24 a.m. EDT", "Updated 3 hours ago", "Last modified on ...".
_TIMESTAMP = re.compile(
    r"^(published|updated|posted|first published|last (updated|modified))\b(?=.*(\d|\bago\b))",
    re.IGNORECASE,
)
# A link to another story set in the text: "Read more: ...", "See also: ...", "Related: ...".
_TEASER_LINK = re.compile(
    r"^((read|see|watch|listen)( also| more)?|related|also read)\s*[:|–—]\s*\S", re.IGNORECASE
)
# Prompts to subscribe, comment, sign up, accept cookies: site chrome, never reporting.
_PROMPT = re.compile(
    r"\b(subscribe|subscriber|subscription|newsletter|sign up|sign in|log in|cookies?|"
    r"comment guidelines|commenting|comments? section|your inbox|mailbox|your account|"
    r"share this (article|story)|follow us|click here|live (blog|coverage|updates))\b",
    re.IGNORECASE,
)
# A short sentence opening with a pronoun continues the story ("He resigned.", "Its deputy takes over.").
_REFERS_BACK = re.compile(
    r"^(he|she|it|they|we|i|his|her|its|their|our|this|that|these|those|there)\b", re.IGNORECASE
)
# Prompts talk to the reader, or give an order: "Sign up", "Join the conversation".
_ADDRESSES_READER = re.compile(
    r"(\b(you|your|yours|uw|u)\b|^(sign|subscribe|join|follow|read|log|register|get|click|share|"
    r"download|already|please|continue)\b)",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?:;\"”’')\]…]\s*$")
_QUOTE = re.compile(r"[\"“”«»]")

# Prompts are short: a 30-word paragraph that mentions a subscription is more likely reporting.
PROMPT_MAX_WORDS = 30
# Credit lines, notices, timestamps and teaser links are short too (a wire credit names a few
# reporters and editors); a longer line that matches is a sentence of the story.
CREDIT_MAX_WORDS = 30
NOTICE_MAX_WORDS = 40
TIMESTAMP_MAX_WORDS = 12
# Headings and teasers are short; body paragraphs without a full stop are rare.
HEADING_MAX_WORDS = 15
# A lone sentence this short ending in a full stop is a teaser or a kicker ("A disastrous exit.").
FRAGMENT_MAX_WORDS = 5
# The end marker must sit in the last part of the text: a "Read more" in the first half is a link.
TRAILER_FROM = 0.6
# A page repeats a paragraph close by (a pull quote, a dek printed twice, a caption and its
# copy); the same sentence far apart in a long file is two items that happen to agree.
DUPLICATE_WINDOW = 12
# A site trailer (comment prompts, "More from", teasers) runs to a few thousand characters;
# the longest in the dev pages is about 2,100 (Foreign Policy).
TRAILER_MAX_CHARS = 4000


@dataclass(frozen=True, slots=True, kw_only=True)
class _Line:
    start: int
    end: int
    text: str  # stripped
    block: int  # paragraph number (blank lines separate paragraphs)
    alone: bool  # the only line of its paragraph


def clean(article: Article) -> CleanArticle:
    """Mark the article's page furniture and return the body paragraphs that remain."""
    lines = _lines(article.text)
    reasons: dict[int, FurnitureReason] = {}
    _mark_top(lines, article.title, reasons)
    _mark_trailer(lines, len(article.text), reasons)
    last_seen: dict[str, int] = {}
    for i, line in enumerate(lines):
        key = _normal(line.text)
        if i not in reasons:
            reason = _line_reason(line, lines[i + 1 : i + 3])
            earlier = last_seen.get(key)
            if (
                reason is None
                and len(key.split()) >= 3
                and earlier is not None
                and i - earlier <= DUPLICATE_WINDOW
            ):
                reason = "duplicate"
            if reason is not None:
                reasons[i] = reason
        last_seen[key] = i
    removed = tuple(
        Removal(doc=article.id, start=line.start, end=line.end, reason=reasons[i])
        for i, line in enumerate(lines)
        if i in reasons
    )
    return CleanArticle(article=article, removed=removed, body=_body(lines, reasons))


def _lines(text: str) -> list[_Line]:
    raw: list[tuple[int, int, int]] = []
    block, pos, blank_before = 0, 0, False
    for chunk in text.split("\n"):
        opened = chunk.lstrip().lstrip("\ufeff").lstrip()  # a byte order mark is no text
        stripped = opened.rstrip()
        if stripped:
            if blank_before and raw:
                block += 1
            lead = len(chunk) - len(opened)
            raw.append((pos + lead, pos + lead + len(stripped), block))
            blank_before = False
        else:
            blank_before = True
        pos += len(chunk) + 1
    sizes: dict[int, int] = {}
    for _, _, b in raw:
        sizes[b] = sizes.get(b, 0) + 1
    return [_Line(start=s, end=e, text=text[s:e], block=b, alone=sizes[b] == 1) for s, e, b in raw]


def _mark_top(lines: list[_Line], title: str, reasons: dict[int, FurnitureReason]) -> None:
    """The headline, and any masthead or section label printed above it."""
    wanted = _normal(title)
    for i, line in enumerate(lines[:8]):
        if _normal(line.text) == wanted:
            reasons[i] = "headline"
            for j in range(i):
                reasons.setdefault(j, "masthead")
            return


def _mark_trailer(lines: list[_Line], size: int, reasons: dict[int, FurnitureReason]) -> None:
    """Everything from the first end-of-story marker in the last part of the text."""
    for i, line in enumerate(lines):
        if line.start < size * TRAILER_FROM or not _END_MARKER.search(line.text):
            continue
        if size - line.end > TRAILER_MAX_CHARS:
            continue  # too much follows: a line of the story (or of a one-line-per-item file)
        reasons[i] = "credit" if _CREDIT_LINE.search(line.text) else "promo"
        for j in range(i + 1, len(lines)):
            reasons.setdefault(j, "trailer")
        return


def _line_reason(line: _Line, following: list[_Line]) -> FurnitureReason | None:
    text = line.text
    words = len(text.split())
    if _ADVERT.match(text):
        return "advertisement"
    if _BYLINE.match(text) and not _TERMINAL.search(text):
        return "byline"
    if _CREDIT.search(text) or _CAPTION_LABEL.match(text) or _is_caption_draft(text, following):
        return "caption"
    if _CREDIT_LINE.search(text) and words <= CREDIT_MAX_WORDS:
        return "credit"
    if _NOTICE.search(text) and words <= NOTICE_MAX_WORDS:
        return "notice"
    if _TIMESTAMP.match(text) and words <= TIMESTAMP_MAX_WORDS:
        return "timestamp"
    if _TEASER_LINK.match(text) and words <= PROMPT_MAX_WORDS:
        return "teaser"
    if _PROMPT.search(text) and words <= PROMPT_MAX_WORDS and (words <= 6 or _ADDRESSES_READER.search(text)):
        return "promo"
    if not line.alone or _QUOTE.search(text):
        return None
    if words <= HEADING_MAX_WORDS and not _TERMINAL.search(text):
        return "heading"
    if words <= HEADING_MAX_WORDS and text.endswith("?") and _sentences(text) == 1:
        return "teaser"  # a lone question linking to another story
    if words <= FRAGMENT_MAX_WORDS and _sentences(text) == 1 and not _REFERS_BACK.match(text):
        return "teaser"
    return None


def _is_caption_draft(text: str, following: list[_Line]) -> bool:
    """A line repeated just below with more words is a caption printed twice, once with its credit."""
    stem = text.rstrip(" .")
    size = len(stem.split())
    return size >= 3 and any(
        len(nxt.text.split()) >= size + 2 and nxt.text.startswith(stem) for nxt in following
    )


def _sentences(text: str) -> int:
    # A boundary is a stop before a capital, unless it closes an initial ("U.S. departs").
    return 1 + len(re.findall(r"(?<![A-Z])[.!?]\s+(?=[A-Z\"“])", text.rstrip()))


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _body(lines: list[_Line], reasons: dict[int, FurnitureReason]) -> tuple[Span, ...]:
    """Runs of kept lines within one paragraph, joined across single line breaks."""
    spans: list[Span] = []
    run: list[_Line] = []
    for i, line in enumerate(lines):
        if i in reasons or (run and line.block != run[-1].block):
            if run:
                spans.append(Span(start=run[0].start, end=run[-1].end))
            run = []
        if i not in reasons:
            run.append(line)
    if run:
        spans.append(Span(start=run[0].start, end=run[-1].end))
    return tuple(spans)
