"""Entity anchors: passages mapped to the names, figures and speakers the NLP pass read in them."""

from __future__ import annotations

import re

from briefing.align import alignment, anchors
from briefing.align.pairs import FEATURES, Profile, Vocabulary, conflicting, features
from briefing.models import Entity, Mention, Passage, Reading, Span, Speech
from briefing.text import words


def _passage(doc: str, n: int, text: str, start: int) -> Passage:
    return Passage(
        id=f"{doc}#{n}",
        doc=doc,
        outlet=doc.upper(),
        start=start,
        end=start + len(text),
        text=text,
        paragraph=0,
    )


def _entity(text: str, whole: str, label: str) -> Entity:
    start = whole.index(text)
    return Entity(start=start, end=start + len(text), label=label, text=text)


def _reading(doc: str, text: str, entities: list[tuple[str, str]], speaker: str | None = None) -> Reading:
    speech: tuple[Speech, ...] = ()
    if speaker is not None:
        verb = text.index(" said") + 1
        who = text.index(speaker)
        speech = (
            Speech(
                start=verb,
                end=verb + 4,
                lemma="say",
                clause=Span(start=0, end=len(text)),
                speaker=Mention(start=who, end=who + len(speaker), text=speaker, kind="name"),
            ),
        )
    return Reading(
        doc=doc,
        model="test",
        sentences=(),
        entities=tuple(_entity(t, text, label) for t, label in entities),
        speech=speech,
        subjects=(),
        parsed=len(text),
    )


def test_name_tokens_take_a_person_by_surname_and_drop_possessives() -> None:
    assert anchors.name_token(anchors.PERSON, "Sergei Lavrov") == "@p:lavrov"
    assert anchors.name_token(anchors.PERSON, "Lohan 's") == "@p:lohan"
    assert anchors.name_token(anchors.ORG, "the Taliban’s") == "@o:taliban"
    assert anchors.name_token(anchors.PLACE, "New York") == "@g:new_york"
    assert anchors.name_token(anchors.PERSON, "'s") == ""


def test_dates_give_years_and_month_days() -> None:
    assert anchors.date_tokens("Dec. 6, 2008") == {"@y:2008", "@d:12-6"}
    assert anchors.date_tokens("last week") == set()


def test_figures_carry_their_unit() -> None:
    assert anchors.figure_tokens("CARDINAL", "2,500", " troops were sent") == {"@q:troop=2500"}
    assert anchors.figure_tokens("MONEY", "$2.5 million", "") == {"@q:$=2.5e+06"}
    assert anchors.figure_tokens("CARDINAL", "two", " of them") == {"@q:n=2"}


def test_build_maps_entities_and_speakers_to_their_passage() -> None:
    text = "Lavrov said Russia sent 2,500 troops. The Taliban took Kabul in 2021."
    second = text.index("The Taliban")
    passages = [_passage("a", 1, text[:second].strip(), 0), _passage("a", 2, text[second:], second)]
    reading = _reading(
        "a",
        text,
        [
            ("Lavrov", "PERSON"),
            ("Russia", "GPE"),
            ("2,500", "CARDINAL"),
            ("Taliban", "ORG"),
            ("Kabul", "GPE"),
            ("2021", "DATE"),
        ],
        speaker="Lavrov",
    )
    found = anchors.build(passages, [reading])
    first, other = found.get("a#1"), found.get("a#2")
    assert first.names == ("@g:russia", "@p:lavrov")
    assert first.figures == ("@q:troop=2500",)
    assert first.speakers == ("@s:lavrov",)
    assert other.names == ("@g:kabul", "@o:taliban")
    assert other.figures == ("@y:2021",)
    assert found.get("missing#1") is anchors.NONE


