"""The timeline: dated events in order, weekdays resolved against the publication date, each
event once with every outlet that reports it, shown from three events."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from briefing import pipeline
from briefing.findings import clauses, timeline
from briefing.models import Alignment, Arc, Article, Cluster, Entity, Passage, Reading, Settings, Span
from briefing.render import export
from tests.conftest import DATA, ROOT, Built, make_article

STORIES = Path(os.environ.get("BRIEFING_STORIES", ROOT.parent / "shared" / "stories"))
FRIDAY = dt.date(2021, 8, 20)  # a Friday


def _parse(text: str, published: dt.date | None = FRIDAY, before: str = "", after: str = "") -> str | None:
    when = timeline.parse(text, published=published, before=before, after=after)
    return None if when is None else f"{when.date} {when.precision} {when.resolved_from}"


@pytest.mark.parametrize(
    ("text", "before", "expected"),
    [
        ("Aug. 17, 2021", "", "2021-08-17 day None"),
        ("March 3", "", "2021-03-03 day None"),
        ("17 August 2021", "", "2021-08-17 day None"),
        ("Tuesday, Aug. 17", "", "2021-08-17 day None"),
        ("January 2010", "", "2010-01-01 month None"),
        ("2008", "He ran in ", "2008-01-01 year None"),
        ("June", "It happened in ", "2021-06-01 month None"),
        # The most recent such weekday on or before the publication date, the day itself included.
        ("Friday", "He resigned on ", "2021-08-20 day Friday"),
        ("Tuesday", "He said ", "2021-08-17 day Tuesday"),
        ("late Monday", "", "2021-08-16 day late Monday"),
        ("Saturday night", "", "2021-08-14 day Saturday night"),
        ("last Friday", "", "2021-08-13 day last Friday"),
        ("yesterday", "", "2021-08-19 day yesterday"),
        ("last week", "", "2021-08-09 week last week"),
        ("last month", "", "2021-07-01 month last month"),
        ("two years ago", "", "2019-01-01 year two years ago"),
        # The future: the next such weekday.
        ("Tuesday", "The House will vote on ", "2021-08-24 day Tuesday"),
        ("next Friday", "", "2021-08-27 day next Friday"),
        # A remark's "will" is not the clause of its date: said on the day, in the past.
        ("Wednesday", "“I will not seek re-election,” Farenthold said ", "2021-08-18 day Wednesday"),
        ("Wednesday", '"We will win this fight," she told reporters on ', "2021-08-18 day Wednesday"),
        # Inside a quotation still open, the date takes the quotation's tense.
        ("Tuesday", "“We will vote on ", "2021-08-24 day Tuesday"),
        # A present "is" schedules the day; "was" dates one past.
        ("Tuesday", "The election is ", "2021-08-24 day Tuesday"),
        ("Tuesday", "The election was ", "2021-08-17 day Tuesday"),
    ],
)
def test_parse_places_explicit_and_relative_dates(text: str, before: str, expected: str) -> None:
    assert _parse(text, before=before) == expected


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("50 years old", ""),
        ("two years", "He served for "),
        ("1996 to 2007", "He served from "),
        ("between 2014 and 2015", ""),
        ("the 1990s", "in "),
        ("Sundays", "He preaches on "),
        ("Friday", "Congress must act by "),
        ("2015", "The ban lasts until "),
        ("2012", "the "),  # "the 2012 election": a bare year qualifying a noun
        ("this year", ""),
        ("the next day", ""),
    ],
)
def test_parse_skips_dates_that_are_no_event(text: str, before: str) -> None:
    assert _parse(text, before=before) is None


def test_parse_leaves_weekdays_unplaced_without_a_publication_date() -> None:
    assert _parse("Friday", published=None) is None
    assert _parse("yesterday", published=None) is None
    assert _parse("Aug. 17, 2021", published=None) == "2021-08-17 day None"


def test_parse_takes_the_nearest_year_for_a_date_without_one() -> None:
    assert _parse("Dec. 30", published=dt.date(2022, 1, 4)) == "2021-12-30 day None"
    assert _parse("Jan. 3", published=dt.date(2021, 12, 28)) == "2022-01-03 day None"
    # "The Sept. 11 attacks" are 2001's whatever year the article is of.
    assert _parse("Sept. 11", after=" attacks on New York") == "2001-09-11 day None"


def _story(
    texts: dict[str, str], dates: dict[str, str], *, published: dict[str, dt.date | None]
) -> tuple[Alignment, list[Article], list[Reading]]:
    """Articles of one sentence per line; every ``dates`` string in them is a DATE entity."""
    articles, readings, passages = [], [], []
    for outlet, text in texts.items():
        article = replace(make_article(text, outlet=outlet), published=published.get(outlet))
        articles.append(article)
        entities: list[Entity] = []
        sentences: list[Span] = []
        at = 0
        for n, line in enumerate(text.split("\n")):
            passages.append(
                Passage(
                    id=f"{article.id}-{n}",
                    doc=article.id,
                    outlet=outlet,
                    start=at,
                    end=at + len(line),
                    text=line,
                    paragraph=n,
                )
            )
            for written in dates:
                if (k := line.find(written)) >= 0:
                    entities.append(
                        Entity(start=at + k, end=at + k + len(written), label="DATE", text=written)
                    )
            at += len(line) + 1
        readings.append(
            Reading(
                doc=article.id,
                model="test",
                sentences=tuple(sentences),
                entities=tuple(sorted(entities, key=lambda e: e.start)),
                speech=(),
                subjects=(),
                parsed=len(text),
            )
        )
    return Alignment(passages=tuple(passages), clusters=()), articles, readings


def test_events_in_date_order_with_weekdays_resolved_per_article() -> None:
    alignment, articles, readings = _story(
        {
            "Alpha": "The senator resigned from the Senate on Friday after weeks of pressure.\n"
            "She was first elected to the Senate in 2008 by a wide margin.",
            "Beta": "The ethics committee opened its inquiry into the senator on March 3.\n"
            "The senator's lawyer filed a response to the committee yesterday.",
        },
        {"Friday": "", "2008": "", "March 3": "", "yesterday": ""},
        published={"Alpha": dt.date(2021, 8, 21), "Beta": dt.date(2021, 8, 18)},  # Sat, Wed
    )
    events = timeline.build(alignment, articles=articles, readings=readings).events
    assert [(e.date.isoformat(), e.precision, e.resolved_from) for e in events] == [
        ("2008-01-01", "year", None),
        ("2021-03-03", "day", None),
        ("2021-08-17", "day", "yesterday"),
        ("2021-08-20", "day", "Friday"),
    ]
    assert all(e.text == next(p.text for p in alignment.passages if p.id == e.passage) for e in events)


def test_same_event_in_two_outlets_is_listed_once_citing_both() -> None:
    alignment, articles, readings = _story(
        {
            "Alpha": "The governor signed the budget bill into law on Friday afternoon.\n"
            "Protesters gathered outside the statehouse on Aug. 4 to oppose the cuts.",
            "Beta": "On Aug. 20 the governor signed the budget bill into law, aides said.\n"
            "The senate passed the bill by two votes on Wednesday night.",
        },
        {"Friday afternoon": "", "Aug. 4": "", "Aug. 20": "", "Wednesday night": ""},
        published={"Alpha": FRIDAY, "Beta": dt.date(2021, 8, 21)},
    )
    result = timeline.build(alignment, articles=articles, readings=readings)
    signed = [e for e in result.events if "signed" in e.text]
    assert len(signed) == 1
    assert signed[0].outlets == ("Alpha", "Beta")
    assert signed[0].passages == ("alpha-0", "beta-0")
    # The outlet that writes the date out is the one quoted.
    assert signed[0].passage == "beta-0" and signed[0].resolved_from is None
    assert [e.date.isoformat() for e in result.events] == ["2021-08-04", "2021-08-18", "2021-08-20"]
    assert result.shown


def test_passages_of_one_cluster_dating_the_same_day_are_one_event() -> None:
    alignment, articles, readings = _story(
        {
            "Alpha": "Officials confirmed the mayor's arrest at city hall on Tuesday.",
            "Beta": "Agents detained the city's top elected official in his office Aug. 17.",
        },
        {"Tuesday": "", "Aug. 17": ""},
        published={"Alpha": FRIDAY, "Beta": FRIDAY},
    )
    apart = timeline.build(alignment, articles=articles, readings=readings)
    assert len(apart.events) == 2  # worded differently and not aligned: two events
    cluster = Cluster(id="c1", passages=("alpha-0", "beta-0"), outlets=("Alpha", "Beta"), score=0.8, links=())
    joined = timeline.build(replace(alignment, clusters=(cluster,)), articles=articles, readings=readings)
    assert [(e.date.isoformat(), e.outlets) for e in joined.events] == [("2021-08-17", ("Alpha", "Beta"))]


def test_an_event_is_told_in_a_sentence_rather_than_a_clause_cut_from_one() -> None:
    alignment, articles, readings = _story(
        {
            "Alpha": "while agents detained the city's top elected official at city hall on Aug. 17,",
            "Beta": "Agents detained the city's top elected official in his office on Aug. 17.",
        },
        {"Aug. 17": ""},
        published={"Alpha": FRIDAY, "Beta": FRIDAY},
    )
    cluster = Cluster(id="c1", passages=("alpha-0", "beta-0"), outlets=("Alpha", "Beta"), score=0.8, links=())
    events = timeline.build(
        replace(alignment, clusters=(cluster,)), articles=articles, readings=readings
    ).events
    # Alpha's clause comes as early in its article and writes the date out as well: the sentence wins.
    assert [(e.passage, e.passages) for e in events] == [("beta-0", ("alpha-0", "beta-0"))]


def test_an_event_only_a_clause_states_is_shown_as_its_whole_sentence() -> None:
    text = "The tax was raised twice, once by President Bush in 1990 and again in 2001, aides said."
    clause = "once by President Bush in 1990 and again in 2001,"
    start = text.index(clause)
    article = replace(make_article(text, outlet="Alpha"), published=FRIDAY)
    passage = Passage(
        id="alpha-0",
        doc=article.id,
        outlet="Alpha",
        start=start,
        end=start + len(clause),
        text=clause,
        paragraph=0,
    )
    at = text.index("1990")
    reading = Reading(
        doc=article.id,
        model="test",
        sentences=(Span(start=0, end=len(text)),),
        entities=(Entity(start=at, end=at + 4, label="DATE", text="1990"),),
        speech=(),
        subjects=(),
        parsed=len(text),
    )
    alignment = Alignment(passages=(passage,), clusters=())
    events = timeline.build(alignment, articles=[article], readings=[reading]).events
    assert [(e.passage, e.text) for e in events] == [("alpha-0", text)]
    # without the sentence around it, the clause is all there is to show
    alone = replace(reading, sentences=())
    assert [e.text for e in timeline.build(alignment, articles=[article], readings=[alone]).events] == [
        clause
    ]


def test_fewer_than_three_events_are_not_shown() -> None:
    alignment, articles, readings = _story(
        {"Alpha": "The council voted on Friday to close the library for good.\nIt opened in 1921."},
        {"Friday": "", "1921": ""},
        published={"Alpha": FRIDAY},
    )
    result = timeline.build(alignment, articles=articles, readings=readings)
    assert len(result.events) == 1  # "It opened in 1921." is too short to be an event
    assert not result.shown


def test_passage_with_an_unplaced_weekday_is_not_dated_by_its_background_year() -> None:
    alignment, articles, readings = _story(
        {"Alpha": "Engineers restored power to the plant on Saturday, as bad as the crisis in 1979."},
        {"Saturday": "", "1979": ""},
        published={"Alpha": None},
    )
    assert timeline.build(alignment, articles=articles, readings=readings).events == ()


def _corpus(folder: Path, texts: dict[str, str], published: dict[str, str]) -> Path:
    folder.mkdir()
    entries = []
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        entries.append(
            f'[[articles]]\nfile = "{name}.txt"\noutlet = "{name.title()} News"\n'
            f'title = "The {name} report"\npublished = {published[name]}\n'
        )
    (folder / "briefing.toml").write_text('[story]\ntitle = "A resignation"\n\n' + "\n".join(entries))
    return folder


RESIGNATION = {
    "alpha": (
        "The mayor of Springfield resigned on Friday after a month of protests over the city budget.\n\n"
        "The city council had voted to cut the library budget on March 3, 2021, angering residents.\n\n"
        "The protests began last week outside city hall and drew hundreds of people every night."
    ),
    "beta": (
        "Springfield's mayor resigned Friday, ending a month of protests over the city budget.\n\n"
        "The mayor was first elected in 2013 after a decade on the city council.\n\n"
        "Her deputy will be sworn in as acting mayor on Monday, the council said."
    ),
}


def test_build_resolves_on_friday_against_the_manifest_date_and_prints_it(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "story", RESIGNATION, {"alpha": "2021-08-21", "beta": "2021-08-20"})
    briefing = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 1, 1)))
    events = briefing.timeline.events
    resigned = [e for e in events if "resigned" in e.text]
    assert len(resigned) == 1, events
    assert resigned[0].date == FRIDAY and resigned[0].resolved_from in {"Friday", "on Friday"}
    assert resigned[0].outlets == ("Alpha News", "Beta News")
    dates = [e.date for e in events]
    assert dates == sorted(dates)
    assert dt.date(2021, 3, 3) in dates and dt.date(2013, 1, 1) in dates
    assert dt.date(2021, 8, 23) in dates  # "will be sworn in ... on Monday": the Monday after
    assert briefing.timeline.shown

    outputs = pipeline.write_outputs(briefing, tmp_path / "out")
    document = export.to_document(briefing)
    jsonschema.validate(document, export.schema())
    assert document["timeline"]["events"][0]["date"] == min(dates).isoformat()
    text = subprocess.run(
        ["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Timeline" in text
    assert "20 August 2021 (Friday)" in " ".join(text.split())


def test_story_with_fewer_than_three_dated_events_has_no_timeline_section(tmp_path: Path) -> None:
    texts = {
        "alpha": "The mayor of Springfield resigned on Friday after a month of protests over the budget.",
        "beta": "Springfield's mayor resigned Friday, ending a month of protests over the city budget.",
    }
    folder = _corpus(tmp_path / "story", texts, {"alpha": "2021-08-20", "beta": "2021-08-20"})
    briefing = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 1, 1)))
    assert len(briefing.timeline.events) == 1 and not briefing.timeline.shown
    outputs = pipeline.write_outputs(briefing, tmp_path / "out")
    text = subprocess.run(
        ["pdftotext", str(outputs.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Timeline" not in text


def test_default_corpus_timeline_is_in_date_order_and_cited(built: Built) -> None:
    passages = {p.id: p for p in built.briefing.alignment.passages}
    events = built.briefing.timeline.events
    keys = [(e.date, timeline._PRECISION_RANK[e.precision]) for e in events]
    assert keys == sorted(keys)
    for e in events:
        # the passage's text, or the whole sentence it was cut from
        assert " ".join(passages[e.passage].text.split()) in " ".join(e.text.split())
        assert e.passage in e.passages
        assert e.outlets == tuple(sorted({passages[p].outlet for p in e.passages}))
    assert built.document["timeline"]["shown"] == built.briefing.timeline.shown


@pytest.mark.skipif(not STORIES.is_dir(), reason=f"{STORIES} not found; set BRIEFING_STORIES")
def test_real_story_resolves_weekdays_against_manifest_dates() -> None:
    # Farenthold resigned on Friday 6 April 2018, the day all three articles are dated; he had
    # announced in December 2017 that he would not run again, and was sued in 2014.
    briefing = pipeline.build_briefing(
        STORIES / "basil-2018-farenthold-resigns", settings=Settings(built=dt.date(2026, 1, 1))
    )
    events = briefing.timeline.events
    assert briefing.timeline.shown
    resigned = [e for e in events if "resigned from Congress on Friday" in e.text]
    assert [(e.date, e.resolved_from) for e in resigned] == [(dt.date(2018, 4, 6), "Friday")]
    assert len(resigned[0].outlets) >= 2
    assert any(e.date == dt.date(2017, 12, 1) and e.precision == "month" for e in events)
    assert any(e.date.year == 2014 and e.precision == "year" and "sued" in e.text for e in events)
    assert all(e.date <= dt.date(2018, 4, 6) for e in events)


def _arcs(*steps: str) -> tuple[Arc, ...]:
    """Arcs written "dep>TAG:word", from the date up: "pobj>IN:on prep>VBD:resigned"."""
    arcs = []
    for step in steps:
        dep, rest = step.split(">")
        head, word = rest.split(":")
        arcs.append(Arc(dep=dep, head=head, word=word))
    return tuple(arcs)


@pytest.mark.parametrize(
    ("path", "main"),
    [
        # "He resigned on Friday", "said Tuesday", a date that is its sentence's root.
        (("pobj>IN:on", "prep>VBD:resigned"), True),
        (("npadvmod>VBD:said",), True),
        ((), True),
        # Under a verb of saying: the reported event ("said the suspect was arrested Friday").
        (("npadvmod>VBN:arrested", "ccomp>VBD:said"), True),
        # "Sunday afternoon" parsed as two dates: the head is part of the date.
        (("compound>NN:afternoon", "npadvmod>VBD:met"), True),
        # A noun framing the event: the main verb's subject, a statement, an object.
        (("poss>NN:ruling", "nsubj>VBZ:provides"), True),
        (("npadvmod>VBN:released", "acl>NNS:documents", "nsubj>VBD:showed"), True),
        (("npadvmod>NN:statement", "pobj>IN:in", "prep>VBD:said"), True),
        (("npadvmod>VBD:aired", "relcl>NN:interview", "pobj>IN:in", "prep>VBD:said"), True),
        (("pobj>IN:on", "prep>NN:emergency", "dobj>VBD:declared"), True),
        # Background: a relative clause, a noun's own date, a subject's relative clause, a state.
        (("pobj>IN:on", "prep>NN:shooting", "pobj>IN:by", "agent>VBN:ignited", "relcl>NN:rage"), False),
        (("nmod>NN:death", "pobj>IN:since", "prep>VBN:endured"), False),
        (("nmod>NN:deadline", "dobj>VBD:set"), False),
        (("pobj>IN:in", "prep>VBD:resigned", "relcl>NNP:jackson", "nsubj>VBD:used"), False),
        (("pobj>IN:in", "prep>VBN:founded", "acl>NNS:mosques", "nsubj>VBP:are"), False),
        (("pobj>IN:in", "prep>NN:run", "pobj>IN:of", "prep>NN:supporter", "attr>VBD:was"), False),
    ],
)
def test_main_clause_tells_the_sentences_event_from_background(path: tuple[str, ...], main: bool) -> None:
    assert clauses.main_clause(_arcs(*path)) is main


def test_quoted_scopes_a_quotation_to_its_paragraph() -> None:
    text = "“Christie was excellent yesterday,” he said Tuesday.\n\n“We will vote Friday."
    assert clauses.quoted(text, text.index("yesterday"))
    assert not clauses.quoted(text, text.index("Tuesday"))
    assert clauses.quoted(text, text.index("Friday"))  # a quotation still open at the date
    assert not clauses.quoted('He said "no" on Monday.', 'He said "no" on Monday.'.index("Monday"))


def test_parse_reads_today_set_against_a_year_as_nowadays() -> None:
    assert _parse("today", before="While Russia supplied help starting in 1995, ") is None
    assert _parse("today", before="The Senate voted ") == "2021-08-20 day today"


BACKGROUND = {
    "alpha": (
        "The attorney general arrived in St. Louis on Wednesday to meet community leaders.\n\n"
        "His first stop was at a college, where he met people who told him about the shooting of a "
        "teenager by a police officer on Aug. 9.\n\n"
        "“The mayor was excellent yesterday and the chief is excellent,” a resident told reporters.\n\n"
        "Protesters marched through the town on Tuesday night without any arrests."
    ),
    "beta": (
        "The attorney general arrived in the city on Wednesday to meet leaders of the community.\n\n"
        "Ferguson has endured more than a week of unrest since the August 9 death of a teenager.\n\n"
        "The teenager was shot by a police officer on Aug. 9 after a struggle in the street."
    ),
}


def test_build_dates_a_sentence_by_its_main_clause_not_its_background(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "story", BACKGROUND, {"alpha": "2014-08-20", "beta": "2014-08-21"})
    events = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 1, 1))).timeline.events
    by_text = {e.text: e.date for e in events}
    assert "His first stop" not in " ".join(by_text)  # Aug. 9 is the shooting's, in a relative clause
    assert "endured" not in " ".join(by_text)  # "the August 9 death" is background
    assert "excellent yesterday" not in " ".join(by_text)  # a quotation's own "yesterday"
    assert [e.date for e in events if "was shot" in e.text] == [dt.date(2014, 8, 9)]
    assert [e.date for e in events if "arrived" in e.text] == [dt.date(2014, 8, 20)]


# Measured with `python bench/timeline.py` on the annotated set (199 sentences of twelve basil
# stories and the default corpus, 54 of them no event): precision of the listed rows' dates
# 0.690 (116/168) before the quotation, clause, state and schedule rules (`--no-rules`), 0.919
# (125/136) with them; recall of the annotated dated sentences 0.800 -> 0.862 (the caps let
# real events in where background ones left). Recall also moves with alignment (which passages
# join one event, and so the caps), hence its margin. Floors only move up.
PRECISION_FLOOR = 0.90
RECALL_FLOOR = 0.83
ANNOTATED = DATA / "timeline-annotated.json"


def test_annotated_sentences_are_exact_text_of_their_stories() -> None:
    rows = json.loads(ANNOTATED.read_text(encoding="utf-8"))["rows"]
    assert len(rows) >= 40 and sum(r["date"] is None for r in rows) >= 10
    for row in rows:
        folder = ROOT / "corpus" if row["story"] == "corpus" else STORIES / row["story"]
        if not folder.is_dir():
            continue
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
        assert any(row["text"] in t for t in texts), row["text"]
        assert (row["date"] is None) == (row["precision"] is None)


@pytest.mark.skipif(not STORIES.is_dir(), reason=f"{STORIES} not found; set BRIEFING_STORIES")
def test_listed_events_are_dated_right_on_the_annotated_stories() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from timeline import run  # type: ignore[import-not-found]

    scores, skipped = run(STORIES, ANNOTATED)
    assert not skipped and len(scores) >= 13
    right, annotated = sum(s.right for s in scores), sum(s.annotated for s in scores)
    found, dated = sum(s.found for s in scores), sum(s.dated for s in scores)
    assert annotated >= 100
    assert right / annotated >= PRECISION_FLOOR, [row for s in scores for row in s.wrong_rows]
    assert found / dated >= RECALL_FLOOR
