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
_AGENCY = (
    r"(?:Getty Images|AFP|Reuters|EPA|AP|AP Photo|The Associated Press|Associated Press"
    r"|Shutterstock|Bloomberg|Sputnik|TASS)"
)
_CREDIT = re.compile(
    r"(\([^()]*/[^()]*\)"
    # "(Picture ministry of Defense)", "(File photo)", "(credit: Name)", not an aside about photos
    r"|\((?:(?:photo|picture|image|credit|foto)s?\b|(?:[^()\s]+\s+){1,3}(?:photo|picture|image|credit|foto)s?"
    r"(?=\s*[:/)]|\s+(?:by|via|courtesy)\b))[^()]*\)"
    r"|\((?:published|updated|posted)\b[^()]*\)"  # a video's caption: "(Published Sunday, Dec. 18, 2016)"
    rf"|\({_AGENCY}\)"
    rf"|(?:/|\bvia\s){_AGENCY}"
    r"|\b(?:photo|photograph|image|credit)s?:\s*[^.]{2,60})\s*\.?\s*$",
    re.IGNORECASE,
)
# Broadcasters label them: "Image source, Getty Images", "Image caption, Crowds in Kabul"; a
# credit stands alone ("Photo by Jane Doe", "[Image via AP]"); a gallery leaves "View Full Caption".
_CAPTION_LABEL = re.compile(
    r"(^(image|photo|picture|media|video) (source|caption|credit)s?\s*[,:]"
    r"|^[\[(]?(image|photo|photograph|picture)s? (by|via|courtesy( of)?)\b"
    r"|\bview full caption\b)",
    re.IGNORECASE,
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
    r"|^\(?(additional )?(reporting|writing|editing) by\b)",
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
    r"^[•·*]?\s*((read|see|watch|listen)( also| more)?|related( stor(y|ies)| videos?| links?)?|also read)"
    r"\s*[:|–—]\s*\S",
    re.IGNORECASE,
)
# Prompts to subscribe, comment, sign up, accept cookies: site chrome, never reporting.
_PROMPT = re.compile(
    r"\b(subscribe|subscriber|subscription|newsletter|sign up|sign in|log in|cookies?|"
    r"comment guidelines|commenting|comments? section|your inbox|mailbox|your account|"
    r"share this (article|story)|follow us|click here|(go|tap) here|live (blog|coverage|updates)"
    # "Follow the Palo Alto Weekly on Twitter @PaloAltoWeekly", "- Follow the Ticker on Twitter:"
    r"|follow\b[^.]{0,60}\bon (twitter|facebook|instagram|x)\b)\b",
    re.IGNORECASE,
)
# How to reach the newsroom or the reporter: a phone number or an e-mail address with a verb of
# contact, or the contact formula itself ("Contact reporter X at 896-7758", "may be reached at").
_PHONE = re.compile(r"(?<![\w-])(?:\+?1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])?\d{3}[-.]\d{4}(?![\w-])")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_CONTACT = re.compile(
    r"(^contact (us|me|him|her|them|the (writer|author|reporter|newsroom)|reporter|[A-Z]\w+ [A-Z]\w+)\b"
    r"|\b(can|may) be (reached|contacted) (at|by|on|via)\b|^(e-?mail|call|write to|reach) (us|the)\b"
    r"|^(send )?(news )?tips?\b.*\b(to|at)\b)",
    re.IGNORECASE,
)
_CONTACT_VERB = re.compile(r"\b(contact|reach|reached|call|e-?mail|write|tips?|text)\b", re.IGNORECASE)
# Scraper leftovers: HTML tags and entities, the dataset's line-break token, gallery counters,
# JavaScript, video-player controls and transcripts. No sentence of a story is built of these.
_INLINE_MARKUP = re.compile(
    r"(</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>|&(#\d{1,6}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});"
    r"|\bNEWLINE_CHAR\b|\b(image|photo|slide) \d+ of \d+\b)",
    re.IGNORECASE,
)
_SCRIPT = re.compile(
    r"(\bfunction\s*\(|\bvar\s+\w+\s*=|\b(document|window)\.\w+|\}\s*\)\s*\(|googletag\.|\.push\(\s*\{"
    r"|^\s*[{}]\s*$|;\s*\}|^WEBVTT\b)"
)
_PLAYER_CONTROL = re.compile(
    r"\b(Skip|Embed|Share|Close|Play|Pause|Replay|Mute|Unmute|Fullscreen|Copy Link|Copy|Transcript)\b"
)
_SHARE_BUTTON = re.compile(
    r"^(embed|share( this)?( on| via| to)? (facebook|twitter|e-?mail|whatsapp|linkedin|pinterest)"
    r"|share this( story| article| video)?|tweet this|pin it)\s*[:!]?$",
    re.IGNORECASE,
)
# "... in two decades. Advertisement": an advertisement slot glued to the end of a paragraph.
_GLUED_ADVERT = re.compile(r"(?<=[.!?\"”])\s+((?i:advertisement))$")
# A gallery's caption glued to the end of a paragraph ("... according to NY1. View Full Caption
# DNAinfo/Jane Doe"), or a photo credit glued between two sentences ("... in SkyBridge. | Jane
# Doe/AP Scaramucci still ..."): the credit ends at the agency.
_GLUED_CAPTION = re.compile(
    r"(?<=[.!?\"”])\s+((?i:view full caption)\b.*$"
    rf"|\|\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,4}}\s*/\s*{_AGENCY}\b)"
)
# A video player or a social-media embed left in the text: "To view this video please enable
# JavaScript ...", a tweet's "pic.twitter.com/x — Name (@handle) February 19, 2017".
_EMBED = re.compile(
    r"(\bto view this video please enable javascript\b"
    r"|\bpic\.twitter\.com/\w+.*\(@\w+\)\s+\w+\.? \d{1,2}, \d{4}\s*$"
    # a tweet's text and signature without a picture: "... to deserve this? — Pantone 448 C
    # (@Pantone448C) August 17, 2012"
    r"|[—–]\s*[^()\n]{1,60}\(@\w{1,15}\)\s+\w+\.? \d{1,2}, \d{4}\s*$)",
    re.IGNORECASE,
)
# A photo's caption says where its people stand: "Joey Wilson, left, rings up Curtis Barwick
# ...", "Roberts, right, and ..."; reporting places nobody left or right of anyone.
_POSITION_CAPTION = re.compile(
    r"^[A-Z][^.!?,]{0,60},\s+(?:\(?(?:far |from |at |top |bottom )?(?:left|right|center|centre)\)?"
    r"(?: to right)?),\s+(?:and\s+)?[a-zA-Z]"
)
# A tabloid's caption opens with a short label and a colon and has no full stop ("Making a
# statement: A huge billboard showing ... Times Square"), as does a data box run into one line
# ("Color associations Red: Strength, energy, passion Blue: ...").
_LABEL_CAPTION = re.compile(r"^[A-Z][\w'’-]*(?: [\w'’-]+){0,3}: [A-Z]")
# A bulleted headline with no full stop links to another story ("· Landmarks Commission: No
# Jurisdiction to Mandate ... [TLD]", "• Photos: Tree falls on wedding party"); a bulleted
# point of the story is a sentence and ends like one.
_BULLET = re.compile(r"^[•·▪►]\s*\S")
_SENTENCE_STOP = re.compile(r"[.!?…][\"”’')]*\s*$")
# A short sentence opening with a pronoun continues the story ("He resigned.", "Its deputy takes over.").
_REFERS_BACK = re.compile(
    r"^(he|she|it|they|we|i|his|her|its|their|our|this|that|these|those|there)\b", re.IGNORECASE
)
# Prompts talk to the reader, or give an order: "Sign up", "Join the conversation".
_ADDRESSES_READER = re.compile(
    r"(\b(you|your|yours|uw|u)\b|^[-•·*]?\s*(sign|subscribe|join|follow|read|log|register|get|click|share|"
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
# A caption runs to two sentences and a credit; the longest in the 43 stories' pages is 36 words
# (Daily Mail); a paragraph of reporting that happens to match is longer.
CAPTION_MAX_WORDS = 45
NOTICE_MAX_WORDS = 40
TIMESTAMP_MAX_WORDS = 12
# A contact line names a reporter, a number and an address or two; a longer line is reporting
# that happens to hold a number (a hotline in a story about it).
CONTACT_MAX_WORDS = 40
# Two or more player controls on one line ("Skip in Skip x Embed x Share") are a video player.
PLAYER_MIN_CONTROLS = 2
# A line this short that is left when its markup is cut is all markup ("<br/>", "Image 3 of 12").
MARKUP_MIN_WORDS = 2
# A masthead or section label above the headline is short and reads as no sentence.
MASTHEAD_MAX_WORDS = 12
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
    _mark_top(lines, article, reasons)
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
    cuts = {i: _inline_cuts(line) for i, line in enumerate(lines) if i not in reasons}
    removed = sorted(
        [
            Removal(doc=article.id, start=line.start, end=line.end, reason=reasons[i])
            for i, line in enumerate(lines)
            if i in reasons
        ]
        + [
            Removal(doc=article.id, start=start, end=end, reason=reason)
            for pieces in cuts.values()
            for start, end, reason in pieces
        ],
        key=lambda r: r.start,
    )
    return CleanArticle(article=article, removed=tuple(removed), body=_body(lines, reasons, cuts))


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


def _mark_top(lines: list[_Line], article: Article, reasons: dict[int, FurnitureReason]) -> None:
    """The headline, the masthead above it, and any line at the top naming the outlet.

    Only short lines that read as no sentence are taken for a masthead or section label: a first
    paragraph ending in a quotation mark or "!" is the story, whatever matches below it.
    """
    wanted = _normal(article.title)
    outlet = _normal(article.outlet)
    in_body = False
    for i, line in enumerate(lines[:8]):
        if wanted and _normal(line.text) == wanted:
            reasons[i] = "headline"
            for j in range(i):
                if not in_body and _is_masthead(lines[j], outlet):
                    reasons.setdefault(j, "masthead")
            return
        in_body = in_body or _opens_body(line)
        if not in_body and outlet and _is_masthead(line, outlet) and outlet in _normal(line.text):
            reasons.setdefault(i, "masthead")


def _is_masthead(line: _Line, outlet: str) -> bool:
    """A line that can be a masthead or section label: short and no sentence, or naming the outlet."""
    words = len(line.text.split())
    if words > MASTHEAD_MAX_WORDS or _QUOTE.search(line.text):
        return False
    return not _TERMINAL.search(line.text) or bool(outlet and outlet in _normal(line.text))


def _opens_body(line: _Line) -> bool:
    """A sentence of more than a few words: the story has begun, no headline follows it."""
    words = len(line.text.split())
    if line.text.endswith(")"):
        return False  # a caption closed by its credit, which pages print above the headline too
    return words > HEADING_MAX_WORDS or (words > FRAGMENT_MAX_WORDS and bool(_TERMINAL.search(line.text)))


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
    if _is_markup(text):
        return "markup"
    if words <= CONTACT_MAX_WORDS and (
        _CONTACT.search(text) or ((_PHONE.search(text) or _EMAIL.search(text)) and _CONTACT_VERB.search(text))
    ):
        return "contact"
    if _BYLINE.match(text) and not _TERMINAL.search(text):
        return "byline"
    if _CREDIT.search(text) or _CAPTION_LABEL.match(text) or _is_caption_draft(text, following):
        return "caption"
    # A credit in parentheses may list a whole newsroom: "(Additional reporting by A, B, … in Tokyo)".
    if _CREDIT_LINE.search(text) and (words <= CREDIT_MAX_WORDS or text.startswith("(")):
        return "credit"
    if _NOTICE.search(text) and words <= NOTICE_MAX_WORDS:
        return "notice"
    if _TIMESTAMP.match(text) and words <= TIMESTAMP_MAX_WORDS:
        return "timestamp"
    if _TEASER_LINK.match(text) and words <= PROMPT_MAX_WORDS:
        return "teaser"
    if (
        _PROMPT.search(text)
        and words <= PROMPT_MAX_WORDS
        and not _QUOTE.search(text)  # a prompt quotes nobody: a quoted "you" is reporting
        and (words <= 6 or _ADDRESSES_READER.search(text))
    ):
        return "promo"
    if not line.alone or _QUOTE.search(text):
        return None
    if _BULLET.match(text) and words <= PROMPT_MAX_WORDS and not _SENTENCE_STOP.search(text):
        return "teaser"
    if words <= CAPTION_MAX_WORDS and (
        _POSITION_CAPTION.match(text) or (_LABEL_CAPTION.match(text) and not _TERMINAL.search(text))
    ):
        return "caption"
    text = _GLUED_CAPTION.sub("", text).rstrip()  # a glued caption is cut out, the sentence judged
    words = len(text.split())
    if words <= HEADING_MAX_WORDS and not _TERMINAL.search(text):
        return "heading"
    if words <= HEADING_MAX_WORDS and text.endswith("?") and _sentences(text) == 1:
        return "teaser"  # a lone question linking to another story
    if words <= FRAGMENT_MAX_WORDS and _sentences(text) == 1 and not _REFERS_BACK.match(text):
        return "teaser"
    return None


def _is_markup(text: str) -> bool:
    """Scraper leftovers filling the whole line: script, player controls, share buttons, tags."""
    if _SCRIPT.search(text) or _SHARE_BUTTON.match(text) or _EMBED.search(text):
        return True
    if len(_PLAYER_CONTROL.findall(text)) >= PLAYER_MIN_CONTROLS and not _QUOTE.search(text):
        return True
    left = _INLINE_MARKUP.sub(" ", text)
    return left != text and len(re.findall(r"\w+", left)) < MARKUP_MIN_WORDS


def _inline_cuts(line: _Line) -> list[tuple[int, int, FurnitureReason]]:
    """Markup inside a kept line (a tag, an entity, a glued "Advertisement"), as spans to leave out."""
    cuts: list[tuple[int, int, FurnitureReason]] = [
        (line.start + m.start(), line.start + m.end(), "markup") for m in _INLINE_MARKUP.finditer(line.text)
    ]
    glued = _GLUED_ADVERT.search(line.text)
    if glued:
        cuts.append((line.start + glued.start(1), line.start + glued.end(1), "advertisement"))
    cuts.extend(
        (line.start + m.start(1), line.start + m.end(1), "caption")
        for m in _GLUED_CAPTION.finditer(line.text)
    )
    return sorted(cuts)


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


def _body(
    lines: list[_Line],
    reasons: dict[int, FurnitureReason],
    cuts: dict[int, list[tuple[int, int, FurnitureReason]]],
) -> tuple[Span, ...]:
    """Runs of kept text within one paragraph, joined across single line breaks, split where
    furniture or markup is cut out."""
    spans: list[Span] = []
    run: list[tuple[int, int]] = []  # pieces of text that read on from one another
    last_block = -1
    for i, line in enumerate(lines):
        if i in reasons or line.block != last_block:
            if run:
                spans.append(Span(start=run[0][0], end=run[-1][1]))
            run = []
        last_block = line.block
        if i in reasons:
            last_block = -1
            continue
        pos = line.start
        for start, end, _ in cuts.get(i, []):
            if start > pos:
                _extend(run, line.text, line.start, pos, start)
            if run:
                spans.append(Span(start=run[0][0], end=run[-1][1]))
            run = []
            pos = max(pos, end)
        if pos < line.end:
            _extend(run, line.text, line.start, pos, line.end)
    if run:
        spans.append(Span(start=run[0][0], end=run[-1][1]))
    return tuple(spans)


def _extend(run: list[tuple[int, int]], text: str, base: int, start: int, end: int) -> None:
    """Add ``text[start:end]`` (offsets from ``base``) to the run, without its outer spaces."""
    piece = text[start - base : end - base]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    if piece.strip():
        run.append((start + lead, end - trail))
