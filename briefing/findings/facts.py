"""What one passage states that can be checked against another: figures, dates and polar claims.

Read from the NLP pass's entities (CARDINAL, MONEY, PERCENT, QUANTITY, DATE, TIME), passed in
as plain data; where a passage has no entities (no reading, or tests on plain text) a regex
stands in for them. A figure counts the noun right after it ("five people" -> people); a date
belongs to the event named just before it ("arrested shortly before 10 p.m." -> arrest).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from briefing.models import Entity, Figure, Passage
from briefing.text import MONTHS, numbers, stems

FactKind = Literal["figure", "date"]


@lru_cache(maxsize=1 << 16)
def _stems(text: str) -> tuple[str, ...]:
    """``text.stems``, kept: the facts of a corpus stem the same few words again and again (the
    words around each figure; 21,700 calls for 1,600 passages at 50 articles)."""
    return stems(text)


# How a figure is stated: as a count ("12"), roughly ("about 900"), or as a bound ("more than
# 50 million", "less than $5.7 billion", "nearly 10", "up to 30").
Bound = Literal["exact", "about", "more", "less", "nearly"]

# Content words either side of a figure that say what it is about ("injured", "homeless").
CONTEXT_WORDS = 6
# ... and the few right next to it, which tell apart the figures of one sentence ("a $43,350
# Rolex watch and $9,587.64 worth of children's furniture").
NEAR_WORDS = 3
# Content words before a date that name its event ("arrested", "served", "filed a complaint").
EVENT_WORDS = 3

_WORD = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b", re.I)
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d\d))?\s*([ap])\.?\s?m\b\.?", re.I)
_YEAR = re.compile(r"(?<![\d,.$])\b(1[89]\d\d|20\d\d)\b(?![\d,]|s\b)")
_YEARS_JOIN = re.compile(r"\s*(?:to|through|until|and|-|–|—)\s*")
_DURATION = re.compile(r"\b(year|month|week|day|hour|minute|decade)s?\b", re.I)
_INCREMENT = re.compile(r"\s+(other|more|additional|extra|further)\b", re.IGNORECASE)
_AGE = re.compile(r"-old\b|\byears? old\b|\baged?\b", re.I)
# Stand-ins for the NLP pass's figures on text without a reading: a number, spelled or in
# digits, with its scale word ("65 million", "nine", "$9,587.64", "2.7 percent").
_SPELLED = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred dozen"
).split()
_NUMBER = re.compile(
    rf"(?<![\w/.])(?:\$\s?)?(?:\d[\d,]*(?:\.\d+)?|(?:{'|'.join(_SPELLED)})(?:[\s-](?:{'|'.join(_SPELLED)}))*)"
    r"(?:\s+(?:thousand|million|billion|trillion))?(?:\s*(?:percent|%))?(?![\w/])",
    re.I,
)
# Words inside a figure's entity that qualify the number, not what it counts.
_QUALIFIERS = frozenset(
    [
        *(_stems(w)[0] for w in _SPELLED),
        *"thousand million billion trillion nearly "
        "approxim rough almost least around estim anoth some just over under half dozen".split(),
    ]
)
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Words news reports use for one count ("2,500 troops" / "2,500 forces"), by stem.
_SAME_UNIT = {"forc": "troop", "soldier": "troop", "servicemen": "troop", "personnel": "troop",
              "km": "kilomet", "kilometr": "kilomet", "mi": "mile", "ft": "foot", "feet": "foot",
              "person": "peopl"}  # fmt: skip
# Words around many figures that say nothing of what is counted.
_GENERIC = frozenset("worth versus compar rough nearly almost least total percent".split())
# A figure said as an expectation, an estimate or a bound to come is not a count to compare
# with a current one ("could reach 10,000" / "7,000 confirmed dead").
_HEDGES = frozenset(
    "expect forecast project predict could may might likely estim possibl potenti would will "
    "feared fear anticip".split()
)
# Words that set two groups' figures side by side: each figure is one group's.
_COMPARING = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)|than|while|whereas|against)\b", re.I)
# Words that state how things stand now, not what happened once.
_STATUS = re.compile(
    r"\b(?:ha(?:s|ve|d)(?:\s+not|n[’']t)?\s+(?:yet\s+)?been|yet|so far|as of|still|pending|remains?)\b", re.I
)
# A sentence that defines a term ("the legal age of consent is 16") states no figure of the story.
_DEFINITION = re.compile(
    r"\b(?:is|are) (?:considered|defined)\b|\bdefined as\b|\bmeans\b|\brefers? to\b|\blegal age\b", re.I
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """A figure or a date one passage states, with what it counts and the words around it."""

    kind: FactKind
    unit: frozenset[str]  # what it counts (stems), or for a date "year", "clock", "monthday"
    values: frozenset[float]
    text: str  # as written
    context: frozenset[str]  # content stems around it
    near: frozenset[str]  # the content stems right next to it
    event: frozenset[str]  # content stems just before it (a date's event)
    hedged: bool  # an expectation or estimate, not a count
    span: bool  # a range of years ("from 1967 to 1979")
    bound: Bound = "exact"
    precision: float = 1.0  # the rounding the figure is written to: 1,000 for "43,000"
    verb: frozenset[str] = frozenset()  # the stem of the verb governing it, from the parse
    predicate: frozenset[str] = frozenset()  # stems of its verb, the verb's subject, its noun's qualifiers
    thing: frozenset[str] = frozenset()  # the noun it measures when not its unit ("30-mile band")
    total: bool = False  # the whole some part is counted of ("six" in "four of six reactors")


@dataclass(frozen=True, slots=True, kw_only=True)
class Stated:
    """Everything one passage states that can disagree with another's."""

    facts: tuple[Fact, ...]
    affirms: frozenset[str]  # stems stated plainly ("charged", "postponed")
    negates: frozenset[str]  # stems stated under a negation ("no formal charges")
    definition: bool
    compares: bool = False  # it sets groups side by side ("versus", "compared with", "while")
    status: bool = False  # it states how things stand ("have not been filed yet", "still on schedule")


