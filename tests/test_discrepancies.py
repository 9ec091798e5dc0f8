"""Discrepancies: on small made-up texts and on the default corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefing import alignment, cleaning, corpus, discrepancies, pipeline, segmentation
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
    assert figures == {"Alpha": ("1,200",), "Beta": ("900",)}
    assert discrepancy.kind == "figure"


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


def _kinds(*docs: tuple[str, str]) -> list[str]:
    return [d.kind for d in discrepancies.find_discrepancies(_alignment(*docs))]


def test_charged_against_no_charges_is_a_negation() -> None:
    assert _kinds(
        ("Alpha", FILLER + "Sayoc was charged with five federal crimes in Miami on Friday.\n"),
        ("Beta", FILLER + "No formal charges have been filed yet against Sayoc in Miami.\n"),
    ) == ["negation"]


def test_postponed_against_on_schedule_is_a_negation() -> None:
    assert _kinds(
        ("Alpha", FILLER + "The dedication of the Marlow memorial has been postponed, the mayor said.\n"),
        ("Beta", FILLER + "The dedication of the Marlow memorial is still on schedule, the mayor said.\n"),
    ) == ["negation"]


def test_confirmed_against_denied_is_a_negation() -> None:
    assert _kinds(
        ("Alpha", FILLER + "The Marlow ministry confirmed the talks with the rebels.\n"),
        ("Beta", FILLER + "The Marlow ministry denied the talks with the rebels.\n"),
    ) == ["negation"]


def test_different_figures_for_one_quantity_are_a_figure_discrepancy() -> None:
    assert _kinds(
        ("Alpha", FILLER + "More than 65 million people are in the path of the Marlow storm.\n"),
        ("Beta", FILLER + "More than 50 million people are in the path of the Marlow storm.\n"),
    ) == ["figure"]


def test_figures_counting_different_things_are_no_discrepancy() -> None:
    assert (
        _kinds(
            ("Alpha", FILLER + "The Marlow storm killed 12 people on the coast, officials said.\n"),
            ("Beta", FILLER + "The Marlow storm destroyed 20 homes on the coast, officials said.\n"),
        )
        == []
    )


def test_an_increment_against_a_total_is_no_discrepancy() -> None:
    assert (
        _kinds(
            ("Alpha", FILLER + "Four women have accused the Marlow mayor of misconduct in the past year.\n"),
            (
                "Beta",
                FILLER + "Three other women have accused the Marlow mayor of misconduct in the past year.\n",
            ),
        )
        == []
    )


def test_forecast_against_current_value_is_no_discrepancy() -> None:
    assert (
        _kinds(
            ("Alpha", FILLER + "The Marlow storm has left 7,000 homes without power, officials said.\n"),
            ("Beta", FILLER + "The Marlow storm could leave 10,000 homes without power, officials said.\n"),
        )
        == []
    )


def test_definition_is_no_discrepancy() -> None:
    assert (
        _kinds(
            ("Alpha", FILLER + "In Marlow the legal age of consent is 16 years, prosecutors said.\n"),
            ("Beta", FILLER + "The Marlow woman was 14 years old at the time, prosecutors said.\n"),
        )
        == []
    )


def test_one_events_time_against_anothers_is_no_discrepancy() -> None:
    assert (
        _kinds(
            (
                "Alpha",
                FILLER + "The shooting at the Marlow synagogue happened just after 4 p.m. on Saturday.\n",
            ),
            (
                "Beta",
                FILLER + "The suspect in the Marlow synagogue shooting was arrested shortly before 10 p.m.\n",
            ),
        )
        == []
    )


def test_one_events_times_that_differ_are_a_date_discrepancy() -> None:
    assert _kinds(
        ("Alpha", FILLER + "The suspect in the Marlow shooting was arrested at 4 p.m. on Saturday.\n"),
        ("Beta", FILLER + "The suspect in the Marlow shooting was arrested at 9 p.m. on Saturday.\n"),
    ) == ["date"]


def test_rank_in_other_words_is_no_discrepancy() -> None:
    assert (
        _kinds(
            ("Alpha", FILLER + "Labrador said he would run for the No. 2 job in the Marlow chamber.\n"),
            ("Beta", FILLER + "Labrador said he would run for the No. 2 position in the Marlow chamber.\n"),
        )
        == []
    )


STORIES = Path(__file__).resolve().parents[2] / "shared" / "stories"
ANNOTATED = json.loads((Path(__file__).parent / "data" / "discrepancies-real.json").read_text())


@pytest.mark.skipif(not STORIES.is_dir(), reason="../shared/stories is not here")
@pytest.mark.parametrize("case", ANNOTATED, ids=lambda c: str(c["story"]))
def test_annotated_real_discrepancy_is_found(case: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / case["story"]
    shutil.copytree(STORIES / case["story"], folder, ignore=shutil.ignore_patterns("briefing.toml"))
    read = pipeline.read_articles(corpus.load(folder).articles)
    found = discrepancies.find_discrepancies(alignment.align(read.passages), readings=read.readings)
    pairs = [(d.kind, {s.text for s in d.statements}) for d in found]
    assert any(
        kind == case["kind"] and any(case["a"] in t for t in texts) and any(case["b"] in t for t in texts)
        for kind, texts in pairs
    ), pairs
