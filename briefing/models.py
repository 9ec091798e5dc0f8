"""Frozen dataclasses passed between the stages, and the run's Settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

FurnitureReason = Literal[
    "advertisement",
    "byline",
    "caption",
    "contact",
    "credit",
    "duplicate",
    "heading",
    "headline",
    "markup",
    "masthead",
    "notice",
    "promo",
    "teaser",
    "timestamp",
    "trailer",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A half-open character span ``text[start:end]`` of one document."""

    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeSpec:
    """A theme as the manifest defines it: the question and the words that define it."""

    id: str
    title: str
    question: str = ""
    terms: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleMeta:
    """What the manifest says about one article file."""

    file: str
    outlet: str | None = None
    title: str | None = None
    published: dt.date | None = None
    author: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Manifest:
    """The corpus folder's own configuration (``briefing.toml``); empty when absent."""

    path: Path | None = None
    title: str | None = None
    description: str | None = None
    themes: tuple[ThemeSpec, ...] = ()
    articles: tuple[ArticleMeta, ...] = ()
    # ``[alignment] semantic = true|false``: the semantic route for this corpus when the command
    # line does not say (--semantic/--no-semantic win); None when the manifest does not say.
    semantic: bool | None = None


# What an article file is: plain text, or a saved web page whose article text was extracted.
DocumentFormat = Literal["text", "html"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One article as read from the corpus: its exact text and what is known of it."""

    id: str
    path: str  # relative to the corpus folder, with forward slashes
    outlet: str
    title: str
    published: dt.date | None
    author: str | None
    url: str | None
    sha256: str  # of the file's bytes
    # As Path.read_text(encoding="utf-8") gives it, or for a web page the article text extracted
    # from it (paragraphs apart by a blank line); offsets refer to this.
    text: str
    format: DocumentFormat = "text"


@dataclass(frozen=True, slots=True, kw_only=True)
class Removal:
    """A span of an article left out of the analysis as page furniture."""

    doc: str
    start: int
    end: int
    reason: FurnitureReason


@dataclass(frozen=True, slots=True, kw_only=True)
class CleanArticle:
    """An article with its page furniture marked (never deleted) and its body spans."""

    article: Article
    removed: tuple[Removal, ...]
    body: tuple[Span, ...]  # paragraphs (or their kept parts) that carry the story


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """A named entity the NLP pass found: PERSON, ORG, GPE, NORP, DATE, CARDINAL, MONEY, ..."""

    start: int
    end: int
    label: str  # the pipeline's label (OntoNotes labels for the English pipelines)
    text: str
    subject: bool = False  # the entity is the subject of its clause


@dataclass(frozen=True, slots=True, kw_only=True)
class Arc:
    """One step up the dependency parse: a token's relation to its head, and the head's tag."""

    dep: str  # "pobj", "prep", "npadvmod", "relcl", ... (the pipeline's labels)
    head: str  # the head's fine-grained tag: "IN", "NN", "VBD", ...
    word: str  # the head as written, lower case: "on", "statement", "said"


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """What the parse says of one figure or date entity (its span as the entity's): the noun it
    counts, the verb that governs it and that verb's subject, all lower case as written."""

    start: int
    end: int
    counted: str = ""  # the noun it counts: "people" in "five people were injured"; "" if none
    verb: str = ""  # the nearest verb above it: "injured"; "" if none
    subject: str = ""  # that verb's subject ("reactors"), "" when none or the figure's own noun
    modifiers: tuple[str, ...] = ()  # words qualifying the counted noun: "injured", "active-duty"
    total: bool = False  # the whole of a part: "six" in "four of the plant's six reactors"
    # The arcs from the entity's root up to its sentence's root: ("pobj", "IN"), ("prep", "VBD")
    # is "on Friday" under the main verb; a "relcl" or a noun head on the way makes it background.
    path: tuple[Arc, ...] = ()


MentionKind = Literal["name", "pronoun", "description"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Mention:
    """Who a verb of saying has for subject: a name, a pronoun, or a description."""

    start: int
    end: int
    text: str  # the name without its title, the pronoun, or the whole description
    kind: MentionKind
    role: str | None = None  # the title or apposition the text gives ("Dallas Police Chief")
    label: str | None = None  # the entity label over the name, if any


@dataclass(frozen=True, slots=True, kw_only=True)
class Speech:
    """A verb of saying ("said", "told", "according to") and what the parse says of it."""

    start: int
    end: int
    lemma: str  # "say", "tell", "according to"
    clause: Span  # the verb's clause: a quotation it governs lies inside
    speaker: Mention | None  # its subject; None when the parse gives none (or a passive)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What the NLP pass read in one article, as offsets into its original text."""

    doc: str
    model: str  # the pipeline's name and version
    sentences: tuple[Span, ...]
    entities: tuple[Entity, ...]
    speech: tuple[Speech, ...]
    subjects: tuple[Mention, ...]  # clause subjects that are names, in reading order
    parsed: int  # the pipeline read the text up to here; beyond, sentences come from rules
    figures: tuple[Figure, ...] = ()  # the parse of each figure and date entity, in order


@dataclass(frozen=True, slots=True, kw_only=True)
class Cast:
    """The people a story names: each written form mapped to the person's name."""

    forms: Mapping[str, str]  # "Pelosi", "Nancy Pelosi" -> "Nancy Pelosi"
    outlets: Mapping[str, tuple[str, ...]]  # person -> outlets naming them, sorted
    mentions: Mapping[str, int]  # person -> how often the articles name them
    roles: Mapping[str, str]  # person -> the title written before the name most often


@dataclass(frozen=True, slots=True, kw_only=True)
class Passage:
    """A unit of text that is aligned: a sentence or clause with offsets into its article."""

    id: str
    doc: str
    outlet: str  # passages of one outlet are never aligned with each other
    start: int
    end: int
    text: str
    paragraph: int  # index of the body paragraph it belongs to


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A claim that two passages of different outlets report the same thing."""

    a: str
    b: str
    score: float  # calibrated probability of "same claim", 0 to 1
    shared: tuple[str, ...] = ()  # words both passages carry, as rapidfuzz aligns them


@dataclass(frozen=True, slots=True, kw_only=True)
class Cluster:
    """Passages from two or more outlets that report the same claim."""

    id: str
    passages: tuple[str, ...]
    outlets: tuple[str, ...]  # outlet names, sorted
    score: float  # mean link probability within the cluster, 0 to 1
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """The passage of another outlet most like a given one, linked or not."""

    passage: str
    score: float  # calibrated probability of "same claim", 0 to 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Alignment:
    """The result of aligning a corpus: its passages and the clusters among them."""

    passages: tuple[Passage, ...]
    clusters: tuple[Cluster, ...]
    # Passage id -> its closest candidate in another outlet (passages with no candidate are
    # absent): how sure we may be that an unclustered passage is reported by one outlet only.
    nearest: Mapping[str, Match] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Similar:
    """The passage of another outlet that a single-outlet point may restate: "similar in AP"."""

    passage: str
    outlet: str
    text: str
    score: float  # calibrated probability of "same claim", 0 to 1 (under what links a pair)


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """A key point: an extractive statement and the passages that back it."""

    text: str
    passage: str  # the passage the text is taken from
    passages: tuple[str, ...]  # every passage cited
    outlets: tuple[str, ...]  # outlet names, sorted
    cluster: str | None  # None when only one outlet reports it
    relevance: float
    # Of a point only one outlet reports: the closest passage of another outlet, when it is
    # close enough to be a restatement the aligner did not link (uniqueness.with_similar).
    similar: Similar | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeSection:
    """One theme of the briefing: its key points and what only one outlet reports."""

    id: str
    title: str
    question: str
    points: tuple[Point, ...]
    unique: tuple[Point, ...]


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Credit:
    """Whom one outlet credits a quotation to."""

    outlet: str
    speaker: str  # or "unattributed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """Words in quotation marks, who said them, and which outlets carried them."""

    speaker: str  # as the text names them, or "unattributed"
    role: str | None  # as the text gives it
    text: str  # the quoted words, from the first passage
    passages: tuple[str, ...]
    outlets: tuple[str, ...]
    # Other speakers that some outlets credit the same words to: a conflict worth checking.
    credited_also: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()  # per outlet, whom it credits


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A named person: the role the text gives, the outlets that name and quote them."""

    name: str
    role: str | None
    outlets: tuple[str, ...]
    quoted_by: tuple[str, ...]
    mentions: int = 0  # how often the articles name them, in any form
    quotes: int = 0  # quotes credited to them


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """One outlet's version of a claim, with the figures it states."""

    passage: str
    outlet: str
    text: str
    figures: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reprint:
    """An article most of whose passages copy another article's, near verbatim."""

    doc: str  # the reprint's article id
    of: str  # the article id of the original it copies
    passages: tuple[str, ...]  # the reprint's passages that copy the original's, in order
    share: float  # share of the reprint's passages (of six words or more) copied, 0 to 1


# How two statements disagree: figures for one quantity, dates for one event, or one affirms
# what the other negates ("charged" / "no charges filed").
DiscrepancyKind = Literal["figure", "date", "negation"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    """The same thing reported differently by different outlets: a figure, a date, or a yes/no."""

    kind: DiscrepancyKind
    about: str  # the rarest words the statements share
    score: float  # how much of the wording they share, 0 to 1
    statements: tuple[Statement, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Overview:
    """The story in a few lines: extractive, cited sentences and its main names."""

    sentences: tuple[Point, ...] = ()  # each the exact text of its passage, most central first
    people: tuple[str, ...] = ()  # the people most outlets name
    places: tuple[str, ...] = ()  # places (GPE, LOC, FAC entities) most outlets name
    dates: tuple[str, ...] = ()  # dates naming a day, month or year, most outlets first


# How precisely a timeline event is dated: "Aug. 17" a day, "last week" a week, "June 2010" a month.
DatePrecision = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A dated event of the story: when, the passage that says so, and every outlet reporting it."""

    date: dt.date  # the day; for a week its Monday, for a month its 1st, for a year 1 January
    precision: DatePrecision
    text: str  # its passage's text, or the whole sentence of the parse a clause was cut from
    passage: str  # the passage the text is taken from
    passages: tuple[str, ...]  # every passage cited
    outlets: tuple[str, ...]  # outlet names, sorted
    written: str  # the date as that passage writes it: "Aug. 17, 2021", "Friday"
    # The weekday or relative date ("Friday", "yesterday") read against the article's
    # publication date; None when the passage writes the date out.
    resolved_from: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    """The story's dated events in date order; shown when there are enough to make a sequence."""

    events: tuple[Event, ...] = ()
    shown: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Briefing:
    """Everything the report renders, in the order it renders it."""

    title: str
    description: str | None
    built: dt.date
    corpus: Path
    articles: tuple[CleanArticle, ...]
    alignment: Alignment
    consensus: tuple[Point, ...]  # claims most outlets share, across themes
    themes: tuple[ThemeSection, ...]
    unique: tuple[Point, ...]  # notable claims that only one outlet reports
    quotes: tuple[Quote, ...] = ()
    people: tuple[Person, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # article files that could not be used
    reprints: tuple[Reprint, ...] = ()  # articles that copy another; their copies are not aligned
    # The outlets counted as sources ("reported by N of M"): none that only reprints another.
    outlets: tuple[str, ...] = ()
    overview: Overview = field(default_factory=Overview)  # the lead: what the story is
    timeline: Timeline = field(default_factory=Timeline)  # dated events, in order
    semantic: bool = False  # whether the semantic route linked too (Settings.semantic, resolved)

    @property
    def matching(self) -> str:
        """How passages were matched, as the PDF and the JSON say it."""
        return "words and meaning" if self.semantic else "words"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Options of one run; every field has the default the CLI uses."""

    built: dt.date = field(default_factory=dt.date.today)
    strict: bool = False
    max_points: int = 10  # per theme
    max_words: int = 450  # per theme
    model: str | None = None  # spaCy pipeline; None: BRIEFING_SPACY_MODEL, else the default
    # Where reading and alignment run: "local" (this process), or "dask" (briefing/align/distributed.py)
    # on the scheduler at ``scheduler``, else DASK_SCHEDULER_ADDRESS, else a LocalCluster.
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    # The semantic route (briefing/align/semantic.py, pip install 'briefing[semantic]'): True links
    # restatements the words miss too, False never; None, not said: the corpus manifest's
    # ``[alignment] semantic`` decides, else it is on where its extra is installed and the engine is
    # local (installing the extra asks for it; README, "The semantic route", has what it costs).
    semantic: bool | None = None
    # The reading cache's folder (briefing/read/cache.py), for the local engine. None: every article
    # is read by spaCy. The CLI passes cache.location() unless --no-cache; library callers opt in.
    cache_dir: Path | None = None