def read(passage: Passage, entities: tuple[Entity, ...], figures: tuple[Figure, ...] = ()) -> Stated:
    """The facts and polar claims of one passage; ``entities`` and ``figures`` (their parse)
    are its doc's, in doc offsets."""
    text = passage.text
    parses = {
        (f.start - passage.start, f.end - passage.start): f
        for f in figures
        if f.start >= passage.start and f.end <= passage.end
    }
    spans = [
        (e.start - passage.start, e.end - passage.start, e.label)
        for e in entities
        if e.start >= passage.start and e.end <= passage.end
    ]
    if not spans:
        spans = _pseudo_entities(text)
    else:
        # The NLP pass misses a year now and then ("served from 1967 to 1979." gave no 1979).
        spans += [
            (m.start(), m.end(), "DATE")
            for m in _YEAR.finditer(text)
            if not any(s < m.end() and m.start() < e for s, e, _ in spans)
        ]
    facts: list[Fact] = []
    last_end = 0
    for start, end, label in sorted(spans):
        fact = _fact(text, start, end, label)
        if fact is None:
            continue
        parse = parses.get((start, end))
        if parse is not None:
            fact = _parsed(fact, parse)
        if facts and _YEARS_JOIN.fullmatch(text[last_end:start]) and _year(facts[-1]) and _year(fact):
            # "from 1967 to 1979": one span of years, as an outlet states a tenure
            first = facts.pop()
            fact = replace(
                first,
                values=first.values | fact.values,
                text=text[start - len(first.text) - (start - last_end) : end],
                span=True,
            )
        facts.append(fact)
        last_end = end
    affirms, negates = _polarity(text)
    return Stated(
        facts=tuple(facts),
        affirms=affirms,
        negates=negates,
        definition=bool(_DEFINITION.search(text)),
        compares=bool(_COMPARING.search(text)),
        status=bool(_STATUS.search(_unquoted(text))),
    )


