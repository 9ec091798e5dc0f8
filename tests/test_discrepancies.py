"""Discrepancies: on small made-up texts and on the default corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from briefing import pipeline
from briefing.align import alignment, anchors, reprints
from briefing.findings import discrepancies
from briefing.models import Alignment, Passage
from briefing.read import cleaning, corpus, segmentation
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
            FILLER + "The Soviet withdrawal came after eight years of occupation in the country.\n",
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


def test_one_time_rounded_is_no_discrepancy() -> None:
    assert (
        _kinds(
            (
                "Alpha",
                FILLER + "The suspect in the Marlow shooting was arrested at about 4 p.m. on Saturday.\n",
            ),
            ("Beta", FILLER + "The suspect in the Marlow shooting was arrested at 4:10 p.m. on Saturday.\n"),
        )
        == []
    )


def test_rank_in_other_words_is_no_discrepancy() -> None:
    assert (
        _kinds(
            ("Alpha", FILLER + "Labrador said he would run for the No. 2 job in the Marlow chamber.\n"),
            ("Beta", FILLER + "Labrador said he would run for the No. 2 position in the Marlow chamber.\n"),
        )
        == []
    )


def _parsed_kinds(*docs: tuple[str, str]) -> list[str]:
    """The kinds found with the NLP pass read as in a build (entities and their parse)."""
    read = pipeline.read_articles(
        [make_article(FILLER + text, outlet=outlet, title="") for outlet, text in docs]
    )
    found = discrepancies.find_discrepancies(alignment.align(read.passages), readings=read.readings)
    return [d.kind for d in found]


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        pytest.param(
            "Cesar Sayoc, 56, of Aventura, was charged with five federal crimes on Friday, the Justice "
            "Department said.\n",
            "No formal charges have been filed yet, and the suspect remained in custody in Miami.\n",
            "negation",
            id="charged-no-charges",
        ),
        pytest.param(
            "The dedication of the new memorial in Marlow has been postponed until the spring.\n",
            "The dedication of the new memorial in Marlow is still on schedule for next week.\n",
            "negation",
            id="postponed-on-schedule",
        ),
        pytest.param(
            "More than 65 million people live in the path of the storm, forecasters said.\n",
            "More than 50 million people are in the storm's path from Texas to Maine.\n",
            "figure",
            id="two-estimates",
        ),
        pytest.param(
            "Five people were injured when the eucalyptus tree fell on the wedding party.\n",
            "The falling eucalyptus tree left one woman dead and seven other people injured.\n",
            "figure",
            id="injured-counts",
        ),
    ],
)
def test_issue_examples_are_found_with_the_parse(a: str, b: str, kind: str) -> None:
    assert kind in _parsed_kinds(("Alpha", a), ("Beta", b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            "At least 10 people were injured in the Marlow blast, police said.\n",
            "Twelve people were injured in the Marlow blast, police said.\n",
            id="compatible-bound",
        ),
        pytest.param(
            "He deployed 5,200 active-duty troops to the Marlow border on Monday.\n",
            "The administration is sending more than 5,000 active-duty troops to the Marlow border.\n",
            id="exact-within-bound",
        ),
        pytest.param(
            "Four of the Marlow plant's six reactors have seen fires or explosions.\n",
            "Three reactors at the Marlow plant have had partial meltdowns.\n",
            id="total-against-part",
        ),
        pytest.param(
            "Marlow ordered a 12-mile evacuation zone around the plant.\n",
            "Marlow told those within 20 miles of the plant to stay indoors.\n",
            id="two-distances",
        ),
        pytest.param(
            "The Marlow senator bought a $43,350 gold-plated Rolex watch with campaign money.\n",
            "The Marlow senator spent campaign money on a $43,000 Rolex watch.\n",
            id="rounded-figure",
        ),
        pytest.param(
            "\u201cWe have seen officers indicted but there was no conviction,\u201d the Marlow pastor said.\n",
            "The Marlow officer was convicted of manslaughter on Thursday.\n",
            id="quoted-remark",
        ),
        pytest.param(
            "Grand juries in other cities declined in recent months to file charges against officers.\n",
            "A Marlow police officer was indicted on Tuesday on charges of manslaughter.\n",
            id="past-decision-in-other-cases",
        ),
    ],
)
def test_compatible_or_different_statements_are_no_discrepancy(a: str, b: str) -> None:
    assert _parsed_kinds(("Alpha", a), ("Beta", b)) == []


STORIES = Path(__file__).resolve().parents[2] / "shared" / "stories"
DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# Pairs read and judged by hand (bench/discrepancies.py --loose lists the candidates): what the
# settings list and what they turn down, on 13 development stories and the default corpus.
ANNOTATED: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "discrepancies-annotated.json").read_text()
)
# Measured (bench/discrepancies.py): 7 of 7 listed real, 6 of the annotated real pairs found (5 of
# 5 and 5 before FIGURE_CONTEXT_SHARE 0.04 -> 0.045); before
# figures were read as bounds, with the parse's counted noun and verb, and quotations left out,
# 3 of the 12 listed were real by this annotation. Floors that only move up.
MIN_PRECISION = 0.8
MIN_REAL_FOUND = 6


def _verdict(story: str, texts: list[str]) -> bool | None:
    for case in ANNOTATED:
        if (
            case["story"] == story
            and any(case["a"] in t for t in texts)
            and any(case["b"] in t for t in texts)
        ):
            return bool(case["real"])
    return None


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    """The discrepancies listed on every annotated story, built without its manifest."""
    found: dict[str, list[list[str]]] = {}
    for story in sorted({str(c["story"]) for c in ANNOTATED}):
        source = DEFAULT_CORPUS if story == "default corpus" else STORIES / story
        folder = tmp_path_factory.mktemp("story") / source.name
        keep = () if source == DEFAULT_CORPUS else ("briefing.toml",)
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns(*keep))
        read = pipeline.read_articles(corpus.load(folder).articles)
        # as a build aligns them: a reprint's copies left out, anchored by names and quotes
        copied = reprints.copied(reprints.find(read.passages, articles=read.articles))
        kept = tuple(p for p in read.passages if p.id not in copied)
        aligned = alignment.align(kept, anchors=anchors.build(kept, read.readings))
        found[story] = [
            [s.text for s in d.statements]
            for d in discrepancies.find_discrepancies(aligned, readings=read.readings)
        ]
    return found


@pytest.mark.skipif(not STORIES.is_dir(), reason="../shared/stories is not here")
def test_listed_discrepancies_on_annotated_stories_are_real(listed: dict[str, list[list[str]]]) -> None:
    # a listed pair nobody judged counts as false: annotate it (bench/discrepancies.py) to pass
    verdicts = [(story, texts, _verdict(story, texts)) for story, pairs in listed.items() for texts in pairs]
    real = sum(1 for _, _, v in verdicts if v)
    wrong = [(story, texts) for story, texts, v in verdicts if not v]
    assert verdicts and real / len(verdicts) >= MIN_PRECISION, wrong


@pytest.mark.skipif(not STORIES.is_dir(), reason="../shared/stories is not here")
def test_annotated_real_discrepancies_are_found(listed: dict[str, list[list[str]]]) -> None:
    real = {(str(c["story"]), str(c["a"]), str(c["b"])) for c in ANNOTATED if c["real"]}
    found = {
        (story, a, b)
        for story, a, b in real
        if any(any(a in t for t in texts) and any(b in t for t in texts) for texts in listed.get(story, []))
    }
    assert len(found) >= MIN_REAL_FOUND, sorted(real - found)
