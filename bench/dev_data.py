"""The dev corpus and its annotation, as the bench scripts read them."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from briefing import pipeline
from briefing.align import anchors, evaluation
from briefing.models import Passage
from briefing.read import corpus

GOLD = Path("tests/data/gold-dev.json")
CORPUS = Path("corpus")


@dataclass(frozen=True, slots=True, kw_only=True)
class DevCorpus:
    passages: list[Passage]
    gold: evaluation.Gold
    claims: list[frozenset[str]]  # the annotated claims each passage states
    anchors: anchors.Anchors  # built from the NLP pass as the pipeline builds them


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The optional gold file and --corpus folder every dev script takes."""
    parser.add_argument("gold", nargs="?", type=Path, default=GOLD)
    parser.add_argument("--corpus", type=Path, default=CORPUS)


def load(gold_path: Path, folder: Path) -> DevCorpus:
    """Load, clean and split the corpus as `briefing` does, and map the annotation onto it."""
    loaded = corpus.load(folder)
    read = pipeline.read_articles(loaded.articles)
    passages = list(read.passages)
    gold = evaluation.load_gold(gold_path, loaded.articles)
    return DevCorpus(
        passages=passages,
        gold=gold,
        claims=[evaluation.claims_of(p, gold) for p in passages],
        anchors=anchors.build(passages, read.readings),
    )
