"""Key points: extractive, cited to passages that state them, within budget, never repeated."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import pytest
from rapidfuzz import fuzz

from briefing.findings import themes
from briefing.models import Alignment, Cluster, Link, Passage, Point, Settings, ThemeSpec
from briefing.text import fragment, leans, without_dateline
from tests.conftest import Built, make_article


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
            # the passage's own words, only a leading dateline ("MOSCOW — ") left off
            assert passages[point.passage].text.endswith(point.text)
            assert len(passages[point.passage].text) - len(point.text) < 40
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


def test_no_single_outlet_point_restates_another_outlets_point(built: Built) -> None:
    """An event told by three outlets in three wordings is not listed three times as "only in"."""
    from briefing.align.pairs import Profile, Vocabulary, probability
    from briefing.findings.uniqueness import UNIQUE_BELOW
    from briefing.text import words

    passages = {p.id: p for p in built.briefing.alignment.passages}
    parsed = {pid: words(p.text) for pid, p in passages.items()}
    vocabulary = Vocabulary.build([w.stems for w in parsed.values()])

    def likely_same(a: str, b: str) -> float:
        return probability(Profile.of(parsed[a], vocabulary), Profile.of(parsed[b], vocabulary), vocabulary)

    lists = [(s.unique, [pid for p in s.points for pid in p.passages]) for s in built.briefing.themes]
    lists.append((built.briefing.unique, []))
    assert any(singles for singles, _ in lists)
    for singles, key_passages in lists:
        for n, point in enumerate(singles):
            for other in key_passages + [p.passage for p in singles[n + 1 :]]:
                if passages[other].outlet != passages[point.passage].outlet:
                    assert likely_same(point.passage, other) < UNIQUE_BELOW, (
                        point.text,
                        passages[other].text,
                    )


def test_summary_points_stand_alone_when_a_member_does(built: Built) -> None:
    """A point opening "And ..." or "He ..." leans on a sentence the reader does not see."""
    import re

    leaning = re.compile(r"^(and|but|so|or|he|she|it|they|this|that|these|those)\b", re.IGNORECASE)
    passages = {p.id: p for p in built.briefing.alignment.passages}
    assert built.briefing.consensus
    for point in built.briefing.consensus:
        alternatives = [
            passages[pid].text
            for pid in point.passages
            if not leaning.match(passages[pid].text) and 6 <= len(passages[pid].text.split()) <= 60
        ]
        assert not leaning.match(point.text) or not alternatives, (point.text, alternatives)


def test_theme_points_mention_the_theme(built: Built) -> None:
    """Each point carries a word of its theme's definition (a weak, general relevance check)."""
    from briefing.read import corpus
    from briefing.text import words

    loaded = corpus.load(built.briefing.corpus)
    for spec, section in zip(loaded.manifest.themes, built.briefing.themes, strict=True):
        vocabulary = set(words(" ".join((*spec.terms, *spec.examples, spec.title, spec.question))).stems)
        for point in section.points + section.unique:
            assert set(words(point.text).stems) & vocabulary, (section.id, point.text)


# Central facts of each theme, written from reading the five articles (not from the output):
# each must be stated by some point of its theme, shared or single-outlet.
CENTRAL_FACTS = {
    "position": [
        r"embass|diplomat",  # the embassy stayed open under Taliban guarantees
        r"contacts? with the Taliban",  # years of contacts
        r"Islamic State|ISIS",  # the Taliban as a partner against the Islamic State
    ],
    "military": [
        r"military base|largest foreign military base",  # the base in Tajikistan
        r"drills|exercises?|war games",  # joint exercises at the border
        r"Tajikistan",
    ],
    "recognition": [
        r"no rush|premature|recogni[sz]e",  # Lavrov: no rush to recognize
        r"terrorist",  # the terrorist designation
        r"Security Council",  # delisting waits for the UN Security Council
    ],
}