def _fact(text: str, start: int, end: int, label: str) -> Fact | None:
    """One entity read as a figure or a date, or None when it is neither (an ordinal, a rank)."""
    written = text[start:end]
    if (
        label == "ORDINAL"
        or re.match(r"no\.\s?\d|#", written, re.I)
        or re.search(r"\bNo\.\s?$|#$", text[max(0, start - 4) : start])
    ):
        return None  # "No. 2 job" is a rank, not a count
    if label not in ("TIME", "DATE") and not _values(written):
        return None  # a name ("Lavrov", "the Taliban"): no figure, nothing around it to read
    before = _content(text[max(0, start - 120) : start])
    after = _content(text[end : end + 120])
    context = frozenset(before[-CONTEXT_WORDS:] + after[:CONTEXT_WORDS]) - _GENERIC
    near = frozenset(before[-NEAR_WORDS:] + after[:NEAR_WORDS]) - _GENERIC
    # A date's event is a common word ("served", "arrested"): names around it are the people
    # of the story, in many of its dates ("John Doe ... in 2013", "John Doe ... in 2014").
    event = frozenset(
        s for w in _WORD.findall(text[max(0, start - 60) : start]) if w[0].islower() for s in _stems(w)
    ) & frozenset(before[-EVENT_WORDS:])
    raw_before = [w.lower() for w in _WORD.findall(text[max(0, start - 50) : start])][-4:]
    hedged = bool(_HEDGES & {_stems(w)[0] if _stems(w) else w for w in raw_before})
    if re.search(r"\b(?:one|\d+)\s+(?:in|of|out of)\s+(?:the\s+)?$", text[max(0, start - 20) : start], re.I):
        return None  # "one in seven", "four of six": a share, not a count

    def date(unit: str, values: set[float] | frozenset[float], *, span: bool = False) -> Fact:
        return Fact(
            kind="date", unit=frozenset({unit}), values=frozenset(values), text=written,
            context=context, near=near, event=event, hedged=hedged, span=span,
        )  # fmt: skip

    if label == "TIME":
        clocks = {int(h) % 12 * 60 + (12 * 60 if ap.lower() == "p" else 0) + int(m or 0)
                  for h, m, ap in _CLOCK.findall(written)}  # fmt: skip
        return date("clock", {float(c) for c in clocks}) if clocks else None
    if label == "DATE" and not _DURATION.search(written):
        years = {float(y) for y in _YEAR.findall(written)}
        if years:
            return date("year", years, span=len(years) > 1)
        days = {(MONTHS[m.lower()] - 1) * 100.0 + int(d) for m, d in _MONTH.findall(written)}
        return date("monthday", days) if days else None
    values = _values(written)
    if not values:
        return None
    increment = _INCREMENT.match(text[end : end + 16])
    if increment and increment.group(1).lower() != "other":
        return None  # "5,000 more troops": an increment on a base the passage does not give
    if increment:
        # "three other women" besides the one just named: four in all, as another outlet may
        # count them ("four women"); "seven other people injured" against "five injured" still
        # disagrees.
        values = values | frozenset(v + 1 for v in values)
    if label == "CARDINAL" and not re.search(r",", written) and all(1900 <= v <= 2100 for v in values):
        return date("year", values, span=len(values) > 1)
    if label == "DATE" and _AGE.search(text[start : end + 12]):
        unit = frozenset({"age"})
    elif label == "DATE":
        found = _DURATION.search(written)
        unit = frozenset({found.group(1).lower()}) if found else frozenset()
    elif label == "MONEY":
        unit = frozenset({"yen" if "yen" in written.lower() else "$"})
    elif label == "PERCENT":
        unit = frozenset({"percent"})
    else:
        # "50-mile", "80-kilometer": the unit is the word after the hyphen
        stems = [s.split("-", 1)[1] if s[0].isdigit() and "-" in s else s for s in _content(written)]
        own = [s for s in stems if s and not s[0].isdigit() and s not in _QUALIFIERS]
        counted = own or after[:1]  # the noun right after it: "five people", "5,200 active-duty"
        unit = frozenset(_SAME_UNIT.get(s, s) for s in counted)
    if not unit:
        return None
    bound = _bound(text[max(0, start - 24) : start], written)
    return Fact(
        kind="figure", unit=unit, values=values, text=written, context=context - unit,
        near=near - unit, event=event, hedged=hedged, span=False, bound=bound,
        precision=_precision(written),
    )  # fmt: skip


# Words before a figure that make it a bound or an approximation, by the interval they allow.
_BOUND_WORDS: tuple[tuple[str, Bound], ...] = (
    ("more than|over|at least|upwards of|in excess of|greater than|above|no fewer than|no less than", "more"),
    ("less than|fewer than|under|up to|at most|no more than|below|as many as|as much as", "less"),
    ("nearly|almost|close to|just under|just shy of", "nearly"),
    ("about|around|roughly|some|approximately|an estimated|estimated|circa", "about"),
)
_BOUNDS = tuple(
    (re.compile(rf"^(?:{w})\b", re.I), re.compile(rf"\b(?:{w})\s*\$?$", re.I), bound)
    for w, bound in _BOUND_WORDS
)
# "about 900" allows a tenth either side; "nearly 10" a tenth below.
ABOUT = 0.1
_GENERIC_VERBS = frozenset(
    "be is are was were been being have has had having do does did say said says including include "
    "includes included get got make made take took"
    "".split()
)
_GENERIC_VERB_STEMS = frozenset(s for w in _GENERIC_VERBS for s in _stems(w))


