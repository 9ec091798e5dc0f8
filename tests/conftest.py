"""Shared fixtures: the default corpus, one real build of it, and the dev annotation."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from briefing import pipeline
from briefing.models import Article, Briefing, Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
GOLD = DATA / "gold-dev.json"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the golden files")


@pytest.fixture(scope="session", autouse=True)
def reading_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The reading cache of every command the suite runs (in this process or a subprocess): a
    temporary folder, so that no test reads or writes ~/.cache."""
    folder = tmp_path_factory.mktemp("reading-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRIEFING_CACHE", str(folder))
        yield folder


@dataclass(frozen=True)
class Built:
    briefing: Briefing
    outputs: pipeline.Outputs
    document: dict[str, Any]
    weasyprint_logs: tuple[str, ...]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The default corpus built once, as `briefing build` does, with WeasyPrint's log captured."""
    briefing, outputs, logs = build_logged(CORPUS, tmp_path_factory.mktemp("out"))
    document = json.loads(outputs.json.read_text(encoding="utf-8"))
    return Built(briefing=briefing, outputs=outputs, document=document, weasyprint_logs=logs)


def build_logged(folder: Path, out: Path) -> tuple[Briefing, pipeline.Outputs, tuple[str, ...]]:
    """Build ``folder`` into ``out`` as `briefing build` does; WeasyPrint's warnings returned."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                records.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        briefing = pipeline.build_briefing(folder, settings=Settings(built=dt.date(2026, 11, 21)))
        outputs = pipeline.write_outputs(briefing, out)
    finally:
        logger.removeHandler(handler)
    return briefing, outputs, tuple(records)


def make_article(text: str, *, outlet: str = "X", title: str = "A headline of the story here") -> Article:
    """An in-memory article for stage tests."""
    return Article(
        id=outlet.lower(),
        path=f"{outlet.lower()}.txt",
        outlet=outlet,
        title=title,
        published=dt.date(2021, 1, 1),
        author=None,
        url=None,
        sha256="0" * 64,
        text=text,
    )