def test_central_facts_of_each_theme_are_present(built: Built) -> None:
    import re

    for section in built.briefing.themes:
        texts = [p.text for p in section.points + section.unique]
        for fact in CENTRAL_FACTS[section.id]:
            assert any(re.search(fact, t) for t in texts), (section.id, fact)


def test_every_citation_shares_words_with_its_point(built: Built) -> None:
    from briefing.align.linking import shared_words
    from briefing.text import words as content

    passages = {p.id: p for p in built.briefing.alignment.passages}
    for section in built.briefing.themes:
        for point in section.points:
            for pid in point.passages:
                shared = set(content(" ".join(shared_words(point.text, passages[pid].text))).stems)
                common = set(content(point.text).stems) & set(content(passages[pid].text).stems)
                assert shared or common, (section.id, point.text, passages[pid].text)


def _cluster(cid: str, *pids: str, outlets: tuple[str, ...]) -> Cluster:
    links = tuple(Link(a=a, b=b, score=0.9) for a, b in pairwise(pids))
    return Cluster(id=cid, passages=pids, outlets=tuple(sorted(outlets)), score=0.9, links=links)


def _passage(pid: str, outlet: str, text: str, at: int = 0) -> Passage:
    return Passage(
        id=pid, doc=outlet.lower(), outlet=outlet, start=at, end=at + len(text), text=text, paragraph=0
    )


def test_consensus_falls_back_to_two_of_three_and_counts_a_reprint_once() -> None:
    """Fewer than CONSENSUS_MIN claims reach three of three outlets: two-outlet claims join them,
    ranked by centrality times outlets; an outlet that only reprints adds nothing to a claim."""
    texts = {
        "A": [
            "Police arrested the suspect in the bombing in Miami on Friday morning.",
            "The suspect in the bombing was charged with five federal crimes on Friday.",
            "The weather was warm and sunny over the long weekend here.",
            "The bombing suspect had been under watch by federal agents for months.",
        ],
        "B": [
            "Police arrested a suspect in the mail bombing in Miami on Friday.",
            "The bombing suspect was charged with five federal crimes, prosecutors said.",
            "It was warm and sunny weather over the long weekend.",
            "Federal agents traced the bombing to the suspect through fingerprints.",
        ],
        "C": [
            "The weather was warm and sunny that long weekend, forecasters said.",
            "The bombing suspect arrested in Miami faces federal charges, officials said.",
            "Agents searched the home of the bombing suspect in Miami on Friday.",
        ],
    }
    passages = [_passage(f"{o}{n}", o, t, at=100 * n) for o, ts in texts.items() for n, t in enumerate(ts)]
    clusters = (
        _cluster("c1", "A0", "B0", outlets=("A", "B")),
        _cluster("c2", "A1", "B1", outlets=("A", "B")),
        _cluster("c3", "A2", "B2", "C0", outlets=("A", "B", "C")),
    )
    alignment = Alignment(passages=tuple(passages), clusters=clusters)
    articles = [make_article("", outlet=o, title="Suspect in the bombing arrested in Miami") for o in "ABC"]
    consensus, _, _ = themes.select(
        alignment, [], outlets=["A", "B", "C"], articles=articles, settings=Settings()
    )
    assert sorted(p.cluster for p in consensus) == ["c1", "c2", "c3"]
    by_cluster = {p.cluster: p for p in consensus}
    # C only reprints: the claim all three carry counts two outlets, not three.
    counted, _, _ = themes.select(alignment, [], outlets=["A", "B"], articles=articles, settings=Settings())
    again = {p.cluster: p for p in counted}
    ratio = by_cluster["c3"].relevance / again["c3"].relevance
    assert abs(ratio - 1.5**themes.CONSENSUS_OUTLET_WEIGHT) < 0.01
    assert again["c1"].relevance == by_cluster["c1"].relevance


