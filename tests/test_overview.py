"""The overview: extractive, cited, each claim once, the widest-shared central claims first."""

from __future__ import annotations

import re
import subprocess
from itertools import pairwise

import jsonschema
import pytest

from briefing.findings import overview
from briefing.models import Alignment, Cluster, Entity, Link, Passage, Person, Reading, Span
from briefing.render import export
from tests.conftest import Built, make_article


def test_overview_sentences_are_passage_texts_and_cited(built: Built) -> None:
    passages = {p.id: p for p in built.briefing.alignment.passages}
    sentences = built.briefing.overview.sentences
    assert 3 <= len(sentences) <= overview.OVERVIEW_SENTENCES
    for point in sentences:
        # the passage's own words, only a leading dateline ("MOSCOW — ") left off; a clause
        # cut from a longer sentence is shown as the whole sentence around it
        own = passages[point.passage].text
        assert own.endswith(point.text) or " ".join(own.split()) in point.text
        assert len(own) - len(point.text) < 40
        assert point.passage in point.passages
        assert sorted(point.outlets) == sorted({passages[p].outlet for p in point.passages})


def test_overview_states_each_claim_once(built: Built) -> None:
    sentences = built.briefing.overview.sentences
    clusters = [p.cluster for p in sentences if p.cluster is not None]
    assert len(clusters) == len(set(clusters))
    cited = [pid for p in sentences for pid in p.passages]
    assert len(cited) == len(set(cited))
    assert sum(len(p.text.split()) for p in sentences) <= overview.OVERVIEW_WORDS


def test_overview_leads_with_the_claim_most_outlets_share(built: Built) -> None:
    sentences = built.briefing.overview.sentences
    widest = max(len(c.outlets) for c in built.briefing.alignment.clusters)
    # The widest claim comes first, or second after a lead sentence (an article's opening, which
    # _lead_first puts before it: what happened before what it means).
    first = next(n for n, p in enumerate(sentences) if len(p.outlets) == widest)
    order = {p.id: n for n, p in enumerate(built.briefing.alignment.passages)}
    opening = {
        p.id
        for p in built.briefing.alignment.passages
        if sum(1 for q in built.briefing.alignment.passages if q.doc == p.doc and order[q.id] < order[p.id])
        < overview.OPENING_PASSAGES
    }
    assert first == 0 or (first == 1 and sentences[0].passage in opening)
    assert all(len(p.outlets) >= 2 for p in sentences[:2])


def _says(texts: list[str], *patterns: str) -> bool:
    """Some one sentence matches every pattern (case-insensitive)."""
    return any(all(re.search(p, t, re.IGNORECASE) for p in patterns) for t in texts)


def test_default_overview_states_recognition_embassy_and_drills(built: Built) -> None:
    texts = [p.text for p in built.briefing.overview.sentences]
    # Lavrov: "in no rush" / "would not rush" / "premature" to recognize the Taliban.
    assert _says(texts, r"\brush\b|premature", r"recogni[sz]"), texts
    # The embassy stays open: kept, spared, guarded, not evacuated.
    assert _says(texts, r"embass", r"spared|open|guarantee|security|guard|evacuat"), texts
    # The drills with Tajikistan near the Afghan border.
    assert _says(texts, r"Tajik", r"drills|exercise|war games"), texts


def test_default_overview_names_the_main_people_and_places(built: Built) -> None:
    names = built.briefing.overview
    assert {"Zamir Kabulov", "Dmitry Zhirnov"} <= set(names.people)
    assert {"Russia", "Afghanistan"} <= set(names.places)
    assert not any(re.search(r"\d0s\b", d) for d in names.dates)


def test_overview_in_json_is_the_briefing_s_and_validates(built: Built) -> None:
    jsonschema.validate(built.document, export.schema())
    document = built.document["overview"]
    assert [s["text"] for s in document["sentences"]] == [p.text for p in built.briefing.overview.sentences]
    assert document["people"] == list(built.briefing.overview.people)
    assert list(built.document).index("overview") < list(built.document).index("consensus")


