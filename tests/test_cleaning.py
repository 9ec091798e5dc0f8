"""Cleaning keeps the story and marks page furniture: on the real articles and on other pages."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

from briefing.align import evaluation
from briefing.models import CleanArticle
from briefing.read import cleaning, corpus
from tests.conftest import CORPUS, GOLD, ROOT, make_article


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
        # Captions and photo credits of agencies and papers.
        (
            "A worker clears debris from a street in Sendai on Thursday, March 17... (Associated Press)",
            "caption",
        ),
        ("Firefighters spray water on the roof of the plant. (AP Photo/Jane Doe)", "caption"),
        ("Photograph: Jane Doe/AFP/Getty Images", "caption"),
        ("Photo by Jane Doe for The Daily Planet", "caption"),
        ("[Image via AP]", "caption"),
        # How to reach the reporter or the newsroom.
        ("Contact reporter Jane Doe at 555-123-4567.", "contact"),
        ("Jane Doe may be reached at jdoe@example.com. Follow her on Twitter @janedoe.", "contact"),
        ("Contact us at tips@example.com", "contact"),
        ("Call the newsroom at (555) 123-4567 with news tips.", "contact"),
        # Scraper markup left in the text.
        ('<div class="ad-slot"></div>', "markup"),
        ("Embed", "markup"),
        ("Share this on Facebook", "markup"),
        ("Image 1 of 12", "markup"),
        ("var slot = googletag.defineSlot('/123/news', [300, 250]);", "markup"),
        ("Skip in Skip x Embed x Share Officials gather in the capital to discuss the budget", "markup"),
        (
            "Mayor addresses the rally To view this video please enable JavaScript, and consider upgrading "
            "to a web browser that supports HTML5 video",
            "markup",
        ),
        ("Wow, look at that crowd pic.twitter.com/aBc123xYz — Jo Doe (@jodoe) February 19, 2017", "markup"),
        # A tweet embedded without a picture: its text, then "— Name (@handle) Month D, YYYY".
        ("What did I do to deserve this? — Drab Brown (@drabbrown) August 17, 2012", "markup"),
        # Social prompts and link prompts.
        ("Follow the Harbour Gazette on Twitter @HarbourGazette and Facebook for breaking news.", "promo"),
        ("- Follow the Ticker on Twitter: @Ticker", "promo"),
        ("If you'd like to learn more about the plan, go here.", "promo"),
        # A bulleted link to another story, and captions that place people or open with a label.
        ("· Council: No Power to Order a Survey of the Old Tavern [TLD]", "teaser"),
        (
            "Jo Wilson, left, rings up Cy Barr for a gold pan Saturday at a shop in downtown Oroville. "
            "Dan Reid — Enterprise-Record",
            "caption",
        ),
        (
            "Making a statement: A huge billboard showing the singer is on display in the city's "
            "bustling main square as crowds walk past it",
            "caption",
        ),
        (
            "Colour associations Red: Strength, energy, passion Blue: Focus, loyalty, calmness "
            "Yellow: Ego, optimism, openness Green: Balance, youth",
            "caption",
        ),
        (
            "(Additional reporting by Ann Lee, Bo Chan, Cy Diaz, Di Eng, Ed Fox, Flo Gray and Gus Hale in Tokyo; "
            "Ida Ives in Madrid, Jo Kay in Oslo and Kim Lam in Beijing; Writing by Lou Mann; Editing by Max Ng "
            "and Ned Oz)",
            "credit",
        ),
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


def test_clean_cuts_markup_inside_a_paragraph_and_keeps_its_words() -> None:
    para = "The minister&nbsp;said the budget was final.<br/>Talks would resume in June."
    clean = cleaning.clean(make_article(f"{para}\n\nOfficials declined to comment on the plan.\n"))
    text = clean.article.text
    cut = [text[r.start : r.end] for r in clean.removed]
    assert cut == ["&nbsp;", "<br/>"]
    assert all(r.reason == "markup" for r in clean.removed)
    kept = _kept(clean)
    assert "The minister" in kept and "said the budget was final." in kept
    assert "Talks would resume in June." in kept


def test_clean_cuts_an_advertisement_glued_to_a_paragraph() -> None:
    para = "A geologist said this year's summer gold rush could be the best in two decades. Advertisement"
    clean = cleaning.clean(make_article(f"{para}\n\nMiners expect a busy season on the rivers.\n"))
    assert [(clean.article.text[r.start : r.end], r.reason) for r in clean.removed] == [
        ("Advertisement", "advertisement")
    ]
    assert "best in two decades." in _kept(clean)


@pytest.mark.parametrize(
    ("para", "credit"),
    [
        (
            "The officer who fired was indicted Tuesday, according to NY1. View Full Caption Jane Doe/Gallery",
            "View Full Caption Jane Doe/Gallery",
        ),
        (
            "He earned $4.9 million from his stake. | Jane Q. Doe/AP He still stands to profit from the sale.",
            "| Jane Q. Doe/AP",
        ),
    ],
)
def test_clean_cuts_a_caption_glued_into_a_paragraph(para: str, credit: str) -> None:
    clean = cleaning.clean(make_article(f"{para}\n\nMiners expect a busy season on the rivers.\n"))
    assert [(clean.article.text[r.start : r.end], r.reason) for r in clean.removed] == [(credit, "caption")]
    kept = _kept(clean)
    assert para.split(credit)[0].strip() in kept
    assert credit not in kept


@pytest.mark.parametrize(
    "sentence",
    [
        "The officers left before noon (the photos of the scene were taken later by a neighbour).",
        "\u201cYou get governors and police chiefs commenting on that,\u201d Mr. Stamper said.",
        "A hotline set up by the city last year has taken 12,000 calls from tenants facing eviction.",
        # Like a positioned caption, a labelled caption or a bulleted link, but reporting.
        "Cowan, 43, is a former chief of staff and former legal counsel to the governor.",
        "Smith, who left the party last year, said he would run again in the autumn.",
        "The lesson: Lenders raised rates faster than at any time since the 1980s.",
        "• The bill passed the House on Tuesday by a vote of 348 to 77.",
        "Readers who follow the council on Twitter saw the vote before it was announced.",
    ],
)
def test_clean_keeps_sentences_that_only_resemble_furniture(sentence: str) -> None:
    body = (
        "The central bank raised its key interest rate by half a point on Thursday, citing inflation.\n\n"
        f"{sentence}\n\nAnalysts expect growth to slow in the second half of the year.\n"
    )
    clean = cleaning.clean(make_article(body))
    assert clean.removed == ()
    assert sentence in _kept(clean)


@pytest.mark.parametrize(
    "first",
    [
        "\u201cThe First Amendment protects freedom of religion,\u201d said a top adviser to the senator.",
        "She won by a 134-to-63 vote, a wider margin than her allies had expected (a record).",
        "She won by a 134-to-63 vote, a wider margin than anyone in the hall had expected!",
    ],
)
def test_first_paragraph_ending_in_quote_paren_or_bang_is_body(tmp_path: Path, first: str) -> None:
    rest = "Her rival conceded within the hour and called to congratulate her.\n\n" * 3
    (tmp_path / "000_5d1e.txt").write_text(f"WASHINGTON \u2014 {first}\n\n{rest}", encoding="utf-8")
    [article] = corpus.load(tmp_path).articles
    clean = cleaning.clean(article)
    assert not [r for r in clean.removed if r.reason in ("headline", "masthead")]
    assert first in _kept(clean)


def test_real_headline_is_taken_as_title_and_marked(tmp_path: Path) -> None:
    text = (
        "Site Navigation\n\nCouncil passes the budget after a long night\n\n"
        "The council approved the budget after a long debate on Monday evening.\n"
    )
    (tmp_path / "000_5d1e.txt").write_text(text, encoding="utf-8")
    [article] = corpus.load(tmp_path).articles
    assert article.title == "Council passes the budget after a long night"
    clean = cleaning.clean(article)
    reasons = {article.text[r.start : r.end]: r.reason for r in clean.removed}
    assert reasons == {"Site Navigation": "masthead", article.title: "headline"}
    assert "The council approved the budget" in _kept(clean)


def test_sentences_above_a_matching_headline_are_not_masthead() -> None:
    text = (
        "The council approved the budget after a long debate on Monday evening.\n\n"
        "Council passes the budget\n\nOpposition members said the plan cut too deeply.\n"
    )
    clean = cleaning.clean(make_article(text, title="Council passes the budget"))
    assert [r.reason for r in clean.removed] == ["headline"]
    assert "The council approved the budget" in _kept(clean)


STORIES = Path(os.environ.get("BRIEFING_STORIES", ROOT.parent / "shared" / "stories"))
# Every paragraph of a BASIL text is article body (a few also print the headline and a caption);
# the floor is the issue's: body-only articles keep at least 99 % of their text.
BODY_KEPT_FLOOR = 0.99


@pytest.mark.skipif(not STORIES.is_dir(), reason=f"{STORIES} not found; set BRIEFING_STORIES")
@pytest.mark.parametrize("manifest", [True, False], ids=["manifest", "no-manifest"])
def test_body_only_articles_keep_their_text(tmp_path: Path, manifest: bool) -> None:
    folders = sorted(STORIES.glob("basil-*"))
    assert folders, f"no basil-* folders in {STORIES}"
    kept = total = 0
    for folder in folders:
        copy = tmp_path / folder.name
        shutil.copytree(folder, copy)
        if not manifest:
            (copy / corpus.MANIFEST_NAME).unlink(missing_ok=True)
        for article in corpus.load(copy).articles:
            clean = cleaning.clean(article)
            kept += sum(s.end - s.start for s in clean.body)
            total += sum(len(line.strip()) for line in article.text.splitlines())
            assert not [r for r in clean.removed if r.reason == "masthead" and r.end - r.start > 80]
    assert kept / total >= BODY_KEPT_FLOOR
