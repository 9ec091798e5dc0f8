"""The timeline: the story's dated events in order, each cited, from the DATE entities read.

1. Every DATE (or TIME) entity inside an aligned passage is read by a small parser of its own
   (news writes dates in a handful of forms; a general parser such as dateutil's fills missing
   fields from today and cannot tell "Friday" from "Fridays"). It places:
   - explicit dates: "Aug. 17, 2021", "March 3", "17 August 2021", "January 2010", "in 2008";
     a day or month without its year takes the year that puts it nearest the article's date;
   - weekdays and relative dates resolved against the article's publication date: "Friday",
     "late Tuesday", "yesterday", "last week", "last month", "three years ago". A weekday is the
     most recent such day on or before the publication date, or the next one when the clause
     speaks of the future ("will vote Tuesday", "next Tuesday").
   An article without a publication date places only dates that name their year (or, for a day
   or month without a year, the year from the story's other articles); "Friday" stays unplaced.
2. What is not an event is skipped: ages ("50 years old"), durations ("for two years"), ranges
   ("1996 to 2007"), decades, seasons, habits ("Sundays"), deadlines ("by Friday", "until
   2015"), a bare year or month that is not the time of something ("the 2012 election" dates
   nothing; "in 2012" does). A date dates its sentence only as the time of the sentence's main
   event, read off the parse's arcs from the date up (``clauses``): one in a relative clause or
   qualifying a noun that frames nothing is background ("the rage ignited by the shooting on
   Aug. 9"); a weekday or relative date inside a quotation is the speaker's; a year or month of
   a present "is" ("There are overlaps ... in 1996") compares, and dates nothing.
3. One event per date and claim: mentions of one date in passages of one cluster, or in passages
   worded alike, are one event citing every passage and outlet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.findings import clauses, sentences
from briefing.models import (
    Alignment,
    Article,
    DatePrecision,
    Entity,
    Event,
    Figure,
    Passage,
    Reading,
    Timeline,
)
from briefing.text import MONTHS, fragment, words

# The section is shown when the story has at least this many dated events: fewer is not a
# sequence, and the overview already names the main dates.
MIN_EVENTS = 3
# At most this many events, the most widely reported first, then shown in date order: on the
# 43 stories (basil-* with their manifest dates) the uncapped median is 9 events and the most
# 23, many of them one outlet's "said Tuesday" lines; 15 keeps the section to about a page.
MAX_EVENTS = 15
# Two passages dating the same day are one event when this share of the shorter one's content
# stems is in the other too (passages of one cluster always are). Set by reading the timelines
# of six basil stories, not swept: at 0.5 the outlets' "Farenthold resigned on Friday" lines
# join and different things said of one day stay apart.
SAME_EVENT_OVERLAP = 0.5
# At most this many events of one date (the most widely reported): a story told on the day
# after has a dozen lines saying what someone "said Tuesday"; 3 keeps the day's main ones.
MAX_PER_DATE = 3
# A passage shorter than this many words is a fragment ("On Friday:"), not an event.
MIN_WORDS = 5

_MONTHS = MONTHS
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "several": 0, "few": 0, "couple": 0,
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_EXPLICIT_DAY = re.compile(rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?{_PART}")
_DAY_FIRST = re.compile(rf"(?:{_WEEKDAY},?\s+)?{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?{_PART}")
_MONTH_YEAR = re.compile(rf"(?:early|late|mid|mid-)?\s*{_MONTH}(?:\s+of)?,?\s+{_YEAR}")
_MONTH_ALONE = re.compile(rf"(?P<last>last\s+|this\s+past\s+)?{_MONTH}")
_YEAR_ALONE = re.compile(rf"(?:early|late|mid|mid-)?\s*{_YEAR}")
_WEEKDAY_ALONE = re.compile(
    rf"(?:(?:late|early|earlier|on|this\s+past|(?P<last>last)|(?P<next>next))\s+)?{_WEEKDAY}"
    rf"(?:[’']s)?{_PART}"
)
_RELATIVE_DAY = {
    "today": 0, "earlier today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "yesterday": -1, "late yesterday": -1, "last night": -1,
    "tomorrow": 1,
}  # fmt: skip
_RELATIVE_SPAN = re.compile(
    r"(?P<when>last|earlier\s+this|late\s+last|the\s+end\s+of\s+last)\s+(?P<unit>week|month|year)"
)
_AGO = re.compile(r"(?:about\s+|nearly\s+|just\s+)?(?P<n>\d+|[a-z]+)\s+(?P<unit>day|week|month|year)s?\s+ago")
# Words before a date that make it a deadline, a bound or a range, not when something happened.
_NOT_WHEN = re.compile(r"\b(?:by|until|till|through|before|after|from|between|ahead\s+of|since)\s*$")
# A bare year or month dates an event only after one of these ("in 2008", "last June").
_WHEN = re.compile(r"\b(?:in|on|of|during)\s*$")
# A clause that speaks of the future before its weekday: the weekday is the next one.
_FUTURE = re.compile(
    r"\b(?:will|won[’']t|(?:is|are|was|were)\s+(?:scheduled|expected|set|slated|due)\s+to|"
    r"plans?\s+to|(?:is|are)\s+to|to\s+be\s+held)\b[^.;]*$",
    re.IGNORECASE,
)
# "The election is Thursday", "the vote is on Friday": a present "is" right before a weekday
# schedules it (a day that has passed "was").
_SCHEDULED = re.compile(r"\b(?:is|are)(?:\s+(?:on|for|set\s+for|scheduled\s+for))?\s*$", re.IGNORECASE)
# "Sept. 11" names the 2001 attacks when one of these follows it.
_ATTACKS = re.compile(
    r"\W*(?:attacks?|terror|hijack|victims|survivors|families|memorial|commission|responders)", re.IGNORECASE
)
# "more people ... today than ever before": today as nowadays, no day.
_COMPARED = re.compile(r"\s+than\b")
# "While Russia supplied help ... starting in 1995, today Russia did not": today as nowadays,
# set against a year of the same sentence.
_YEAR_OF_EVENT = re.compile(r"\b(?:in|since)\s+(?:1[6-9]\d\d|20\d\d)\b")
_PRECISION_RANK = {"year": 0, "month": 1, "week": 2, "day": 3}


@dataclass(frozen=True, slots=True, kw_only=True)
class When:
    """A date as parsed: the day it stands for, how precisely, and the word it was resolved from."""

    date: dt.date
    precision: DatePrecision
    resolved_from: str | None = None  # "Friday", "yesterday": read against the publication date


@dataclass(frozen=True, slots=True, kw_only=True)
class _Mention:
    passage: Passage
    when: When
    written: str
    cluster: str | None
    order: int  # the passage's place in its article
    stems: frozenset[str]


def build(alignment: Alignment, *, articles: Sequence[Article], readings: Sequence[Reading]) -> Timeline:
    """The story's dated events, in date order, each cited once with every outlet reporting it.

    ``alignment`` holds the passages that were aligned (a reprint's copies left out).
    """
    published = {a.id: a.published for a in articles}
    texts = {a.id: a.text for a in articles}
    parses = {(r.doc, f.start, f.end): f for r in readings for f in r.figures}
    known = [d for d in published.values() if d is not None]
    story_date = max(known) if known else None
    cluster_of = {pid: c.id for c in alignment.clusters for pid in c.passages}
    order = _positions(alignment.passages)
    # One date per passage, its most precise (the first of those): "declared in December that
    # he would not seek re-election in 2018" happened in December.
    dated: dict[str, _Mention] = {}
    unplaced: set[str] = set()
    for passage, ent in _dated_entities(alignment.passages, readings):
        if len(passage.text.split()) < MIN_WORDS or passage.id in unplaced:
            continue
        figure = parses.get((passage.doc, ent.start, ent.end))
        if not _dates_event(figure, texts[passage.doc], ent.start, relative=_relative(ent.text)):
            continue
        if published.get(passage.doc) is None and _relative(ent.text):
            # "on Saturday ... the worst since 1979": what the passage reports happened on a
            # day we cannot place, not in the year it compares with.
            unplaced.add(passage.id)
            dated.pop(passage.id, None)
            continue
        when = parse(
            ent.text,
            published=published.get(passage.doc),
            story=story_date,
            before=passage.text[: ent.start - passage.start],
            after=passage.text[ent.end - passage.start :],
        )
        if when is None or (when.precision in ("month", "year") and clauses.present_state(figure)):
            continue
        held = dated.get(passage.id)
        if held is not None and _PRECISION_RANK[held.when.precision] >= _PRECISION_RANK[when.precision]:
            continue
        dated[passage.id] = _Mention(
            passage=passage,
            when=when,
            written=_clean(ent.text),
            cluster=cluster_of.get(passage.id),
            order=order[passage.id],
            stems=frozenset(words(passage.text).stems),
        )
    mentions = sorted(dated.values(), key=lambda m: (m.passage.doc, m.passage.start))
    whole = sentences.around(alignment.passages, readings, articles)
    events = [_event(group, whole) for group in _group(mentions)]
    # The most widely reported first, then the earliest in their articles (news puts what
    # matters first), for the caps; then in date order (a year before its months, a month
    # before its days), one date's events in the same order as for the caps.
    events.sort(key=lambda e: (-len(e.outlets), order[e.passage], e.passage))
    per_date: dict[tuple[dt.date, str], int] = defaultdict(int)
    chosen: list[Event] = []
    for e in events:
        key = (e.date, e.precision)
        if per_date[key] < MAX_PER_DATE and len(chosen) < MAX_EVENTS:
            per_date[key] += 1
            chosen.append(e)
    rank = {e.passage: n for n, e in enumerate(chosen)}
    chosen.sort(key=lambda e: (e.date, _PRECISION_RANK[e.precision], rank[e.passage]))
    return Timeline(events=tuple(chosen), shown=len(chosen) >= MIN_EVENTS)


def parse(
    text: str,
    *,
    published: dt.date | None,
    story: dt.date | None = None,
    before: str = "",
    after: str = "",
) -> When | None:
    """The date an entity's text stands for, or None when it is no event's date or cannot be
    placed. ``published`` is the article's date, ``story`` a date of the story (its latest
    article's) for a year left out, ``before`` and ``after`` the text of its passage around it."""
    raw = _clean(text)
    value = raw.lower()
    if _NOT_WHEN.search(before.lower()):
        return None
    when_word = bool(_WHEN.search(before.lower()))
    reference = published or story
    if m := _EXPLICIT_DAY.fullmatch(value) or _DAY_FIRST.fullmatch(value):
        month, day = _MONTHS[m["month"]], int(m["day"])
        year = int(m["year"]) if m["year"] else _nearest_year(month, day, reference)
        if (month, day) == (9, 11) and not m["year"] and _ATTACKS.match(after):
            year = 2001  # "the Sept. 11 attacks" in any year's news
        if year is None:
            return None
        try:
            return When(date=dt.date(year, month, day), precision="day")
        except ValueError:  # "Feb. 30": not a date
            return None
    if m := _MONTH_YEAR.fullmatch(value):
        return When(date=dt.date(int(m["year"]), _MONTHS[m["month"]], 1), precision="month")
    if m := _WEEKDAY_ALONE.fullmatch(value):
        if published is None:
            return None
        weekday = _WEEKDAYS[m["weekday"]]
        back = (published.weekday() - weekday) % 7
        future = _FUTURE.search(_closed_quotes_out(before)) or _SCHEDULED.search(before)
        if m["next"] or (not m["last"] and future):
            # "will vote Friday" in a Friday paper is that day; "next Friday" is a week on.
            ahead = (weekday - published.weekday()) % 7 or (7 if m["next"] else 0)
            date = published + dt.timedelta(days=ahead)
        else:
            date = published - dt.timedelta(days=back or (7 if m["last"] else 0))
        return When(date=date, precision="day", resolved_from=raw)
    if value in _RELATIVE_DAY:
        if published is None or _COMPARED.match(after):
            return None
        if value == "today" and _YEAR_OF_EVENT.search(before + " " + after):
            return None
        date = published + dt.timedelta(days=_RELATIVE_DAY[value])
        return When(date=date, precision="day", resolved_from=raw)
    if m := _RELATIVE_SPAN.fullmatch(value):
        if published is None:
            return None
        back = 0 if m["when"].startswith("earlier") else 1
        return When(
            date=_unit_start(published, m["unit"], back), precision=_unit(m["unit"]), resolved_from=raw
        )
    if m := _AGO.fullmatch(value):
        count = int(m["n"]) if m["n"].isdigit() else _NUMBERS.get(m["n"], 0)
        if published is None or count <= 0:
            return None
        return When(
            date=_unit_start(published, m["unit"], count), precision=_unit(m["unit"]), resolved_from=raw
        )
    if not when_word:
        # A bare month or year qualifies a noun ("the 2012 election", "June's primary").
        return None
    if m := _MONTH_ALONE.fullmatch(value):
        if reference is None:
            return None
        month = _MONTHS[m["month"]]
        if m["last"]:
            year = reference.year if month < reference.month else reference.year - 1
        else:
            year = _nearest_year(month, 15, reference) or reference.year
        return When(date=dt.date(year, month, 1), precision="month")
    if m := _YEAR_ALONE.fullmatch(value):
        return When(date=dt.date(int(m["year"]), 1, 1), precision="year")
    return None


_QUOTATION = re.compile(r"“[^“”]*”|\"[^\"]*\"")


def _closed_quotes_out(before: str) -> str:
    """The text before a date without the quotations closed in it: in "“I will resign,” he said
    Friday" the "will" is the remark's, and Friday is when it was said (past, not next week).
    A quotation still open holds the date, and its tense is the date's."""
    return _QUOTATION.sub(" ", before)


def _dates_event(figure: Figure | None, text: str, start: int, *, relative: bool) -> bool:
    """Whether a date, at ``start`` in its article's ``text``, dates its sentence's event: not
    background in the parse (``clauses.main_clause``) and, when ``relative`` (a weekday,
    "yesterday"), not inside a quotation: a remark's "yesterday" is the day before it was said, which the
    attribution dates if anything does (then that date is the sentence's). A date written out
    means the same whoever says it ("in 1783" in a historian's words). Without a parse, only
    the quotation is checked."""
    if relative and clauses.quoted(text, start):
        return False
    return figure is None or clauses.main_clause(figure.path)


def _relative(text: str) -> bool:
    """A weekday or relative date, which only the article's publication date can place."""
    value = _clean(text).lower()
    return bool(
        _WEEKDAY_ALONE.fullmatch(value)
        or value in _RELATIVE_DAY
        or _RELATIVE_SPAN.fullmatch(value)
        or _AGO.fullmatch(value)
    )


def _clean(text: str) -> str:
    """An entity as written, on one line, without a leading "the" or a trailing possessive."""
    value = " ".join(text.split()).strip(" ,.;:")
    value = re.sub(r"^the\s+", "", value, flags=re.IGNORECASE)
    return re.sub(r"[’']s$", "", value)


def _nearest_year(month: int, day: int, reference: dt.date | None) -> int | None:
    """The year that puts this day nearest the reference date (a date written without its
    year is this year's, or last December's in a January article, or next January's in a
    December one)."""
    if reference is None:
        return None
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append((abs((dt.date(year, month, day) - reference).days), year))
        except ValueError:  # 29 February of a common year
            continue
    return min(candidates)[1] if candidates else None


def _unit(unit: str) -> DatePrecision:
    return "day" if unit == "day" else "week" if unit == "week" else "month" if unit == "month" else "year"


def _unit_start(date: dt.date, unit: str, back: int) -> dt.date:
    """The first day of the day, week (Monday), month or year ``back`` units before ``date``'s."""
    if unit == "day":
        return date - dt.timedelta(days=back)
    if unit == "week":
        return date - dt.timedelta(days=date.weekday() + 7 * back)
    if unit == "month":
        months = date.year * 12 + date.month - 1 - back
        return dt.date(months // 12, months % 12 + 1, 1)
    return dt.date(date.year - back, 1, 1)


def _dated_entities(passages: Sequence[Passage], readings: Sequence[Reading]) -> list[tuple[Passage, Entity]]:
    """Each DATE or TIME entity with the passage it lies in, in reading order."""
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        by_doc[p.doc].append(p)
    found: list[tuple[Passage, Entity]] = []
    for reading in readings:
        spans = sorted(by_doc.get(reading.doc, ()), key=lambda p: p.start)
        at = 0
        for ent in sorted(reading.entities, key=lambda e: e.start):
            if ent.label not in ("DATE", "TIME"):
                continue
            while at < len(spans) and spans[at].end <= ent.start:
                at += 1
            if at < len(spans) and spans[at].start <= ent.start and ent.end <= spans[at].end:
                found.append((spans[at], ent))
    return found


def _positions(passages: Sequence[Passage]) -> dict[str, int]:
    seen: dict[str, int] = defaultdict(int)
    order: dict[str, int] = {}
    for p in sorted(passages, key=lambda p: (p.doc, p.start)):
        order[p.id] = seen[p.doc]
        seen[p.doc] += 1
    return order


def _group(mentions: Sequence[_Mention]) -> list[list[_Mention]]:
    """Mentions of one date joined when their passages are in one cluster or worded alike."""
    parent = list(range(len(mentions)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_date: dict[tuple[dt.date, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_date[(m.when.date, m.when.precision)].append(i)
    for members in by_date.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                if _same_event(mentions[i], mentions[j]):
                    parent[root(j)] = root(i)
    groups: dict[int, list[_Mention]] = defaultdict(list)
    for i, m in enumerate(mentions):
        groups[root(i)].append(m)
    return [groups[k] for k in sorted(groups)]


def _same_event(a: _Mention, b: _Mention) -> bool:
    if a.passage.id == b.passage.id:
        return True
    if a.cluster is not None and a.cluster == b.cluster:
        return True
    shorter = min(len(a.stems), len(b.stems))
    return shorter > 0 and len(a.stems & b.stems) / shorter >= SAME_EVENT_OVERLAP


def _event(group: Sequence[_Mention], whole: Mapping[str, str]) -> Event:
    """One event: its text from a mention that reads as a sentence (not a clause cut mid-way,
    "while the percentage ... dropped"), then that writes the date out (not "Friday"), earliest
    in its article, shown as the whole sentence it was cut from when it is a clause and that
    sentence reads alone; it cites every passage, one outlet's passages in reading order."""
    best = min(
        group,
        key=lambda m: (fragment(m.passage.text), m.when.resolved_from is not None, m.order, m.passage.id),
    )
    cited = sorted({m.passage.id: m for m in group}.values(), key=lambda m: (m.passage.outlet, m.order))
    return Event(
        date=best.when.date,
        precision=best.when.precision,
        text=_shown_text(best.passage, whole),
        passage=best.passage.id,
        passages=tuple(m.passage.id for m in cited),
        outlets=tuple(sorted({m.passage.outlet for m in group})),
        written=best.written,
        resolved_from=best.when.resolved_from,
    )


def _shown_text(passage: Passage, whole: Mapping[str, str]) -> str:
    """The passage's text, or the sentence around it when the passage is a clause that does not
    read alone ("once by President George Bush in 1990 ...") and the sentence does."""
    sentence = whole.get(passage.id)
    if fragment(passage.text) and sentence is not None and not fragment(sentence):
        return sentence
    return passage.text
