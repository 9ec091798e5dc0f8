"""Quotes, people and discrepancies: on small made-up texts and on the default corpus."""

from __future__ import annotations

import pytest

from briefing import cleaning, discrepancies, findings, segmentation
from briefing.models import Alignment, Passage
from tests.conftest import Built, make_article


def _alignment(*docs: tuple[str, str]) -> Alignment:
    passages: list[Passage] = []
    for outlet, text in docs:
        passages.extend(segmentation.split(cleaning.clean(make_article(text, outlet=outlet, title=""))))
    return Alignment(passages=tuple(passages), clusters=())


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        (
            "“We will not send troops to the region this year,” said Maria Okafor, the defence minister.",
            "Maria Okafor",
            "the defence minister",
        ),
        (  # a role runs past initials such as "U.S."
            "“The plan cannot work,” said Eugene Rumer, a former officer at the U.S. National "
            "Intelligence Council.",
            "Eugene Rumer",
            "a former officer at the U.S. National Intelligence Council",
        ),
    ],
)
def test_quote_after_text_is_attributed_to_named_speaker(text: str, speaker: str, role: str) -> None:
    [quote] = findings.find_quotes(_alignment(("Alpha", text + "\n")))
    assert (quote.speaker, quote.role) == (speaker, role)
    assert text.startswith("“" + quote.text)


def test_same_quote_in_two_outlets_is_one_entry_with_both() -> None:
    aligned = _alignment(
        ("Alpha", "Minister Maria Okafor said: “We will not send troops to the region this year.”\n"),
        ("Beta", "“We are not sending troops to the region this year,” Okafor told reporters on Monday.\n"),
    )
    quotes = findings.find_quotes(aligned)
    assert len(quotes) == 1
    assert quotes[0].outlets == ("Alpha", "Beta")


def test_pronoun_speaker_resolves_to_person_named_just_before() -> None:
    aligned = _alignment(
        (
            "Alpha",
            "Analyst John Ferris, a historian at the university, doubts the plan.\n\n"
            "“The budget cannot carry another program of this size,” he said.\n",
        ),
    )
    [quote] = findings.find_quotes(aligned)
    assert quote.speaker == "John Ferris"


def test_discrepancy_pairs_same_fact_with_different_figures() -> None:
    aligned = _alignment(
        ("Alpha", "The storm destroyed 1,200 homes in the coastal district of Marlow on Sunday night.\n"),
        ("Beta", "The storm destroyed about 900 homes in the coastal district of Marlow, officials said.\n"),
    )
    [discrepancy] = discrepancies.find_discrepancies(aligned)
    figures = {s.outlet: s.figures for s in discrepancy.statements}
    assert figures == {"Alpha": ("1,200 (home)",), "Beta": ("900 (home)",)}


def test_agreeing_figures_are_no_discrepancy() -> None:
    aligned = _alignment(
        ("Alpha", "The storm destroyed 1,200 homes in the coastal district of Marlow on Sunday night.\n"),
        ("Beta", "Some 1,200 homes in the coastal district of Marlow were destroyed by the storm.\n"),
    )
    assert discrepancies.find_discrepancies(aligned) == ()


def test_figures_far_apart_or_in_other_words_are_no_discrepancy() -> None:
    aligned = _alignment(
        (
            "Alpha",
            "The rebels say they defeated three empires over the course of 102 years of Marlow wars.\n",
        ),
        ("Beta", "The empire fought a 10-year war in Marlow that ended with the defeat of its rebels.\n"),
        ("Gamma", "Some 2,500 troops from Marlow and Tessel held joint drills near the border.\n"),
        (
            "Delta",
            "Some 1,000 troops will join new drills, a week after joint drills near the Marlow "
            "border with 2,500 Tessel forces.\n",
        ),
    )
    assert discrepancies.find_discrepancies(aligned) == ()


def test_role_before_a_name_leaves_the_verb_out() -> None:
    aligned = _alignment(
        (
            "Alpha",
            "“The talks will fail within a month,” joked the Tessel journalist Ivan Petrov on Monday.\n",
        ),
    )
    [person] = findings.find_people(aligned, findings.find_quotes(aligned))
    assert person.role == "the Tessel journalist"


def test_who_was_told_is_not_a_speaker() -> None:
    aligned = _alignment(
        ("Alpha", "Analyst Ivan Petrov told Vechernaya Zarya that the talks would fail within a month.\n"),
    )
    people = findings.find_people(aligned, findings.find_quotes(aligned))
    assert [p.name for p in people] == ["Ivan Petrov"]


def test_people_index_names_roles_from_the_text(built: Built) -> None:
    people = {p.name: p for p in built.briefing.people}
    # Two officials every outlet's reporting revolves around (read from the articles).
    assert "Sergey Lavrov" in people or "Sergei Lavrov" in people
    assert any(name.endswith("Kabulov") for name in people)
    for person in people.values():
        assert person.outlets
        assert set(person.quoted_by) <= set(person.outlets)
        assert person.name[0].isupper() and " " in person.name


def test_quotes_cite_passages_that_hold_the_words(built: Built) -> None:
    passages = {p.id: p for p in built.briefing.alignment.passages}
    assert built.briefing.quotes
    for quote in built.briefing.quotes:
        assert quote.text in passages[quote.passages[0]].text
        assert sorted({passages[p].outlet for p in quote.passages}) == list(quote.outlets)


FILLER = (
    "Markets in the capital reopened after the holiday weekend.\n\n"
    "The weather service expects rain across the northern provinces.\n\n"
    "A new museum of modern art opened its doors to visitors.\n\n"
)


def test_figures_of_one_kind_are_compared_and_dates_are_not() -> None:
    aligned = _alignment(
        (
            "Alpha",
            FILLER + "The Soviet withdrawal came after more than nine years of occupation in the country.\n",
        ),
        (
            "Beta",
            FILLER + "The Soviet Union fought a 10-year war that ended with the withdrawal of its troops.\n",
        ),
        ("Gamma", FILLER + "On 15 August the Soviet withdrawal was remembered by veterans of the war.\n"),
    )
    found = discrepancies.find_discrepancies(aligned)
    outlets = [sorted(s.outlet for s in d.statements) for d in found]
    assert ["Alpha", "Beta"] in outlets
    assert all("Gamma" not in pair for pair in outlets)  # "15 August" is a date, not a count