def _bound(before: str, written: str) -> Bound:
    """How a figure is bounded by its own words ("more than 65 million") or those before it."""
    for own, preceding, bound in _BOUNDS:
        if own.search(written) or preceding.search(before):
            return bound
    return "exact"


def _precision(written: str) -> float:
    """The rounding a figure is written to: 1,000 for "43,000", 0.1 billion for "3.5 billion"."""
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", written)
    if digits is None:
        return 1.0
    scale = next((_SCALE[w] for w in _SCALE if w in written.lower()), 1.0)
    if digits.group(1):
        return scale * 10.0 ** -len(digits.group(1))
    whole = digits.group().replace(",", "")
    if scale > 1 or len(whole) < 4:
        return scale  # "65 million" is rounded to a million; "20 miles", "900 homes" are counts
    # "43,000" is rounded to the thousand, "1,200" to the hundred; two figures kept at least
    # ("10,000" to the thousand), so that 10,000 and 15,000 still differ.
    zeros = len(whole) - len(whole.rstrip("0"))
    return 10.0 ** min(zeros, len(whole) - 2)


def interval(fact: Fact, value: float) -> tuple[float, float]:
    """The values a figure is consistent with, as written: its rounding, its bound."""
    # a hair under half: "3.5 billion" and "3.6 billion" do not meet at 3.55
    half = fact.precision * 0.499 if fact.precision > 1 else 0.0
    lo, hi = value - half, value + half
    if fact.bound == "about":
        lo, hi = min(lo, value * (1 - ABOUT)), max(hi, value * (1 + ABOUT))
    elif fact.bound == "nearly":
        lo, hi = min(lo, value * (1 - ABOUT)), value
    elif fact.bound == "more":
        lo, hi = value, math.inf  # "more than 10" is read as "at least": 10 is not denied
    elif fact.bound == "less":
        lo, hi = -math.inf, value
    return lo, hi


def compatible(a: Fact, b: Fact) -> bool:
    """Whether two figures can both be true of one quantity: "at least 10" and "12" can, "less
    than 10" and "12" cannot. Two bounds the same way ("more than 50 million", "more than 65
    million") are two estimates of one count, which agree when they are about the same."""
    if a.bound == b.bound and a.bound in ("more", "less"):
        a, b = replace(a, bound="about"), replace(b, bound="about")
    for x in a.values:
        for y in b.values:
            lo_a, hi_a = interval(a, x)
            lo_b, hi_b = interval(b, y)
            if lo_a <= hi_b and lo_b <= hi_a:
                return True
    return False


def _parsed(fact: Fact, parse: Figure) -> Fact:
    """A fact with what the parse says of it: its verb, the verb's subject, its noun's qualifiers."""
    # "told" and "has" are stopwords to words(): a verb is kept as written when it has no stem
    verb = frozenset(_stems(parse.verb) or (parse.verb,)) - _GENERIC_VERBS - _GENERIC_VERB_STEMS - {""}
    qualifiers = frozenset(s for w in (parse.subject, *parse.modifiers) for s in _stems(w))
    counted = frozenset(_SAME_UNIT.get(s, s) for s in _stems(parse.counted))
    thing = (
        counted - fact.unit if fact.kind == "figure" and counted and not counted & fact.unit else frozenset()
    )
    return replace(
        fact,
        verb=verb,
        predicate=(verb | qualifiers) - _GENERIC_VERB_STEMS - _GENERIC,
        thing=thing,
        total=parse.total,
    )


def _year(fact: Fact) -> bool:
    return fact.kind == "date" and "year" in fact.unit


def _values(written: str) -> frozenset[float]:
    """The numbers an entity states, scaled: "more than 65 million" -> 65,000,000."""
    found: set[float] = set()
    for match in _NUMBER.finditer(written):
        token = match.group().lower()
        scale = next((_SCALE[w] for w in _SCALE if w in token), 1.0)
        digits = re.search(r"\d[\d,]*(?:\.\d+)?", token)
        if digits:
            found.add(float(digits.group().replace(",", "")) * scale)
        else:
            found.update(v * scale for v in numbers(token.split(" thousand")[0].split(" million")[0]))
    return frozenset(found)