def test_a_claim_is_stated_by_a_well_linked_member_not_one_that_joined_on_weak_links() -> None:
    passages = (
        _passage("A0", "A", "The envoy said Moscow has kept contacts with the group for seven years."),
        _passage(
            "B0", "B", "Moscow has held contacts with the group for the last seven years, the envoy said."
        ),
        # Joined on weak links, and the most relevant to the theme: it says something else.
        _passage("C0", "C", "The minister, the ambassador and the envoy all praised the group's new rulers."),
    )
    links = (
        Link(a="A0", b="B0", score=0.6),
        Link(a="A0", b="C0", score=0.03),
        Link(a="B0", b="C0", score=0.04),
    )
    cluster = Cluster(id="c1", passages=("A0", "B0", "C0"), outlets=("A", "B", "C"), score=0.22, links=links)
    alignment = Alignment(passages=passages, clusters=(cluster,))
    theme = ThemeSpec(id="envoys", title="Envoys", terms=("minister", "ambassador", "envoy", "praised"))
    articles = [make_article("", outlet=o) for o in "ABC"]
    consensus, (section,), _ = themes.select(
        alignment, [theme], outlets=["A", "B", "C"], articles=articles, settings=Settings()
    )
    assert [p.passage for p in section.points] in (["A0"], ["B0"])
    assert [p.passage for p in consensus] in (["A0"], ["B0"])
    # Each point still cites every member of its claim.
    assert all(p.passages == ("A0", "B0", "C0") for p in (*section.points, *consensus))


def test_consensus_does_not_repeat_the_overview_where_another_member_stands() -> None:
    passages = (
        _passage("A0", "A", "Police arrested the suspect in the bombing in Miami on Friday morning."),
        _passage("B0", "B", "Police arrested a suspect in the mail bombing in Miami on Friday."),
    )
    alignment = Alignment(passages=passages, clusters=(_cluster("c1", "A0", "B0", outlets=("A", "B")),))
    articles = [make_article("", outlet=o) for o in "AB"]
    for said in ("A0", "B0"):
        lead = [
            Point(
                text=passages[0 if said == "A0" else 1].text,
                passage=said,
                passages=("A0", "B0"),
                outlets=("A", "B"),
                cluster="c1",
                relevance=1.0,
            )
        ]
        consensus, _, _ = themes.select(
            alignment, [], outlets=["A", "B"], articles=articles, lead=lead, settings=Settings()
        )
        assert [p.passage for p in consensus] == ["B0" if said == "A0" else "A0"]


def test_default_consensus_states_the_no_rush_line_and_repeats_no_overview_sentence(built: Built) -> None:
    import re

    consensus = built.briefing.consensus
    assert any(re.search(r"no rush|not rush|premature", p.text) and "recogni" in p.text for p in consensus)
    overview_texts = {p.text for p in built.briefing.overview.sentences}
    assert not overview_texts & {p.text for p in consensus}
    assert len({p.cluster for p in consensus}) == len(consensus)


def test_a_single_outlet_clause_that_leans_on_the_one_before_yields_to_sentences_that_stand() -> None:
    # Alike in names, figures and rare words; "and that ..." needs the sentence before it.
    texts = [
        "and that Mayor Quill would open 12 new clinics in Harlow, aides to Quill said.",
        "Mayor Quill would open 12 new clinics in Harlow next year, aides to Quill said.",
        "Governor Brandt would close 12 old depots in Varna next year, aides to Brandt said.",
        "Senator Ostrow would fund 12 new schools in Tamsin next year, aides to Ostrow said.",
    ]
    chosen = _one_outlet_unique(texts, "Clinics, depots and schools")
    assert len(chosen) == themes.UNIQUE_PER_OUTLET
    assert "A0" not in chosen


