"""Theme suggestions: an analyst's questions about the story's main people, organisations and
places, whose terms select passages once pasted into the manifest."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.findings import suggestions
from briefing.models import Entity, Settings
from tests.conftest import CORPUS

STORIES = Path(__file__).resolve().parents[2] / "shared" / "stories"
# Three stories of the development set, each of another kind: a speech, an indictment, a scandal.
STORY_FOLDERS = (
    "basil-2014-holder-ferguson",
    "mn-070-nypd-officer-indicted-gurley",
    "basil-2011-weiner-denies-photo",
)
SETTINGS = Settings(built=dt.date(2026, 1, 1))


def _without_themes(folder: Path, target: Path) -> Path:
    """A copy of the corpus whose manifest keeps its articles and story but not its themes."""
    shutil.copytree(folder, target)
    manifest = target / "briefing.toml"
    if manifest.exists():
        kept: list[str] = []
        inside = False
        for line in manifest.read_text(encoding="utf-8").splitlines(keepends=True):
            if line.startswith("["):  # a table header: [[themes]] starts a table to drop
                inside = line.strip() == "[[themes]]"
            if not inside:
                kept.append(line)
        manifest.write_text("".join(kept), encoding="utf-8")
    return target


def _cases() -> list[Path]:
    found = [CORPUS]
    found += [STORIES / name for name in STORY_FOLDERS if (STORIES / name).is_dir()]
    return found


@pytest.mark.parametrize("folder", _cases(), ids=lambda p: p.name)
def test_pasted_suggestions_each_select_a_passage(folder: Path, tmp_path: Path) -> None:
    corpus = _without_themes(folder, tmp_path / folder.name)
    suggested = pipeline.suggest_themes(corpus, count=4, settings=SETTINGS)
    assert 3 <= len(suggested) <= 4
    snippet = suggestions.manifest_snippet(suggested)
    manifest = corpus / "briefing.toml"
    before = manifest.read_text(encoding="utf-8") if manifest.exists() else ""
    manifest.write_text(before + "\n" + snippet, encoding="utf-8")
    assert [t["id"] for t in tomllib.loads(manifest.read_text(encoding="utf-8"))["themes"]] == [
        t.id for t in suggested
    ]
    briefing = pipeline.build_briefing(corpus, settings=SETTINGS)
    for section in briefing.themes:
        assert section.points or section.unique, (folder.name, section.question)


@pytest.mark.parametrize("folder", _cases(), ids=lambda p: p.name)
def test_suggestions_ask_about_names_as_written_never_an_outlet(folder: Path, tmp_path: Path) -> None:
    corpus = _without_themes(folder, tmp_path / folder.name)
    suggested = pipeline.suggest_themes(corpus, count=4, settings=SETTINGS)
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
    for theme in suggested:
        assert theme.question.endswith("?") and theme.question[0].isupper()
        assert "outlets report about" not in theme.question
        subject = theme.terms[0]
        assert subject[0].isupper() and subject in text, theme
        assert not set(subject.lower().split()) & suggestions.MEDIA_WORDS, theme


def test_default_corpus_suggestions_ask_about_its_main_people_and_places(tmp_path: Path) -> None:
    corpus = _without_themes(CORPUS, tmp_path / "corpus")
    suggested = pipeline.suggest_themes(corpus, count=4, settings=SETTINGS)
    subjects = {t.terms[0] for t in suggested}
    assert subjects & {"Sergey Lavrov", "Zamir Kabulov", "Dmitry Zhirnov"}
    assert subjects & {"Russia", "Moscow", "the Taliban", "Taliban"}


@pytest.mark.parametrize("folder", _cases(), ids=lambda p: p.name)
def test_questions_name_their_topic_as_a_reader_would(folder: Path, tmp_path: Path) -> None:
    corpus = _without_themes(folder, tmp_path / folder.name)
    for theme in pipeline.suggest_themes(corpus, count=4, settings=SETTINGS):
        # "said about the announcement", never "said about announcement" or "role in critique"
        assert not re.search(r"\b(?:about|in|by|to) (?!the )[a-z]+[^s]\?$", theme.question), theme.question
        assert "role in" not in theme.question


def test_a_title_is_no_subject() -> None:
    text = "Senate Majority Leader Harry Reid spoke. Secretary of State Hillary Clinton flew in."
    reid = Entity(start=0, end=6, label="ORG", text="Senate")
    state = Entity(start=text.index("State"), end=text.index("State") + 5, label="ORG", text="State")
    assert suggestions._title_use(text, reid, {"harry", "reid"})
    assert suggestions._title_use(text, state, {"hillary", "clinton"})
    senate = "The Senate voted on the bill."
    assert not suggestions._title_use(senate, Entity(start=4, end=10, label="ORG", text="Senate"), set())