def _content(snippet: str) -> list[str]:
    """Content stems of a snippet, in order (stopwords and figures left out)."""
    return list(_stems(snippet))


def _pseudo_entities(text: str) -> list[tuple[int, int, str]]:
    """Figures and dates found by rules, where the NLP pass gave none."""
    spans: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, label in ((_CLOCK, "TIME"), (_MONTH, "DATE")):
        for m in pattern.finditer(text):
            spans.append((m.start(), m.end(), label))
            taken.append((m.start(), m.end()))
    for m in _NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if m.group().lower() == "one":
            continue  # "one" alone is too common to be a count
        tail = text[m.end() : m.end() + 16]
        duration = re.match(r"[\s-]+(?:years?|months?|weeks?|days?|hours?)\b", tail)
        label = "DATE" if duration else "CARDINAL"
        end = m.end() + duration.end() if duration else m.end()
        spans.append((m.start(), end, label))
    return spans


_NEGATION = frozenset("no not never n't without neither nor".split())
# Verbs that negate the act they govern from further away: "declined in recent months to file
# charges", "refused to confirm".
_REFUSING = frozenset("declined declines declining refused refuses refusing".split())
# "No matter the charges", "not only charged": a "no" or "not" that negates nothing.
_NOT_NEGATING = re.compile(r"\b(?:no matter|not only|no doubt|not just)\b", re.I)
# Words that say one thing and its opposite without a "not": a polar pair by a shared topic.
_OPPOSITES = {
    "postpon": "schedul", "delay": "schedul", "cancel": "schedul", "resched": "schedul",
    "deni": "confirm",
}  # fmt: skip
# Facts of record whose yes or no outlets report, by stem: a plain "not" before any other word
# ("not the family-oriented community", "did not offer details") was a false clash in 9 of 10
# pairs on the development stories.
_RECORD = frozenset("charg indict arrest convict confirm schedul identifi resign sign veto".split())
_MODALS = frozenset(
    "would could will might may should can cannot can't couldn't wouldn't won't shouldn't".split()
)
_AFFIRMING = re.compile(r"\b(?:on schedule|as scheduled|as planned|on track|will go ahead)\b", re.I)


# Forms of a record word that name something else: "no sign of trouble" is no signature.
_NOUN_FORMS = frozenset({"sign", "signs", "veto", "vetoes"})
_QUOTED = re.compile(r"[\"“”]")


def _unquoted(text: str) -> str:
    """The passage without its quotations: "there's no conviction," said in a quote, is a remark,
    not the outlet reporting a fact of record. A quotation mark left open runs to the end (or,
    closing a quotation opened in an earlier passage, from the start)."""
    marks = [m.start() for m in _QUOTED.finditer(text)]
    if not marks:
        return text
    if len(marks) % 2 and text[marks[0]] == "”":
        marks.insert(0, 0)
    if len(marks) % 2:
        marks.append(len(text))
    kept: list[str] = []
    last = 0
    for a, b in zip(marks[::2], marks[1::2], strict=True):
        kept.append(text[last:a])
        last = b + 1
    kept.append(text[last:])
    return " ".join(kept)


def _polarity(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Facts of record (charged, arrested, postponed, confirmed) the passage states plainly,
    and those it states under a negation ("no formal charges have been filed")."""
    affirms: set[str] = set()
    negates: set[str] = set()
    tokens = [t.lower().replace("’", "'") for t in _WORD.findall(_unquoted(text))]
    for i, token in enumerate(tokens):
        stems = _stems(token)
        if not stems or token in _NOUN_FORMS:
            continue
        stem = stems[0]
        opposite = _OPPOSITES.get(stem)
        if stem not in _RECORD and opposite is None:
            continue
        window = tokens[max(0, i - 3) : i]
        if _MODALS & set(window):
            continue  # "would not rush", "could not be impartial": no fact of record
        negated = (
            any(w in _NEGATION or w.endswith("n't") for w in window)
            and not _NOT_NEGATING.search(" ".join(window))
        ) or bool(_REFUSING & set(tokens[max(0, i - 6) : i]))
        if opposite is not None:
            (affirms if negated else negates).add(opposite)
        else:
            (negates if negated else affirms).add(stem)
    if _AFFIRMING.search(text):
        affirms.add("schedul")
    return frozenset(affirms - negates), frozenset(negates - affirms)
