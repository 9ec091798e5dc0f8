"""The NLP pass (spaCy) and the passages built on it: sentences robust to unseen text, exact
offsets, entities, the model setting, and spaCy kept inside one module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing import cli, pipeline
from briefing.models import Passage
from briefing.read import nlp, segmentation
from tests.conftest import ROOT, make_article

runner = CliRunner()


def _passages(text: str) -> tuple[Passage, ...]:
    return pipeline.read_articles([make_article(text, title="")]).passages


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        pytest.param(
            "Gov. Roy Cooper of N.C. signed the bill on Friday. Lawmakers in Raleigh cheered.",
            ["Gov. Roy Cooper of N.C. signed the bill on Friday.", "Lawmakers in Raleigh cheered."],
            id="abbreviations",
        ),
        pytest.param(
            "The company moved to Oakland, Calif. and hired forty people there. It grew fast.",
            ["The company moved to Oakland, Calif. and hired forty people there.", "It grew fast."],
            id="state-abbreviation",
        ),
        pytest.param(
            "The state declared two emergencies.If the storm hits the coast, officials will act.",
            ["The state declared two emergencies.", "If the storm hits the coast, officials will act."],
            id="missing-space",
        ),
        pytest.param(
            "“Today we are witnessing a collapse of the old order,” Speaker Anna Volkova said Tuesday.",
            ["“Today we are witnessing a collapse of the old order,” Speaker Anna Volkova said Tuesday."],
            id="quote-then-attribution",
        ),
        pytest.param(
            "“We didn’t know it was Mayor Ted Holt [coming],” Rev. John Pell of St. Mark’s told the paper. "
            "“They were really nice.”",
            [
                "“We didn’t know it was Mayor Ted Holt [coming],” Rev. John Pell of St. Mark’s told the paper.",
                "“They were really nice.”",
            ],
            id="bracketed-insertion",
        ),
    ],
)
def test_sentences_hold_across_abbreviations_quotes_and_lost_spaces(text: str, sentences: list[str]) -> None:
    assert [p.text for p in _passages(text + "\n")] == sentences


def test_lines_without_punctuation_are_passages_of_their_own() -> None:
    text = "Storm warning for the coast\nSchools closed on Monday\nRoads reopen at noon\n"
    assert [p.text for p in _passages(text)] == [
        "Storm warning for the coast",
        "Schools closed on Monday",
        "Roads reopen at noon",
    ]


def test_no_passage_runs_past_the_word_cap_and_offsets_stay_exact() -> None:
    clause = "the council approved a new budget for the schools of the district"
    text = "In a long night, " + ", and ".join([clause] * 12) + ".\n"
    passages = _passages(text)
    assert len(passages) > 1
    assert all(len(p.text.split()) <= segmentation.MAX_PASSAGE_WORDS for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)
    assert " ".join(p.text for p in passages).split() == text.split()


def test_entities_slice_back_from_the_text() -> None:
    text = "Nancy Pelosi met officials of the World Bank in Paris on Monday, 3 May 2021.\n"
    article = make_article(text, title="")
    read = pipeline.read_articles([article])
    [reading] = read.readings
    labels = {e.label for e in reading.entities}
    assert {"PERSON", "GPE"} <= labels
    for entity in reading.entities:
        assert text[entity.start : entity.end] == entity.text
    assert reading.model  # the pipeline's name and version are recorded


def test_unknown_pipeline_is_a_one_line_error_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("The council met on Monday.\n")
    (tmp_path / "b.txt").write_text("The council met again on Tuesday.\n")
    monkeypatch.setenv(nlp.MODEL_ENV, "xx_no_such_pipeline")
    result = runner.invoke(cli.app, ["align", str(tmp_path)])
    assert result.exit_code == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert result.stderr.strip().endswith(error)
    assert nlp.MODEL_ENV in error and "pip install" in error
    assert "Traceback" not in result.output


def test_only_the_nlp_module_imports_spacy() -> None:
    importers = [
        path.relative_to(ROOT / "briefing").as_posix()
        for path in sorted((ROOT / "briefing").rglob("*.py"))
        if re.search(r"^\s*(import spacy|from spacy)", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert importers == ["read/nlp.py"]


def test_figures_carry_the_noun_they_count_and_their_verb() -> None:
    text = "Five people were injured. Four of the plant's six reactors have seen fires.\n"
    [reading] = pipeline.read_articles([make_article(text, title="")]).readings
    figures = {text[f.start : f.end].lower(): f for f in reading.figures}
    assert (figures["five"].counted, figures["five"].verb) == ("people", "injured")
    assert figures["six"].total and figures["six"].counted == "reactors"
    assert not figures["four"].total


def test_date_figures_carry_their_path_up_to_the_sentence_root() -> None:
    text = (
        "The senator resigned on Friday. "
        "Officials met people who told them about the shooting of a teenager on Aug. 9.\n"
    )
    [reading] = pipeline.read_articles([make_article(text, title="")]).readings
    paths = {text[f.start : f.end]: f.path for f in reading.figures}
    assert [(a.dep, a.head, a.word) for a in paths["Friday"]] == [
        ("pobj", "IN", "on"),
        ("prep", "VBD", "resigned"),
    ]
    # The second date hangs on a noun inside a relative clause: the timeline's background.
    assert any(a.dep == "relcl" for a in paths["Aug. 9"])
    assert all(len(path) <= nlp.MAX_PATH for path in paths.values())


def test_call_is_a_verb_of_saying_only_with_on_or_for() -> None:
    text = (
        'Jealous called on the leaders "to repudiate the racist element within it." '
        'Palin called the measure "a sad day for the civil rights group."\n'
    )
    [reading] = pipeline.read_articles([make_article(text, title="")]).readings
    calls = [s for s in reading.speech if s.lemma == "call"]
    assert [text[s.start : s.end] for s in calls] == ["called"]
    assert calls[0].start < text.index("Palin")
    assert calls[0].speaker is not None and calls[0].speaker.text == "Jealous"