def test_pdf_first_page_opens_with_the_overview(built: Built) -> None:
    page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(built.outputs.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(page.split())
    assert flat.index("Overview") < flat.index("Executive summary")
    first = " ".join(built.briefing.overview.sentences[0].text.split())
    assert first[:40] in flat


# Stage tests on plain data: three outlets, two claims worded alike.


def _passage(doc: str, n: int, text: str) -> Passage:
    return Passage(
        id=f"{doc}#{n}", doc=doc, outlet=doc.upper(), start=0, end=len(text), text=text, paragraph=n
    )


def _cluster(cid: str, members: list[Passage]) -> Cluster:
    links = tuple(Link(a=a.id, b=b.id, score=0.9) for a, b in pairwise(members))
    return Cluster(
        id=cid,
        passages=tuple(m.id for m in members),
        outlets=tuple(sorted({m.outlet for m in members})),
        score=0.9,
        links=links,
    )


ALPHA = "The council approved the harbour bridge plan on Monday after a long debate."
BETA = "The council rejected the airport runway plan on Monday after a long debate."


def _story(*, reprinted: bool) -> tuple[Alignment, list[str]]:
    """Claim alpha is carried by A, B and C; claim beta by A, B and D. With ``reprinted``, C only
    reprints another outlet, so alpha has two independent outlets and beta three."""
    a = [_passage("a", 0, ALPHA), _passage("a", 1, BETA)]
    b = [_passage("b", 0, ALPHA), _passage("b", 1, BETA)]
    c = [_passage("c", 0, ALPHA)]
    d = [_passage("d", 0, BETA)]
    clusters = (_cluster("c1", [a[0], b[0], c[0]]), _cluster("c2", [a[1], b[1], d[0]]))
    counted = ["A", "B", "D"] if reprinted else ["A", "B", "C", "D"]
    return Alignment(passages=(*a, *b, *c, *d), clusters=clusters), counted


def _summarise(alignment: Alignment, counted: list[str]) -> tuple[str, ...]:
    result = overview.summarise(
        alignment,
        articles=[make_article("", outlet=o) for o in "abcd"],
        readings=[],
        people=[],
        outlets=counted,
    )
    return tuple(p.cluster or p.passage for p in result.sentences)


def test_a_reprint_counts_once_in_the_ranking() -> None:
    # Alike but for the outlets: alpha leads on the tie (it comes first), beta once C is a reprint.
    assert _summarise(*_story(reprinted=False))[0] == "c1"
    assert _summarise(*_story(reprinted=True))[0] == "c2"


def test_each_cluster_is_stated_once_even_when_members_differ_in_wording() -> None:
    chosen = _summarise(*_story(reprinted=False))
    assert sorted(chosen) == ["c1", "c2"]


def test_without_shared_claims_the_overview_is_the_articles_leads() -> None:
    texts = [
        "Heavy rain flooded the old mining town of Grass Valley on Sunday night.",
        "The mayor said the flooding of Grass Valley was the worst in a century.",
        "Residents of Grass Valley found gold nuggets washed out by the flooding.",
        "A local bakery will reopen next week, its owner said.",
    ]
    passages = tuple(
        _passage(doc, n, text)
        for doc in ("a", "b")
        for n, text in enumerate(texts if doc == "a" else texts[1:])
    )
    alignment = Alignment(passages=passages, clusters=())
    result = overview.summarise(alignment, articles=[], readings=[], people=[], outlets=["A", "B"])
    assert result.sentences
    assert all(p.cluster is None and len(p.outlets) == 1 for p in result.sentences)
    positions = {p.id: n for p in passages for n in [int(p.id.split("#")[1])]}
    assert all(positions[p.passage] < overview.LEAD_PASSAGES for p in result.sentences)
    assert len({p.text for p in result.sentences}) == len(result.sentences)


def test_names_come_from_entities_most_outlets_give() -> None:
    text = "Officials in Paris told Nora on Tuesday that the 1990s plan would be revived, Nora said."
    passages = (_passage("a", 0, text), _passage("b", 0, text))

    def entities(doc: str) -> Reading:
        # "Nora" once tagged a place, once a person: most often not a place, so not listed as one.
        nora = text.index("Nora")
        found = [("Paris", "GPE"), ("Tuesday", "DATE"), ("the 1990s", "DATE")]
        extra = [
            Entity(start=nora, end=nora + 4, label="GPE", text="Nora"),
            Entity(start=text.rindex("Nora"), end=text.rindex("Nora") + 4, label="PERSON", text="Nora"),
            Entity(start=text.rindex("Nora"), end=text.rindex("Nora") + 4, label="PERSON", text="Nora"),
        ]
        return Reading(
            doc=doc,
            model="test",
            sentences=(),
            entities=tuple(
                Entity(start=text.index(t), end=text.index(t) + len(t), label=label, text=t)
                for t, label in found
            )
            + tuple(extra),
            speech=(),
            subjects=(),
            parsed=len(text),
        )

    people = [
        Person(name="Anne Hidalgo", role="Mayor", outlets=("A", "B"), quoted_by=()),
        Person(name="Jean Dupont", role=None, outlets=("A",), quoted_by=()),
    ]
    result = overview.summarise(
        Alignment(passages=passages, clusters=()),
        articles=[],
        readings=[entities("a"), entities("b")],
        people=people,
        outlets=["A", "B"],
    )
    assert result.people == ("Anne Hidalgo",)
    assert result.places == ("Paris",)
    assert result.dates == ("Tuesday",)


@pytest.mark.parametrize(
    "text",
    [
        "He said the plan was dead and buried for good now.",
        "and the plan was dead",
        "For the council, it was dead and buried for good now.",
    ],
)
def test_a_sentence_that_leans_on_another_scores_less(text: str) -> None:
    assert overview._clarity(text) < overview._clarity("The plan was dead and buried for good now.")


def test_a_leading_dateline_is_left_off_the_quoted_sentence() -> None:
    dated = "GRASS VALLEY, Calif. (AP) — Heavy rain flooded the old mining town on Sunday night."
    passages = (
        _passage("a", 0, dated),
        _passage("b", 0, "GRASS VALLEY -- Heavy rain flooded the old mining town on Sunday."),
    )
    alignment = Alignment(passages=passages, clusters=(_cluster("c1", list(passages)),))
    result = overview.summarise(alignment, articles=[], readings=[], people=[], outlets=["A", "B"])
    texts = [p.text for p in result.sentences]
    assert texts and all(not t.startswith("GRASS") and t.startswith("Heavy rain") for t in texts)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("the U.S.", "U.S."),
        ("Ferguson, Mo.", "Ferguson, Mo."),
        ("the Kremlin’s", "Kremlin"),
        ("Aug. 9.", "Aug. 9"),
    ],
)
def test_names_are_listed_without_article_or_possessive_but_keep_an_abbreviations_point(
    raw: str, shown: str
) -> None:
    assert overview._entity_text(raw) == shown