def test_a_single_outlet_point_restating_a_lead_sentence_of_another_outlet_is_not_listed_as_unique() -> None:
    a0 = _passage(
        "A0", "A", "Representative Dana Quill resigned from Congress on Friday after the ethics report."
    )
    b0 = _passage(
        "B0", "B", "Dana Quill resigned from Congress on Friday after an ethics report, aides said."
    )
    filler = [
        _passage(f"C{n}", "C", text, at=100 * n)
        for n, text in enumerate(
            [
                "The weather was mild all week in the valley towns.",
                "Farmers in the valley expect an early harvest of apples.",
                "A new bridge over the river will open to traffic in May.",
                "The school board approved a budget for the coming year.",
                "Local bakeries reported a rise in the price of flour.",
                "The county museum reopened its gallery of old maps.",
                "Hikers were warned about loose rocks on the northern trail.",
                "The library extended its opening hours through the summer.",
            ]
        )
    ]
    alignment = Alignment(passages=(a0, b0, *filler), clusters=())
    articles = [make_article("", outlet=o, title="Quill resigns") for o in "ABC"]
    lead = [Point(text=b0.text, passage="B0", passages=("B0",), outlets=("B",), cluster=None, relevance=1.0)]
    _, _, unique = themes.select(
        alignment, [], outlets=["A", "B", "C"], articles=articles, lead=lead, settings=Settings()
    )
    assert "A0" not in {p.passage for p in unique}
    _, _, without = themes.select(
        alignment, [], outlets=["A", "B", "C"], articles=articles, settings=Settings()
    )
    assert {"A0", "B0"} & {p.passage for p in without}  # without the lead, one of them is listed


@pytest.mark.parametrize(
    ("sentence", "leaning"),
    [
        (
            "In the 1990s when the Taliban ruled, we had no embassy,” said Lukyanov.",
            True,
        ),  # a quotation's end
        ("“In the 1990s we had no embassy,” said Lukyanov.", False),
        ("But the embassy stayed open, officials said.", True),
        ("“But we stayed,” he said.", True),
        ("and that he was going back to the White House.", True),
        ("The embassy in Kabul stayed open through the week.", False),
        # The first person outside quotation marks: a quotation's line.
        ("We will see them in court.", True),
        ("I would like to thank my staff for their hard work.", True),
        # Not the first person: the country, an initial.
        ("US officials said the talks in Doha would resume on Monday.", False),
        ("US-led forces left Kabul at the end of August.", False),
        ("I. M. Pei designed the museum's glass pyramid.", False),
    ],
)
def test_a_sentence_leans_on_the_one_before_when_it_cannot_be_read_alone(
    sentence: str, leaning: bool
) -> None:
    assert leans(sentence) is leaning


@pytest.mark.parametrize(
    ("passage", "cut"),
    [
        ("but in June the court voted, 5-4, to block key parts of the law.", True),  # mid-sentence
        ("Those sources have claimed the singer is “unhappy,” adding,", True),  # the sentence goes on
        ('You know, this primary has been a circus," Plouffe told CNN.', True),  # a quotation's tail
        ("In the 1990s when the Taliban ruled, we had no embassy,” said Lukyanov.", True),
        ('Her letter said the couple "wanted to buy the same home and share it with children.', False),
        ('"We are confident it will be upheld," Plouffe said.', False),
        ("The lawsuit, filed last week, demands $175,000 in damages against the university.", False),
        ("Oroville >> Now is not the time to quit your day job.", False),
    ],
)
def test_a_passage_is_a_fragment_when_it_is_no_sentence_read_alone(passage: str, cut: bool) -> None:
    assert fragment(passage) is cut


@pytest.mark.parametrize(
    ("sentence", "shown"),
    [
        (
            "Oroville >> Now is not the time to quit your day job.",
            "Now is not the time to quit your day job.",
        ),
        ("MOSCOW — Russia kept its embassy open.", "Russia kept its embassy open."),
        ("(Reuters Health) - One in seven cancers is found early.", "One in seven cancers is found early."),
        (
            "MONDAY, Jan. 25, 2016 (HealthDay News) -- Colon cancer rates are rising.",
            "Colon cancer rates are rising.",
        ),
        ("NEW YORK (AP) — The market fell.", "The market fell."),
        (
            "The 2016 study (in JAMA) - a first - found more.",
            "The 2016 study (in JAMA) - a first - found more.",
        ),
        ("US officials say 5 - 4 votes decide it.", "US officials say 5 - 4 votes decide it."),
        ("Russia kept its embassy >> open.", "Russia kept its embassy >> open."),
    ],
)
def test_a_leading_dateline_with_a_scraped_separator_is_left_off(sentence: str, shown: str) -> None:
    assert without_dateline(sentence) == shown


