"""Key points: extractive, cited to passages that state them, within budget, never repeated."""

from __future__ import annotations

from rapidfuzz import fuzz

from briefing.models import Settings
from tests.conftest import Built


def test_every_manifest_theme_has_a_section_with_points(built: Built) -> None:
    sections = built.briefing.themes
    assert [s.id for s in sections] == ["position", "military", "recognition"]
    for section in sections:
        assert section.points or section.unique, section.id


def test_points_are_extractive_and_cite_their_own_passage(built: Built) -> None:
    passages = {p.id: p for p in built.briefing.alignment.passages}
    for section in built.briefing.themes:
        for point in section.points + section.unique:
            assert point.passage in point.passages
            assert passages[point.passage].text == point.text
            assert sorted(point.outlets) == sorted({passages[p].outlet for p in point.passages})


def test_themes_stay_within_budget(built: Built) -> None:
    limits = Settings()
    for section in built.briefing.themes:
        assert len(section.points) <= limits.max_points
        assert sum(len(p.text.split()) for p in section.points) <= limits.max_words


def test_no_point_repeats_within_a_theme(built: Built) -> None:
    for section in built.briefing.themes:
        texts = [p.text for p in section.points]
        for n, a in enumerate(texts):
            for b in texts[n + 1 :]:
                assert fuzz.token_set_ratio(a, b) < 90, (section.id, a, b)


def test_key_points_are_shared_and_unique_points_are_not(built: Built) -> None:
    for section in built.briefing.themes:
        assert all(len(p.outlets) >= 2 and p.cluster for p in section.points)
        assert all(len(p.outlets) == 1 and p.cluster is None for p in section.unique)


def test_theme_points_mention_the_theme(built: Built) -> None:
    """Each point carries a word of its theme's definition (a weak, general relevance check)."""
    from briefing import corpus
    from briefing.text import words

    loaded = corpus.load(built.briefing.corpus)
    for spec, section in zip(loaded.manifest.themes, built.briefing.themes, strict=True):
        vocabulary = set(words(" ".join((*spec.terms, *spec.examples, spec.title, spec.question))).stems)
        for point in section.points + section.unique:
            assert set(words(point.text).stems) & vocabulary, (section.id, point.text)
