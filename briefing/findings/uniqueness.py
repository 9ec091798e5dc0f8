"""Telling apart what one outlet alone reports from what others say in other words.

The aligner links a pair only when both passages prefer each other and the model is fairly
sure, so many paraphrases stay unlinked. Listing every unlinked passage as "only in" its
outlet would show one event reported by three outlets in three wordings three times. So a
single-outlet point is shown only when it is not even slightly likely to restate a passage
of another outlet already shown in the same list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property

from briefing.align.pairs import Profile, Vocabulary, probability
from briefing.models import Alignment, Passage, Point, Similar
from briefing.text import Words, words

# Two passages of different outlets this likely (calibrated) to state one claim are not shown
# as two claims of one outlet each. On the dev annotation, 34% of unclustered passages state an
# annotated shared claim; of those whose closest match in another outlet stays under 0.05,
# 31%; under 0.03, 26%; under 0.02, 19%: 0.03 is where "unlike anything else" starts to mean it.
UNIQUE_BELOW = 0.03
# A point only one outlet reports is shown with its closest passage in another outlet ("similar
# in AP: ...") when that passage scores this much or more (alignment.nearest): the outlets may
# report it too, in words the aligner did not link. Judged by hand on the dev corpus's
# unclustered annotated passages (bench/similar.py lists them): of those whose nearest scored
# 0.08 or more, 8 of 16 nearest passages restate them (the same fact, in part at least);
# 0.09: 7 of 13; 0.10: 4 of 6; 0.06: 12 of 30. So "similar" is a pointer for the reader to
# check, shown from where it is right about as often as not; the point stays in the list. On
# the 43 development stories (bench/similar.py --stories) 0.09 shows 25 of 387 single-outlet
# points with a pointer, 19 of them a restatement by hand (76 %: "passed 234-193" both ways).
SIMILAR_FROM = 0.09
# Stems in more than this share of the passages are the story's topic ("Russia", "Taliban"):
# sharing one does not make two passages worth comparing.
TOPIC_SHARE = 0.2


class Closeness:
    """Calibrated "same claim" probabilities between passages of one alignment, on demand."""

    def __init__(self, passages: Sequence[Passage]) -> None:
        self._passages = {p.id: p for p in passages}
        self._profiles: dict[str, Profile] = {}

    def score(self, a: str, b: str) -> float:
        """Probability that passages ``a`` and ``b`` state the same claim."""
        return probability(self._profile(a), self._profile(b), self._vocabulary)

    def close(self, a: str, b: str) -> bool:
        """Different outlets, and too alike to be shown as two separate claims."""
        return self._passages[a].outlet != self._passages[b].outlet and self.score(a, b) >= UNIQUE_BELOW

    def distinct(self, points: Iterable[Point], shown: Iterable[str] = ()) -> Iterator[Point]:
        """The points, lazily, skipping any close to a passage shown before it (or in ``shown``)."""
        kept = self.shown(shown)
        for point in points:
            if not kept.close_to(point.passage):
                kept.add(point.passage)
                yield point

    def shown(self, passages: Iterable[str] = ()) -> Shown:
        """A growing set of shown passages that new ones are checked against."""
        kept = Shown(self)
        for pid in passages:
            kept.add(pid)
        return kept

    def stems(self, passage_id: str) -> frozenset[str]:
        """The passage's distinctive stems (not the story's topic words)."""
        return frozenset(t for t in self._words[passage_id].stems if t not in self._topic)

    @cached_property
    def _topic(self) -> frozenset[str]:
        """Stems in more than TOPIC_SHARE of the passages: "Russia", "Taliban"."""
        cap = TOPIC_SHARE * self._vocabulary.size
        return frozenset(t for t, n in self._vocabulary.df_of.items() if n > cap)

    def _profile(self, passage_id: str) -> Profile:
        if passage_id not in self._profiles:
            self._profiles[passage_id] = Profile.of(self._words[passage_id], self._vocabulary)
        return self._profiles[passage_id]

    @cached_property
    def _words(self) -> dict[str, Words]:
        return {pid: words(p.text) for pid, p in self._passages.items()}

    @cached_property
    def _vocabulary(self) -> Vocabulary:
        return Vocabulary.build([w.stems for w in self._words.values()])


class Shown:
    """Passages already shown in one list; only those sharing a distinctive stem are compared."""

    def __init__(self, closeness: Closeness) -> None:
        self._closeness = closeness
        self._by_stem: dict[str, list[str]] = defaultdict(list)

    def add(self, passage_id: str) -> None:
        for stem in self._closeness.stems(passage_id):
            self._by_stem[stem].append(passage_id)

    def close_to(self, passage_id: str) -> bool:
        """Whether a shown passage of another outlet is close to this one."""
        others = {o for stem in self._closeness.stems(passage_id) for o in self._by_stem.get(stem, ())}
        return any(self._closeness.close(passage_id, other) for other in sorted(others))


def with_similar(points: Sequence[Point], alignment: Alignment) -> tuple[Point, ...]:
    """The points, each with its closest passage of another outlet when that scores
    SIMILAR_FROM or more (``Point.similar``); points of two or more outlets are left as they are."""
    passages = {p.id: p for p in alignment.passages}
    found: list[Point] = []
    for point in points:
        match = alignment.nearest.get(point.passage)
        other = passages.get(match.passage) if match is not None else None
        if (
            match is None
            or other is None
            or point.cluster is not None
            or match.score < SIMILAR_FROM
            or other.outlet in point.outlets
        ):
            found.append(point)
            continue
        similar = Similar(passage=other.id, outlet=other.outlet, text=other.text, score=match.score)
        found.append(replace(point, similar=similar))
    return tuple(found)