def test_different_years_conflict_and_block_merging() -> None:
    a = anchors.PassageAnchors(names=("@p:reid",), figures=("@y:2008",))
    b = anchors.PassageAnchors(names=("@p:reid",), figures=("@y:2013",))
    vocabulary = Vocabulary.build([("@p:reid", "@y:2008"), ("@p:reid", "@y:2013"), ("x",), ("y",)])
    assert conflicting(a, b)
    assert not conflicting(a, a)
    parsed = words("Tara Reid checked into rehab.")
    signals = features(Profile.of(parsed, vocabulary, a), Profile.of(parsed, vocabulary, b), vocabulary)
    names = dict(zip(FEATURES, signals, strict=True))
    assert names["years_conflict"] == 1.0
    assert names["anchors_shared"] > 0.0


def test_align_without_anchors_is_unchanged_by_the_keyword() -> None:
    text_a = "The Taliban were placed on Russia's list of terrorist organizations in 2003."
    text_b = "The Taliban was added to the Russian list of terrorist groups in 2003, records show."
    passages = [_passage("a", 1, text_a, 0), _passage("b", 1, text_b, 0)]
    assert alignment.align(passages) == alignment.align(passages, anchors=anchors.Anchors())


def test_articles_about_different_events_have_contexts_apart() -> None:
    from briefing.align.pairs import context_apart

    passages, readings = [], []
    for n, (name, year) in enumerate([("Reid", "2008")] * 3 + [("Lohan", "2013")] * 3):
        doc = f"d{n}"
        text = f"Actress {name} entered rehab in {year}."
        passages.append(_passage(doc, 1, text, 0))
        readings.append(_reading(doc, text, [(name, "PERSON"), (year, "DATE")]))
    found = anchors.build(passages, readings)
    same = context_apart(found.get("d0#1"), found.get("d1#1"))
    apart = context_apart(found.get("d0#1"), found.get("d4#1"))
    assert (same, apart) == (0.0, 1.0)
    # With fewer articles than CONTEXT_MIN_ARTICLES an article's context says nothing.
    few = anchors.build(passages[:4], readings[:4])
    assert few.get("d0#1").context == frozenset()


def test_an_articles_subject_is_the_person_it_names_most_not_its_quoted_source() -> None:
    from briefing.align.pairs import subjects_apart

    passages, readings = [], []
    stories = [("Jackson", "Baehr")] * 3 + [("Williams", "Baehr")] * 3
    for n, (subject, source) in enumerate(stories):
        doc = f"d{n}"
        # The subject four times; the source five times, each time as the one who said it.
        text = " ".join([f"{subject} was arrested."] * 4 + [f"{source} said so."] * 5)
        if n == 3:
            text += " Jackson was arrested last month."  # the later event recalls the earlier
        passages.append(_passage(doc, 1, text, 0))
        starts = [m.start() for m in re.finditer(subject, text)]
        ents = [Entity(start=s, end=s + len(subject), label="PERSON", text=subject) for s in starts]
        ents += [
            Entity(start=m.start(), end=m.end(), label="PERSON", text=m.group())
            for m in re.finditer(source + "|Jackson(?= was arrested last)", text)
        ]
        speech = tuple(
            Speech(
                start=m.end() + 1,
                end=m.end() + 5,
                lemma="say",
                clause=Span(start=m.start(), end=m.end() + 9),
                speaker=Mention(start=m.start(), end=m.end(), text=source, kind="name"),
            )
            for m in re.finditer(source, text)
        )
        readings.append(
            Reading(
                doc=doc,
                model="test",
                sentences=(),
                entities=tuple(ents),
                speech=speech,
                subjects=(),
                parsed=0,
            )
        )
    found = anchors.build(passages, readings)
    assert found.get("d0#1").subject == "jackson"
    assert found.get("d3#1").subject == "williams"
    assert "jackson" in found.get("d3#1").named
    assert not subjects_apart(found.get("d0#1"), found.get("d1#1"))
    # d3 names Jackson too, but d0 never names Williams: different events.
    assert subjects_apart(found.get("d0#1"), found.get("d3#1"))
    # With fewer articles than CONTEXT_MIN_ARTICLES there are no subjects.
    few = anchors.build(passages[:4], readings[:4])
    assert few.get("d0#1").subject == ""
