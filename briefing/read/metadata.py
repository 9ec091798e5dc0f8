"""Work out an article's metadata when no manifest gives it: the outlet (from a dateline, a credit
line, a masthead or the file name), the headline and the publication date, as the text states them."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from briefing.text import MONTHS

# Common short names of outlets, as file names, datelines and credits abbreviate them, keyed by
# the name lower-cased without spaces, punctuation or a leading "the" ("nyt", "(AP)", "wapo").
KNOWN_OUTLETS: Mapping[str, str] = {
    "nyt": "The New York Times", "nytimes": "The New York Times",
    "newyorktimes": "The New York Times",
    "wapo": "The Washington Post", "washpost": "The Washington Post",
    "washingtonpost": "The Washington Post",
    "hpo": "HuffPost", "huffpo": "HuffPost", "huffpost": "HuffPost", "huffingtonpost": "HuffPost",
    "ap": "Associated Press", "apnews": "Associated Press", "associatedpress": "Associated Press",
    "bbc": "BBC", "bbcnews": "BBC News",
    "fox": "Fox News", "foxnews": "Fox News",
    "wsj": "The Wall Street Journal", "wallstreetjournal": "The Wall Street Journal",
    "cnn": "CNN", "npr": "NPR", "reuters": "Reuters", "afp": "AFP", "upi": "UPI",
    "usat": "USA Today", "usatoday": "USA Today", "latimes": "Los Angeles Times",
    "nbc": "NBC News", "nbcnews": "NBC News", "cbs": "CBS News", "cbsnews": "CBS News",
    "abc": "ABC News", "abcnews": "ABC News", "msnbc": "MSNBC", "politico": "Politico",
    "guardian": "The Guardian", "ft": "Financial Times", "bloomberg": "Bloomberg",
    "axios": "Axios", "nypost": "New York Post", "dailymail": "Daily Mail",
    "aljazeera": "Al Jazeera", "economist": "The Economist",
}  # fmt: skip
# File names that say what the file is, not whose it is ("article.txt", "doc1.txt").
_GENERIC_STEMS = frozenset({"article", "story", "text", "doc", "document", "page", "file", "news", "item"})

OutletSource = Literal["manifest", "site", "dateline", "credit", "masthead", "file", "headline", "fallback"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TextMeta:
    """What an article's own text states about it: headline, outlet (and how it says so), date."""

    title: str | None
    outlet: str | None  # from a dateline, a credit or trailer line, or a masthead
    outlet_source: OutletSource | None
    file_outlet: str | None  # what the file name says, when it says anything
    published: dt.date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutletLabel:
    """The name an article is listed under, and the evidence it was taken from."""

    name: str
    source: OutletSource


def outlet_from_filename(rel: str) -> str | None:
    """Guess an outlet name from a file name: ``washington-post.txt`` gives "Washington Post",
    ``nyt.txt`` "The New York Times" (a small table of common short names).

    None when the name says nothing (a hash or a number, as scrapers name files:
    ``000_0f941cd36021eba6.txt``, or ``doc1.txt``).
    """
    stem = Path(rel).stem
    stem = re.sub(r"^\d+[_-]+", "", stem)  # numbered exports: 000_..., 01-...
    known = KNOWN_OUTLETS.get(_outlet_key(stem))
    if known:
        return known
    words = [w for w in re.split(r"[_\-\s.]+", stem) if w]
    if not any(w.isalpha() and len(w) >= 3 for w in words):
        return None
    if len(words) == 1 and words[0].lower() in _GENERIC_STEMS:
        return None
    return " ".join(w if w.isupper() else w.capitalize() for w in words)


