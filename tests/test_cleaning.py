"""Cleaning keeps the story and marks page furniture: on the real articles and on other pages."""

from __future__ import annotations

import itertools

import pytest

from briefing import cleaning, corpus, evaluation
from briefing.models import CleanArticle
from tests.conftest import CORPUS, GOLD, make_article


@pytest.fixture(scope="module")
def cleaned() -> dict[str, CleanArticle]:
    return {a.id: cleaning.clean(a) for a in corpus.load(CORPUS).articles}


def _kept(clean: CleanArticle) -> str:
    text = clean.article.text
    return "\n".join(text[s.start : s.end] for s in clean.body)


def test_clean_drops_every_annotated_furniture_line(cleaned: dict[str, CleanArticle]) -> None:
    gold = evaluation.load_gold(GOLD, [c.article for c in cleaned.values()])
    assert gold.furniture
    for doc, line in gold.furniture:
        assert line.strip() not in _kept(cleaned[doc]), (doc, line)


def test_clean_keeps_every_annotated_claim_outside_headlines(cleaned: dict[str, CleanArticle]) -> None:
    gold = evaluation.load_gold(GOLD, [c.article for c in cleaned.values()])
    for claim in gold.claims:
        for m in claim.members:
            clean = cleaned[m.doc]
            hit = [r for r in clean.removed if r.start < m.end and m.start < r.end]
            assert all(r.reason == "headline" for r in hit), (claim.id, hit)


def test_clean_never_rewrites_text(cleaned: dict[str, CleanArticle]) -> None:
    for clean in cleaned.values():
        spans = sorted([(s.start, s.end) for s in clean.body] + [(r.start, r.end) for r in clean.removed])
        for (_, a1), (b0, _) in itertools.pairwise(spans):
            assert a1 <= b0, "body and removed spans overlap"
        assert all(0 <= s < e <= len(clean.article.text) for s, e in spans)


@pytest.mark.parametrize(
    ("furniture", "reason"),
    [
        ("ADVERTISEMENT", "advertisement"),
        ("Sign up for our morning newsletter to get the day's news in your inbox.", "promo"),
        ("Protesters gather outside parliament in Paris on Monday. (Reuters)", "caption"),
        ("A man walks past a closed shop in Lagos. Photo: John Doe/AFP", "caption"),
        ("By Jane Q. Reporter", "byline"),
        ("Economy slows as exports fall", "heading"),
        # Furniture of wire services, broadcasters and papers other than the default corpus's.
        ("Reporting by Anna Petrova; Writing by Tom Baker; Editing by Mark Heinz", "credit"),
        ("Additional reporting by Lee Chan in Seoul", "credit"),
        ("Image source, Getty Images", "caption"),
        ("Image caption, Firefighters work through the night to contain the blaze near the port", "caption"),
        (
            "Copyright © 2021 The Associated Press. All rights reserved. This material may not be "
            "published, broadcast, rewritten or redistributed.",
            "notice",
        ),
        ("Published: August 17, 2021 at 10:24 a.m. EDT", "timestamp"),
        ("Updated 3 hours ago", "timestamp"),
        (
            "Read more: Why the central bank keeps raising rates even as growth slows across the region.",
            "teaser",
        ),
        ("Click here to read the full statement from the finance ministry.", "promo"),
        ("Follow the latest developments on our live blog.", "promo"),
        ("This story has been updated with additional information.", "notice"),
        ("Listen to this article", "heading"),
    ],
)
def test_clean_drops_furniture_of_other_outlets(furniture: str, reason: str) -> None:
    body = (
        "The central bank raised its key interest rate by half a point on Thursday, citing inflation.\n\n"
        f"{furniture}\n\n"
        "Officials said further increases were likely if prices kept rising through the summer months.\n\n"
        "Analysts expect growth to slow in the second half of the year as borrowing costs climb.\n"
    )
    clean = cleaning.clean(make_article(body))
    reasons = {clean.article.text[r.start : r.end]: r.reason for r in clean.removed}
    assert reasons.get(furniture) == reason
    assert "raised its key interest rate" in _kept(clean)
    assert "Officials said further increases" in _kept(clean)


def test_clean_drops_site_trailer_after_end_of_story() -> None:
    body = "\n\n".join(
        [
            f"Paragraph {n} of the story reports what the minister said about the budget today."
            for n in range(8)
        ]
        + ["Maria Lopez in Madrid contributed to this report.", "Most Read", "Ten things to do this weekend"]
    )
    clean = cleaning.clean(make_article(body))
    kept = _kept(clean)
    assert "Paragraph 7 of the story" in kept
    assert "contributed to this report" not in kept
    assert "Ten things to do" not in kept


@pytest.mark.parametrize(
    "ending",
    [
        [
            "Reporting by Anna Petrova in Moscow; Editing by Mark Heinz",
            "Our Standards: The Trust Principles.",
        ],
        ["Explore more on these topics", "Budgets", "Spain", "Share", "Reuse this content"],
    ],
)
def test_clean_drops_wire_and_paper_trailers(ending: list[str]) -> None:
    body = "\n\n".join(
        [
            f"Paragraph {n} of the story reports what the minister said about the budget today."
            for n in range(8)
        ]
        + ending
    )
    clean = cleaning.clean(make_article(body))
    kept = _kept(clean)
    assert "Paragraph 7 of the story" in kept
    assert all(line not in kept for line in ending)


def test_clean_drops_repeated_paragraph_but_keeps_first() -> None:
    para = "The storm left forty thousand homes without power across the northern districts."
    body = f"{para}\n\n{para}\n\nRepair crews were sent from three neighbouring states overnight.\n"
    clean = cleaning.clean(make_article(body))
    assert [r.reason for r in clean.removed] == ["duplicate"]
    assert _kept(clean).count(para) == 1
