"""Sentences and clauses: golden cases, and properties that hold for any text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.read import cleaning, segmentation
from tests.conftest import DATA, make_article

GOLDEN = sorted((DATA / "segmentation").glob("*.txt"))


@pytest.mark.parametrize("case", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_split_matches_golden_case(case: Path, request: pytest.FixtureRequest) -> None:
    source, _, expected = case.read_text(encoding="utf-8").partition("# output\n")
    passages = segmentation.split(cleaning.clean(make_article(source)))
    actual = "".join(p.text + "\n" for p in passages)
    if request.config.getoption("--update-golden"):
        case.write_text(f"{source}# output\n{actual}", encoding="utf-8")
    assert actual == expected


news_text = st.lists(
    st.one_of(
        st.sampled_from(
            ["U.S.", "Aug.", "Mr.", "“Yes.”", "(No.)", "2,500", "—", ";", "?", "!", "\n", "\n\n"]
        ),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    ),
    max_size=60,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(news_text)
def test_split_passages_slice_back_in_order_without_overlap(text: str) -> None:
    article = make_article(text)
    passages = segmentation.split(cleaning.clean(article))
    previous_end = 0
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
        assert previous_end <= p.start < p.end
        previous_end = p.end


def test_split_never_crosses_removed_furniture() -> None:
    text = (
        "The minister resigned on Friday after a week of protests.\n\n"
        "Advertisement\n\nHis deputy takes over.\n"
    )
    clean = cleaning.clean(make_article(text))
    passages = segmentation.split(clean)
    assert [p.text for p in passages] == [
        "The minister resigned on Friday after a week of protests.",
        "His deputy takes over.",
    ]


def test_one_item_per_line_ends_each_line_but_wrapped_prose_runs_on() -> None:
    items = (
        "Shares of Marlow Corp fell 12 cents to $6.88 as of 3:59 p.m.\n"
        "At the time investigators were looking into how the bank allocated shares of new stock\n"
        "The council will vote on the budget on Tuesday, officials of the northern district said.\n"
    )
    passages = segmentation.split(cleaning.clean(make_article("Headline of the list\n\n" + items)))
    assert [p.text for p in passages] == items.strip().split("\n")
    wrapped = (
        "The budget was approved on Tuesday after a long debate, said\n"
        "President Ana Lind, who had asked the council for more money\n"
        "for schools and clinics in the northern districts this year.\n"
    )
    passages = segmentation.split(cleaning.clean(make_article("Headline of the story\n\n" + wrapped)))
    assert [p.text for p in passages] == [wrapped.strip()]