def outlet(rel: str, stated: TextMeta, *, site: str | None = None) -> OutletLabel:
    """The outlet as a careful reader would name it without a manifest: the site name a web page
    states (``site``), else what the text says (dateline, credit, masthead), else the file name,
    else a real headline, else the file's own name (``doc1``), never a sentence of the body."""
    if site and (name := outlet_from_site(site)):
        return OutletLabel(name=name, source="site")
    if stated.outlet and stated.outlet_source:
        return OutletLabel(name=stated.outlet, source=stated.outlet_source)
    if stated.file_outlet:
        return OutletLabel(name=stated.file_outlet, source="file")
    if stated.title:
        return OutletLabel(name=label_from_title(stated.title), source="headline")
    return OutletLabel(name=Path(rel).stem, source="fallback")


def outlet_from_site(site: str) -> str:
    """The outlet a web page's site name names, in its usual form: "AP News" (``og:site_name``),
    "The Associated Press" (JSON-LD publisher) and "apnews.com" (a domain) are "Associated Press"."""
    name = " ".join(site.split()).strip(" .,;|")
    domain = re.fullmatch(r"(?:www\.)?([a-z0-9-]+)(?:\.[a-z]{2,})+", name.lower())
    if domain and _outlet_key(domain[1]) in KNOWN_OUTLETS:
        return KNOWN_OUTLETS[_outlet_key(domain[1])]
    return _canonical(name)


# A line that tops this many files, and is this short, is the site's masthead.
MASTHEAD_FILES = 2
MASTHEAD_MAX_WORDS = 8


def shared_mastheads(texts: Sequence[str]) -> dict[int, str]:
    """Index of a text -> the masthead it shares with other texts: the same short first line, not a
    sentence, at the top of MASTHEAD_FILES or more files ("The Daily Planet | Local news")."""
    firsts: dict[int, str] = {}
    seconds: dict[str, set[str]] = {}
    for i, text in enumerate(texts):
        lines = [line.strip() for line in text.splitlines() if line.strip()][:2]
        line = lines[0] if lines else ""
        if line and len(line.split()) <= MASTHEAD_MAX_WORDS and not _ENDS_SENTENCE.search(line):
            firsts[i] = line
            seconds.setdefault(line, set()).add(lines[1] if len(lines) > 1 else "")
    counts = Counter(firsts.values())
    # Copies of one story (syndicated, or saved twice) share their headline and what follows it;
    # a masthead tops pages that then go their own ways.
    return {
        i: re.split(r"\s+[|–—•·-]\s+", line)[0].strip()
        for i, line in firsts.items()
        if counts[line] >= MASTHEAD_FILES and len(seconds[line]) == counts[line]
    }


# An outlet labelled by its headline keeps this many words of it.
LABEL_WORDS = 5


def label_from_title(title: str) -> str:
    """A short label for an article whose outlet is unknown: its headline's first words."""
    words = title.split()
    return " ".join(words[:LABEL_WORDS]) + ("…" if len(words) > LABEL_WORDS else "")


# Headlines are four to thirty words; a shorter line at the top is a section label or a
# timestamp ("The World", "5 years ago"), a longer one a paragraph that lost its full stop.
HEADLINE_MIN_WORDS = 4
HEADLINE_MAX_WORDS = 30
# The headline, masthead and datelines sit in the first lines of a page; the dev stories put the
# first body paragraph within the first 8 lines, behind at most a caption and a video title.
TOP_LINES = 12
# A line this short that ends like a sentence is a kicker or a label ("Charming.", "Also see:"),
# not yet the body; a longer one is the body, and no headline follows it.
KICKER_MAX_WORDS = 5
# Credit and trailer lines are short; a long line naming an agency is a sentence of the story.
CREDIT_MAX_WORDS = 40
# Dates stated at the end of the text ("Published: ...") sit in its last lines.
BOTTOM_LINES = 8

