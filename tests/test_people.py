"""The people index: names merged across forms, organisations and places kept out, the people a
story is about first; made-up texts through the real NLP pass, and the default corpus."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from briefing import pipeline
from briefing.findings import people, quotes
from briefing.models import Cast, Entity, Person, Reading
from tests.conftest import Built, make_article


def _index(*docs: tuple[str, str]) -> tuple[Person, ...]:
    articles = [make_article(text, outlet=outlet, title="") for outlet, text in docs]
    read = pipeline.read_articles(articles)
    cast = people.identify(read.readings, articles)
    return people.index(cast, quotes.find(read.articles, read.readings, read.passages, cast=cast))


def test_surname_and_title_forms_merge_into_the_full_name() -> None:
    index = _index(
        (
            "Alpha",
            "House Speaker Nancy Pelosi met the governors on Monday.\n\nPelosi said the bill would pass.\n",
        ),
        ("Beta", "Ms. Pelosi told reporters the vote would be held on Friday.\n"),
    )
    names = [p.name for p in index]
    assert names.count("Nancy Pelosi") == 1
    assert not any(name in ("Pelosi", "Ms. Pelosi") for name in names)
    [pelosi] = [p for p in index if p.name == "Nancy Pelosi"]
    assert pelosi.outlets == ("Alpha", "Beta")
    assert pelosi.mentions >= 2  # "Nancy Pelosi" and "Ms. Pelosi", counted as one person


def test_organisations_places_and_sentence_openers_are_not_people() -> None:
    index = _index(
        (
            "Alpha",
            "Although North Carolina voted first, the Congressional Black Caucus asked Governor Roy Cooper "
            "to wait.\n\nThe Federal Reserve and Goldman Sachs said rates would rise in Texas.\n",
        ),
    )
    names = {p.name for p in index}
    assert "Roy Cooper" in names
    assert not names & {
        "Although North Carolina",
        "North Carolina",
        "Congressional Black Caucus",
        "Federal Reserve",
    }


def test_a_dash_separates_two_people() -> None:
    index = _index(
        (
            "Alpha",
            "Barack Obama — former Secretary of State Hillary Clinton's rival — spoke first.\n\n"
            "Obama thanked Clinton for her work.\n",
        ),
    )
    names = {p.name for p in index}
    assert {"Barack Obama", "Hillary Clinton"} <= names
    assert not any("—" in name for name in names)


def test_people_the_story_is_about_come_first() -> None:
    index = _index(
        (
            "Alpha",
            "Mayor Lena Castell closed the bridge. Castell said it was unsafe. A man named Otto Brill watched.\n",
        ),
        ("Beta", "Lena Castell ordered the bridge closed on Monday, citing cracks.\n"),
        ("Gamma", "The bridge was closed by Mayor Lena Castell.\n"),
    )
    assert index[0].name == "Lena Castell"
    assert index[0].outlets == ("Alpha", "Beta", "Gamma")


def test_who_was_told_is_not_indexed_as_a_speaker() -> None:
    index = _index(("Alpha", "“The talks will fail,” Ivan Petrov told the Daily Courier on Monday.\n"))
    names = [p.name for p in index]
    assert names == ["Ivan Petrov"]
    assert index[0].quoted_by == ("Alpha",)
    assert index[0].quotes == 1


def test_default_corpus_people_are_named_people(built: Built) -> None:
    index = {p.name: p for p in built.briefing.people}
    # Two officials every outlet's reporting revolves around (read from the articles).
    assert "Sergey Lavrov" in index or "Sergei Lavrov" in index
    assert any(name.endswith("Kabulov") for name in index)
    for person in index.values():
        assert person.outlets
        assert set(person.quoted_by) <= set(person.outlets)
        assert person.name[0].isupper()
        assert people.name_form(person.name) == person.name


def test_one_first_name_spelt_two_ways_is_one_person() -> None:
    index = _index(
        ("Alpha", "Foreign Minister Sergey Lavrov said on Monday that talks would go on.\n"),
        ("Beta", "Sergei Lavrov met the delegation in Moscow on Tuesday.\n"),
    )
    lavrovs = [p for p in index if p.name.endswith("Lavrov")]
    assert len(lavrovs) == 1
    assert lavrovs[0].outlets == ("Alpha", "Beta")


def _cast_of(text: str, names: list[str]) -> Cast:
    """The cast of one article whose only entities are every occurrence of ``names``, as PERSON."""
    article = make_article(text, outlet="Alpha")
    return people.identify([_reading_of(article.id, text, names)], [article])


def _reading_of(article_id: str, text: str, names: list[str]) -> Reading:
    entities = tuple(
        Entity(start=m.start(), end=m.end(), label="PERSON", text=m.group())
        for name in names
        for m in re.finditer(re.escape(name), text)
    )
    return Reading(
        doc=article_id,
        model="test",
        sentences=(),
        entities=tuple(sorted(entities, key=lambda e: e.start)),
        speech=(),
        subjects=(),
        parsed=len(text),
    )


def test_a_word_used_as_a_thing_is_not_a_person_however_often_tagged() -> None:
    text = (
        "Mr. Quill posted the photo on Zapchat on Monday. Quill said his Zapchat account was hacked. "
        "A Zapchat spokesman said Quill's Zapchat page was closed. Quill told reporters he would stay "
        "off Zapchat. Zapchat declined to comment."
    )
    cast = _cast_of(text, ["Zapchat", "Quill"])
    assert "Quill" in cast.outlets  # named bare, as people are
    assert "Zapchat" not in cast.outlets  # "on Zapchat", "his Zapchat account", "Quill's Zapchat"


def test_a_nickname_and_the_full_first_name_are_one_person() -> None:
    text = (
        "Prosecutor Robert P. Quarrington said the jury would meet. Bob Quarrington has held the job "
        "for years. Mr. Quarrington declined to comment. Capt. Ron Fellowes and Ronald S. Fellowes "
        "were named in the report, as was Mr. Ed Tamsin."
    )
    names = ["Robert P. Quarrington", "Bob Quarrington", "Quarrington", "Ron Fellowes", "Ronald S. Fellowes"]
    cast = _cast_of(text, [*names, "Ed Tamsin"])
    assert cast.forms["Bob Quarrington"] == cast.forms["Robert P. Quarrington"] == "Robert P. Quarrington"
    assert cast.forms["Quarrington"] == "Robert P. Quarrington"  # the surname now names one person
    assert cast.forms["Ron Fellowes"] == cast.forms["Ronald S. Fellowes"]
    assert "Ed Tamsin" in cast.outlets and "Ed Tamsin" not in cast.roles  # "Mr." is no role


@pytest.mark.parametrize(
    ("raw", "role"),
    [
        ("Attorney General", "Attorney General"),
        ("Missouri Highway Patrol Capt.", "Missouri Highway Patrol Capt."),
        ("Muslims. But Mr.", None),  # the sentence before, then an honorific
        ("Student Manual. Judge", "Judge"),
        ("Mayor de", "Mayor"),  # of "Mayor de Blasio"
        ("Farenthold's", None),
        ("Sens.", None),
        ("45", None),
        ("a statement from Senate Majority Leader", None),
        ("one of the lawmakers who said the meeting in the town hall had gone on far too long", None),
    ],
)
def test_a_role_is_a_title_or_a_job_never_a_fragment(raw: str, role: str | None) -> None:
    assert people.clean_role(raw) == role


def test_the_articles_own_author_is_not_indexed() -> None:
    text = "By Ivan Petrov. Senator Ada Brennan said the vote would wait. Ivan Petrov reported from Kazan."
    article = replace(make_article(text, outlet="Alpha"), author="Ivan Petrov")
    cast = people.identify([_reading_of(article.id, text, ["Ivan Petrov", "Ada Brennan"])], [article])
    assert "Ada Brennan" in cast.outlets
    assert "Ivan Petrov" not in cast.outlets


def test_a_surname_with_two_letters_swapped_is_the_same_person_but_another_first_name_is_not() -> None:
    text = (
        "Regulator Gregory Jaczko warned of a leak. Jaczko said the pools were dry. Gregory Jazcko "
        "later told Congress the risk was high. Tsukasa Sato, a barber, fled the town. Yuichi Sato "
        "studied the reactors."
    )
    names = ["Gregory Jaczko", "Jaczko", "Gregory Jazcko", "Tsukasa Sato"]
    cast = _cast_of(text, names)
    assert cast.forms["Gregory Jazcko"] == cast.forms["Gregory Jaczko"]
    assert people.resolve(cast, "Yuichi Sato") is None  # another Sato, whom the tagger missed
    assert people.resolve(cast, "Mr. Sato") == "Tsukasa Sato"


def test_institutions_the_tagger_took_for_people_and_headline_words_are_left_out() -> None:
    text = "Fed Vote Set For House Run\n\nGovernor Ada Brennan spoke at John Jay College on Monday."
    cast = _cast_of(text, ["Ada Brennan", "John Jay College"])
    assert "John Jay College" not in cast.outlets
    assert cast.roles.get("Ada Brennan") == "Governor"  # not "House Run Governor"