def test_a_claim_stated_only_in_fragments_is_no_consensus_point() -> None:
    passages = (
        _passage("A0", "A", "Police arrested the suspect in the bombing in Miami on Friday morning."),
        _passage("B0", "B", "Police arrested a suspect in the mail bombing in Miami on Friday."),
        _passage(
            "A1", "A", "while prosecutors charged the bombing suspect with five federal crimes,", at=100
        ),
        _passage("B1", "B", "and prosecutors charged the bombing suspect with five federal crimes,", at=100),
    )
    clusters = (
        _cluster("c1", "A0", "B0", outlets=("A", "B")),
        _cluster("c2", "A1", "B1", outlets=("A", "B")),
    )
    articles = [make_article("", outlet=o, title="Suspect in the bombing arrested") for o in "AB"]
    consensus, _, _ = themes.select(
        Alignment(passages=passages, clusters=clusters),
        [],
        outlets=["A", "B"],
        articles=articles,
        settings=Settings(),
    )
    assert [p.cluster for p in consensus] == ["c1"]


def test_an_outlet_quoting_one_remark_twice_lists_it_once_as_unique() -> None:
    texts = [
        "“I am sad that he was indicted,” said Ed Mullins, president of the Sergeants Association.",
        "Sergeants Association president Ed Mullins responded to the indictment: “I am sad that he was indicted.”",
        "Governor Brandt would close 12 old depots in Varna next year, aides to Brandt said.",
    ]
    chosen = set(_one_outlet_unique(texts, "Officer indicted"))
    assert "A2" in chosen
    assert len(chosen & {"A0", "A1"}) == 1


def test_a_single_outlet_sentence_the_lead_states_is_not_listed_again_as_unique() -> None:
    texts = [
        "Mayor Quill would open 12 new clinics in Harlow next year, aides to Quill said.",
        "Governor Brandt would close 12 old depots in Varna next year, aides to Brandt said.",
    ]
    lead = [Point(text=texts[0], passage="A0", passages=("A0",), outlets=("A",), cluster=None, relevance=1.0)]
    assert "A0" not in _one_outlet_unique(texts, "Clinics and depots", lead)
    assert "A0" in _one_outlet_unique(texts, "Clinics and depots")
    # The lead shows A1's clause inside the whole sentence it was cut from: A1 is stated too.
    whole = f"Aides said the plans were set, and {texts[1]}"
    wider = [Point(text=whole, passage="A0", passages=("A0",), outlets=("A",), cluster=None, relevance=1.0)]
    assert "A1" not in _one_outlet_unique(texts, "Clinics and depots", wider)
    assert "A1" in _one_outlet_unique(texts, "Clinics and depots")


def _one_outlet_unique(texts: list[str], title: str, lead: Sequence[Point] = ()) -> list[str]:
    """The unique passages themes.select lists for outlet A's ``texts`` beside an unrelated B."""
    passages = [_passage(f"A{n}", "A", t, at=100 * n) for n, t in enumerate(texts)]
    passages += [_passage("B0", "B", "The weather was mild all week in the valley.")]
    alignment = Alignment(passages=tuple(passages), clusters=())
    articles = [make_article("", outlet=o, title=title) for o in "AB"]
    _, _, unique = themes.select(
        alignment, [], outlets=["A", "B"], articles=articles, lead=tuple(lead), settings=Settings()
    )
    return [p.passage for p in unique if p.outlets == ("A",)]
