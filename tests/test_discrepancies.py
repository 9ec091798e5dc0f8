"""Discrepancies: on small made-up texts and on the default corpus."""

from __future__ import annotations

from briefing import cleaning, discrepancies, segmentation
from briefing.models import Alignment, Passage
from tests.conftest import make_article


def _alignment(*docs: tuple[str, str]) -> Alignment:
    passages: list[Passage] = []
    for outlet, text in docs:
        passages.extend(segmentation.split(cleaning.clean(make_article(text, outlet=outlet, title=""))))
    return Alignment(passages=tuple(passages), clusters=())


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