def test_a_year_long_before_the_articles_is_background_not_when() -> None:
    text = "On Tuesday the council, founded in 1987, met again as it has since 1987, in 2021."
    passages = (_passage("a", 0, text), _passage("b", 0, text))
    found = [("Tuesday", "DATE"), ("1987", "DATE"), ("2021", "DATE")]
    readings = [
        Reading(
            doc=doc,
            model="test",
            sentences=(),
            entities=tuple(
                Entity(start=m.start(), end=m.end(), label=label, text=t)
                for t, label in found
                for m in re.finditer(t, text)
            ),
            speech=(),
            subjects=(),
            parsed=len(text),
        )
        for doc in ("a", "b")
    ]
    alignment = Alignment(passages=passages, clusters=())
    dated = [make_article("", outlet=o) for o in "ab"]  # published 2021-01-01
    result = overview.summarise(alignment, articles=dated, readings=readings, people=[], outlets=["A", "B"])
    assert "1987" not in result.dates and "Tuesday" in result.dates
    undated = overview.summarise(alignment, articles=[], readings=readings, people=[], outlets=["A", "B"])
    assert "1987" in undated.dates  # without the articles' dates, a year is a date like any other


def test_a_quotation_shared_more_widely_does_not_open_the_overview_before_the_event() -> None:
    quote = "“We will keep the harbour bridge closed for the whole summer,” Mayor Dana Quill said."
    event = "Mayor Dana Quill closed the harbour bridge on Monday after the storm damaged its piers."
    quoted = [_passage(doc, 0, quote) for doc in "abc"]
    told = [_passage(doc, 1, event) for doc in "ab"]
    alignment = Alignment(passages=(*quoted, *told), clusters=(_cluster("c1", quoted), _cluster("c2", told)))
    result = overview.summarise(alignment, articles=[], readings=[], people=[], outlets=["A", "B", "C"])
    chosen = [p.cluster for p in result.sentences]
    assert sorted(chosen) == ["c1", "c2"]  # both said, the wider claim scoring higher
    assert max(result.sentences, key=lambda p: p.relevance).cluster == "c1"
    assert chosen[0] == "c2"  # but what happened comes first