_ENDS_SENTENCE = re.compile(r"[.!?\"”’'…]\s*$")
_ENDS_CLOSED = re.compile(r"[.!?:;\"”’')\]…]\s*$")
_BYLINE = re.compile(r"^by\b", re.IGNORECASE)
# A full stop inside the line, after a word rather than an initial ("U.S.", "J."), ends a sentence.
_INNER_STOP = re.compile(r"[a-z]{2}\.\s+[A-Z]")
# Page controls and site chrome printed at the top: never a headline.
_CHROME = re.compile(
    r"(like us|follow us|share this|share on|\|\s*share\b|^share\b|transcript|\bembed\b|advertisement"
    r"|subscribe|newsletter|sign up|log in|skip to|navigation|\bmenu\b|continue reading|scroll down"
    r"|listen to this|click here|cookies)",
    re.IGNORECASE,
)
# A photo credit, "Name/Agency" or "University of Chicago / Facebook": one to three names after a slash.
_SLASH_CREDIT = re.compile(r"\S\s*/\s*[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,2}\s*$")
_BULLET = re.compile(r"^[•·*►▶–—-]\s")
_TIMESTAMP = re.compile(
    r"^\(?(published|updated|posted|first published|last updated|last modified)\b", re.IGNORECASE
)
_STATED_TIME = re.compile(r"\((?:published|updated|posted)\b[^()]*\)", re.IGNORECASE)
_MONTHS = MONTHS
_DATE = re.compile(
    r"\b(?:(?P<m1>[A-Za-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    r"|(?P<d2>\d{1,2})\s+(?P<m2>[A-Za-z]{3,9})\.?,?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))\b"
)
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_CLOCK = r"(?:,?\s+(?:at\s+)?\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?)?"
# A date closing the headline line, as some sites print it: "... Manhattan's Oldest October 15, 2013 5:39 PM".
_TRAILING_DATE = re.compile(rf"\s+{_WEEKDAY}(?P<date>{_DATE.pattern}){_CLOCK}\s*$", re.IGNORECASE)
_DATE_ONLY = re.compile(rf"^\W*{_WEEKDAY}(?P<date>{_DATE.pattern}){_CLOCK}\W*$", re.IGNORECASE)
# "WASHINGTON (Reuters) -", "NEW YORK (AP) —", "JAMESTOWN, Tuolumne County (KPIX 5) —", "(CNN) Can ...":
# a place in capitals (or one capitalised word) and the outlet in parentheses open the first paragraph.
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’]+(?:[ ,]+[A-Za-z0-9.'’]+){0,6}?|[A-Z][a-z]+)?\s*"
    r"\((?P<name>[A-Z][A-Za-z0-9&.'’ ]{1,30}?)\)\s*(?:[-–—]{1,2}|(?=[A-Z\"“‘]))"
)
# Parentheses at a dateline's place that do not name an outlet.
_NOT_OUTLETS = frozenset({"photo", "video", "updated", "file", "ret", "pictured"})
# A wire story's last line: "Reporting by ...; Editing by ..." is how Reuters signs its copy, and
# "Our Standards: The Trust Principles" is its trailer.
_WIRE_SIGNOFF = re.compile(
    r"^\(?(?:additional )?(?:reporting|writing) by\b.*;\s*(?:additional )?(?:editing|writing) by\b"
    r"|^our standards:\s*the trust principles",
    re.IGNORECASE,
)
# "Copyright 2015 The Associated Press. All rights reserved.": the holder publishes the article.
_COPYRIGHT = re.compile(
    r"^(?:(?i:copyright)\b\s*(?:©|\(c\))?|©)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s+)?"
    r"(?P<holder>[A-Z][\w&'’ -]{1,50}?)(?:,?\s+(?:inc|llc|ltd|plc|corp)\.?)?"
    r"(?:[.,;]|\s+all rights|\s*$)"
)
# A byline that names an agency or outlet rather than a person.
_BYLINE_NAME = re.compile(r"^by\s+(?P<name>[\w .&'’-]{2,40}?)\s*$", re.IGNORECASE)
_IMAGE_HOLDERS = re.compile(r"(getty|shutterstock|images?|photos?|pictures?)", re.IGNORECASE)
# "Associated Press writers A and B contributed to this report" is how an agency credits its own
# staff; "The Associated Press contributed to this report" says only that the agency helped.
_STAFF_CREDIT = re.compile(
    r"\b(?P<agency>(?:the )?associated press|AP|reuters|AFP)\s+(?:staff\s+)?"
    r"(?:writers?|reporters?|correspondents?)\b[^.]*\bcontributed\b",
    re.IGNORECASE,
)
# A site promoting itself: "Follow the Palo Alto Weekly on Twitter", "Find NJ.com on Facebook",
# "Subscribe to Elite Daily's newsletter". A person followed on Twitter ("Follow Brett Molina")
# takes no article and no domain, and is not the outlet.
_SELF_PROMO = re.compile(
    r"(?:^|[.!]\s+)(?:follow|find|like)\s+(?P<a>the\s+[A-Z][^@/]{1,50}?|[A-Z][\w-]*\.(?:com|org|net|co\.uk))"
    r"(?:/[^@]*?)?\s+on\s+(?:twitter|facebook|instagram)"
    r"|^subscribe to (?P<b>[A-Z][\w .&-]{1,40}?)['’]s\b.*\bnewsletter",
    re.IGNORECASE,
)


def read(text: str, *, file_outlet: str | None = None) -> TextMeta:
    """Read what the text itself states: outlet (dateline, credit line, masthead), headline, date;
    ``file_outlet`` is what the file name says (``outlet_from_filename``), kept as a fallback."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    top = lines[:TOP_LINES]
    stated, source = _stated_outlet(lines)
    name = stated or file_outlet or ""
    headline, headline_date = _headline(top, outlet=name)
    dates = [d for d in (headline_date, *_stated_dates(top, lines[-BOTTOM_LINES:])) if d]
    return TextMeta(
        title=headline,
        outlet=stated,
        outlet_source=source,
        file_outlet=file_outlet,
        published=min(dates) if dates else None,
    )


def title(text: str, *, outlet: str = "") -> str | None:
    """The headline as the text prints it: a line of four to thirty words ahead of the body,
    without closing punctuation (a sentence ending in ". ! ? ) or a quotation mark is body),
    not a byline, a timestamp, a photo credit, site chrome or the masthead naming the outlet."""
    top = [line.strip() for line in text.splitlines() if line.strip()][:TOP_LINES]
    return _headline(top, outlet=outlet)[0]


def _headline(top: list[str], *, outlet: str) -> tuple[str | None, dt.date | None]:
    name = " ".join(outlet.lower().split())
    for line in top:
        if _starts_body(line):
            return None, None  # whatever follows is not the headline
        if _ENDS_CLOSED.search(line) or _TIMESTAMP.match(line) or _BYLINE.match(line):
            continue
        if _INNER_STOP.search(line):
            continue  # two sentences, as a caption and its credit are: "... in Oroville. Dan Reidel"
        lowered = " ".join(line.lower().split())
        if (name and name in lowered) or _masthead_outlet(line) or _CHROME.search(line):
            continue
        if _SLASH_CREDIT.search(line) or _BULLET.match(line):
            continue
        dated = _TRAILING_DATE.search(line)
        headline = line[: dated.start()].strip() if dated else line
        if len(headline.split()) < HEADLINE_MIN_WORDS:
            continue
        return headline, _parse_date(dated) if dated else None
    return None, None


def _starts_body(line: str) -> bool:
    """A sentence, or a paragraph too long for a headline: the body has begun. A line closed by a
    parenthesis is a caption and its credit, which pages print above the headline too."""
    words = len(line.split())
    if line.endswith(")"):
        return False
    return words > HEADLINE_MAX_WORDS or (bool(_ENDS_SENTENCE.search(line)) and words > KICKER_MAX_WORDS)


def _stated_outlet(lines: list[str]) -> tuple[str | None, OutletSource | None]:
    """The outlet from, in order: a dateline, a credit or trailer line, a masthead."""
    for line in lines[:TOP_LINES]:
        found = _DATELINE.match(line)
        if found and found["name"].strip(" .").lower() not in _NOT_OUTLETS:
            return _canonical(found["name"]), "dateline"
    # Credit lines sit where pages print them, at the top (a byline) or at the end (a sign-off,
    # a copyright): a line deep in the text that looks like one is an item of a list (a file of
    # one sentence per line: MSRP laid out so named "Associated Press" both of its files).
    edges = lines if len(lines) <= TOP_LINES + BOTTOM_LINES else lines[:TOP_LINES] + lines[-BOTTOM_LINES:]
    for line in edges:
        if len(line.split()) > CREDIT_MAX_WORDS:
            continue
        if _WIRE_SIGNOFF.search(line):
            return "Reuters", "credit"
        held = _COPYRIGHT.match(line)
        if held and not _IMAGE_HOLDERS.search(held["holder"]):
            return _canonical(held["holder"]), "credit"
        byline = _BYLINE_NAME.match(line)
        if byline and _outlet_key(byline["name"]) in KNOWN_OUTLETS:  # "By Associated Press"
            return _canonical(byline["name"]), "credit"
        staff = _STAFF_CREDIT.search(line)
        if staff:
            return _canonical(staff["agency"]), "credit"
        promo = _SELF_PROMO.search(line)
        if promo:
            return _canonical(promo["a"] or promo["b"]), "credit"
    for line in lines[:TOP_LINES]:
        if _starts_body(line):
            break
        masthead = _masthead_outlet(line)
        if masthead:
            return masthead, "masthead"
    return None, None


def _masthead_outlet(line: str) -> str | None:
    """The known outlet a masthead line names: the name alone, or followed by a tagline after a
    bar or a dash or run into it ("The Washington PostDemocracy Dies in Darkness"); a headline
    that opens with the name ("CNN anchor leaves") is not a masthead."""
    lowered = line.lower()
    for full in sorted(set(KNOWN_OUTLETS.values()), key=len, reverse=True):
        for form in (full, full.removeprefix("The ")):
            if not lowered.startswith(form.lower()):
                continue
            rest = line[len(form) :]
            if not rest.strip() or re.match(r"\s*[|–—•·]", rest) or rest[:1].isupper():
                return full
    return None


def _stated_dates(top: list[str], bottom: list[str]) -> list[dt.date]:
    """Dates the page states as its own: timestamps, a date alone on a line, a dated dateline."""
    found: list[re.Match[str]] = []
    for line in (*top, *bottom):
        stated = _STATED_TIME.search(line)
        if _TIMESTAMP.match(line) or stated:
            date = _DATE.search(stated.group() if stated else line)
        else:
            date = _DATE_ONLY.match(line)
        if date:
            found.append(date)
    for line in top:
        dateline = _DATELINE.match(line)
        if dateline and dateline["place"] and (date := _DATE.search(dateline["place"])):
            found.append(date)
    return [d for d in map(_parse_date, found) if d]


def _parse_date(found: re.Match[str]) -> dt.date | None:
    groups = found.groupdict()
    try:
        if groups.get("y3"):
            return dt.date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
        month = _MONTHS.get((groups.get("m1") or groups.get("m2") or "").lower())
        year = groups.get("y1") or groups.get("y2")
        day = groups.get("d1") or groups.get("d2")
        if month is None or year is None or day is None:
            return None
        return dt.date(int(year), month, int(day))
    except ValueError:  # "February 30"
        return None


def _outlet_key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return key.removeprefix("the") if key.startswith("the") and len(key) > 5 else key


def _canonical(name: str) -> str:
    """An outlet's usual name: "AP" and "The Associated Press" are "Associated Press"."""
    name = " ".join(name.split()).strip(" .,;")
    known = KNOWN_OUTLETS.get(_outlet_key(name))
    if known:
        return known
    return name[0].upper() + name[1:] if name else name