def test_a_clause_cut_from_a_sentence_is_shown_as_its_whole_sentence() -> None:
    whole = "Prospectors find a little gold every spring, but this year the runoff is shaking far more loose."
    clause = "but this year the runoff is shaking far more loose."
    at = whole.index(clause)
    lead = "Weeks of heavy rain across the hills of gold country have set off a new gold rush."
    text = f"{lead}\n\n{whole}"
    start = text.index(clause)
    passages = (
        Passage(id="a#0", doc="a", outlet="A", start=0, end=len(lead), text=lead, paragraph=0),
        Passage(
            id="a#1", doc="a", outlet="A", start=start, end=start + len(clause), text=clause, paragraph=1
        ),
    )
    sentences = (Span(start=0, end=len(lead)), Span(start=start - at, end=len(text)))
    reading = Reading(
        doc="a", model="test", sentences=sentences, entities=(), speech=(), subjects=(), parsed=len(text)
    )
    result = overview.summarise(
        Alignment(passages=passages, clusters=()),
        articles=[make_article(text, outlet="A")],
        readings=[reading],
        people=[],
        outlets=["A"],
    )
    shown = {p.passage: p.text for p in result.sentences}
    assert shown.get("a#1") == whole
    without = overview.summarise(
        Alignment(passages=passages, clusters=()), articles=[], readings=[], people=[], outlets=["A"]
    )
    assert "a#1" not in {p.passage for p in without.sentences}  # no sentence known: not shown cut


def test_a_clause_whose_words_a_chosen_sentence_holds_is_not_listed_again() -> None:
    quote = (
        "“I can’t imagine what the harbour would be, I can’t imagine what the town would be, with"
        " the bridge closed,” the mayor told the council on Monday."
    )
    clause = "“I can’t imagine what the harbour would be"
    other = "The council approved the harbour bridge plan on Monday after a long debate."
    a = [_passage("a", 0, quote), _passage("a", 1, other)]
    b = [_passage("b", 0, quote), _passage("b", 1, other)]
    c = [_passage("c", 0, clause)]
    clusters = (_cluster("c1", [a[0], b[0]]), _cluster("c2", [a[1], b[1]]))
    result = overview.summarise(
        Alignment(passages=(*a, *b, *c), clusters=clusters),
        articles=[make_article("", outlet=o) for o in "abc"],
        readings=[],
        people=[],
        outlets=["A", "B", "C"],
    )
    chosen = [p.passage for p in result.sentences]
    assert "c#0" not in chosen
    assert {p.cluster for p in result.sentences} == {"c1", "c2"}
