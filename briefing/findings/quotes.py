"""Who said what: every direct quotation, its speaker (found by ``speakers``), the same quote
across outlets grouped.

A quotation is what stands between quotation marks in a body paragraph, of MIN_QUOTE_WORDS
words at least. Its speaker is the subject of the verb of saying that governs it; a quote
running on in a paragraph, or into the next paragraph, keeps its speaker, and nothing is
guessed: with no verb of saying, or a subject that names nobody, the quote stays unattributed.
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from briefing.findings import people, speakers
from briefing.models import Cast, CleanArticle, Credit, Passage, Quote, Reading
from briefing.text import words

# A quotation of fewer words is a term or a scare quote ("misleading"), not a statement.
MIN_QUOTE_WORDS = 4
# Quotes are the same across outlets when most of the shorter one's content stems (70 %, and
# at least 3) are in the longer and in much the same order (rapidfuzz partial_ratio over the
# stems, 60): outlets cut one quote differently, so the shorter inside the longer counts.
# token_set_ratio alone grouped different quotes sharing one word ("indicted"): on the ten
# annotated stories (bench/quotes.py) wrong speakers fell from 4.4 % to 1.4 % with this.
QUOTE_MATCH_RATIO = 60
QUOTE_SHARED_SHARE = 0.7
QUOTE_MIN_SHARED = 3
# A quotation of fewer content words than that is the same one only when its words are found
# nearly verbatim (rapidfuzz partial_ratio of the lower-cased texts): a changed quote mark or a
# dropped comma still passes.
SHORT_QUOTE_RATIO = 90
# Quotations of one speaker compared pairwise for fragments of a longer one, at most.
FRAGMENT_CHECK_MAX = 200
UNATTRIBUTED = "unattributed"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Found:
    doc: str
    outlet: str
    start: int
    end: int
    text: str
    speaker: str | None
    role: str | None


def find(
    articles: Sequence[CleanArticle],
    readings: Sequence[Reading],
    passages: Sequence[Passage],
    *,
    cast: Cast,
) -> tuple[Quote, ...]:
    """Quotes with their speakers, each quote carried by several outlets once."""
    found: list[_Found] = []
    for article, reading in zip(articles, readings, strict=True):
        found.extend(_attribute(article, reading, cast))
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        by_doc[p.doc].append(p)
    return _group(found, by_doc)


def spans(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """The quotations in one paragraph ``text[start:end]`` as (start, end, closed): inside the
    marks; a quotation still open at the paragraph's end runs on into the next paragraph.

    Scraped text mixes its marks (“…" is common), so any double mark closes an open quotation,
    and an opening curly mark inside one starts the next."""
    found: list[tuple[int, int, bool]] = []
    opened: int | None = None
    single: int | None = None  # an open ‘…’ quotation (curly single marks, as tabloids use)
    for i in range(start, end):
        ch = text[i]
        if ch in _SINGLE and opened is None:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            if ch == "‘" and single is None and not before.isalnum():
                single = i + 1
            elif ch == "’" and single is not None and not after.isalnum():
                found.append((single, i, True))
                single = None
            continue
        if ch not in _MARKS:
            continue
        if opened is None:
            if ch not in _CLOSING_ONLY:
                opened = i + 1
                single = None
        elif ch in _OPENING_ONLY:
            found.append((opened, i, False))
            opened = i + 1
        else:
            found.append((opened, i, True))
            opened = None
    if opened is not None:
        found.append((opened, end, False))
    return [(a, b, closed) for a, b, closed in found if b > a]


_MARKS = frozenset('"“”«»„')
_SINGLE = frozenset("‘’")
_OPENING_ONLY = frozenset("“«„")
_CLOSING_ONLY = frozenset("”»")


def _attribute(article: CleanArticle, reading: Reading, cast: Cast) -> list[_Found]:
    text = article.article.text
    quoted = [(a, b) for span in article.body for a, b, _ in spans(text, span.start, span.end)]
    ctx = speakers.context(article, reading, cast=cast, quoted=quoted)
    found: list[_Found] = []
    carried: tuple[str | None, str | None] | None = None  # speaker of a quote open at a paragraph's end
    before: tuple[str | None, str | None] | None = None  # speaker of the paragraph before's last quote
    recent = speakers.named_speakers(ctx)  # (paragraph, offset, name), quotes' speakers added
    for paragraph, span in enumerate(article.body):
        quotes = spans(text, span.start, span.end)
        inside = [(a, b) for a, b, _ in quotes]
        last: tuple[str | None, str | None] | None = None
        for k, (a, b, _closed) in enumerate(quotes):
            speaker, role = None, None
            said = speakers.said_by(ctx, a, b, paragraph=paragraph, inside=inside, recent=recent)
            if said is not None:
                speaker, role = said
            elif k == 0 and carried is not None and a - span.start <= 1:
                speaker, role = carried  # a quote running on from the paragraph before
            elif last is not None:
                speaker, role = last  # '"A," she said. "B."'
            elif before is not None and _only_quotes(text, span.start, span.end, inside):
                # A paragraph of nothing but a quotation, after a paragraph that ends with one
                # attributed: news style for the same speaker going on.
                speaker, role = before
            if speaker:
                if speakers.is_person(ctx, speaker):
                    recent.append((paragraph, a, speaker))  # a he/she stands for a person only
                last = (speaker, role)
            if len(text[a:b].split()) >= MIN_QUOTE_WORDS:
                found.append(
                    _Found(
                        doc=article.article.id,
                        outlet=article.article.outlet,
                        start=a,
                        end=b,
                        text=text[a:b].strip(" ,."),
                        speaker=speaker,
                        role=role,
                    )
                )
        carried = last if quotes and not quotes[-1][2] else None
        before = last if quotes and last and last[0] else None
    return found


def _only_quotes(text: str, start: int, end: int, inside: Sequence[tuple[int, int]]) -> bool:
    """Whether the paragraph ``text[start:end]`` holds nothing but quotations."""
    rest, cursor = [], start
    for a, b in inside:
        rest.append(text[cursor:a])
        cursor = b
    rest.append(text[cursor:end])
    return bool(inside) and not any(ch.isalnum() for ch in "".join(rest))


def _group(found: Sequence[_Found], by_doc: dict[str, list[Passage]]) -> tuple[Quote, ...]:
    """One Quote per quotation said once, however many outlets carry it; candidates share a
    content stem, so the cost stays near linear."""
    groups: list[list[_Found]] = []
    # stem -> the article of a group's first quotation -> groups, in the order they were begun.
    # The groups an article began always hold one of its quotations, so its own are skipped
    # unread: comparing one article's quotations with each other was quadratic in its length.
    postings: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for item in found:
        stems = _stems(item.text)
        seen: set[int] = set()
        match = None
        for stem in sorted(set(stems))[:8]:
            others = [gs for doc, gs in postings[stem].items() if doc != item.doc]
            for g in heapq.merge(*others):
                if g in seen:
                    continue
                seen.add(g)
                group = groups[g]
                if all(x.doc != item.doc for x in group) and same_words(group[0].text, item.text):
                    match = g
                    break
            if match is not None:
                break
        if match is None:
            groups.append([item])
            match = len(groups) - 1
            for stem in set(stems):
                postings[stem].setdefault(item.doc, []).append(match)
        else:
            groups[match].append(item)
    # Passage starts per article, for a binary search: one scan per quote was quadratic in an
    # article's length (a 5 MB one-line article: 9,731 quotes x 35,000 passages, 44 s).
    starts = {doc: [p.start for p in ps] for doc, ps in by_doc.items()}
    quotes = []
    for group in groups:
        same = _forms_of_one_name([x.speaker for x in group if x.speaker])
        group = [replace(x, speaker=same.get(x.speaker, x.speaker)) if x.speaker else x for x in group]
        named = Counter(x.speaker for x in group if x.speaker)
        speaker = named.most_common(1)[0][0] if named else None
        roles = Counter(
            r for x in group if speaker and x.speaker == speaker and (r := people.clean_role(x.role))
        )
        quotes.append(
            Quote(
                speaker=speaker or UNATTRIBUTED,
                role=roles.most_common(1)[0][0] if roles else None,
                text=group[0].text,
                passages=tuple(p for p in (_passage(x, by_doc, starts) for x in group) if p),
                outlets=tuple(sorted({x.outlet for x in group})),
                credited_also=tuple(sorted(set(named) - {speaker})) if speaker else (),
                credits=tuple(
                    sorted({Credit(outlet=x.outlet, speaker=x.speaker or UNATTRIBUTED) for x in group})
                ),
            )
        )
    quotes = _without_fragments([q for q in quotes if q.passages])
    quotes.sort(key=lambda q: (-len(q.outlets), q.speaker == UNATTRIBUTED, q.speaker, q.passages[0]))
    return tuple(quotes)


def _without_fragments(quotes: list[Quote]) -> list[Quote]:
    """A named speaker's quotation that is part of a longer one of theirs, carried by no other
    outlet ("I'm not going to talk about this anymore" of "You know I'm not going to …"), is
    that one: its passages join the longer quotation's citations."""
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for n, q in enumerate(quotes):
        if q.speaker != UNATTRIBUTED:
            by_speaker[q.speaker].append(n)
    into: dict[int, int] = {}
    for members in by_speaker.values():
        if len(members) > FRAGMENT_CHECK_MAX:
            continue  # a transcript's thousands: not worth a quadratic pass
        ranked = sorted(members, key=lambda n: -len(quotes[n].text))
        for k, n in enumerate(ranked):
            short = quotes[n]
            for m in ranked[:k]:
                long = quotes[m]
                if (
                    m not in into
                    and set(short.outlets) <= set(long.outlets)
                    and same_words(long.text, short.text)
                ):
                    into[n] = m
                    break
    merged = {m: list(quotes[m].passages) for m in set(into.values())}
    for n, m in into.items():
        merged[m].extend(p for p in quotes[n].passages if p not in merged[m])
    return [
        replace(q, passages=tuple(merged[n])) if n in merged else q
        for n, q in enumerate(quotes)
        if n not in into
    ]


def _forms_of_one_name(speakers: Sequence[str]) -> dict[str, str]:
    """Speakers that are forms of one name ("Murray" / "Timothy Murray", "Pat Lynch" / "Patrick
    Lynch") -> its fullest form: outlets naming one person two ways do not disagree."""
    mapping: dict[str, str] = {}
    names = sorted(set(speakers), key=lambda n: (-len(n), n))
    for name in names:
        for fuller in names:
            if fuller == name or len(fuller) < len(name) or fuller in mapping:
                continue
            a, b = name.split(), fuller.split()
            if people.surname(name) == people.surname(fuller) and (
                len(a) == 1 or b[0].lower().startswith(a[0].lower()[:3])
            ):
                mapping[name] = fuller
                break
    return mapping


def same_words(a: str, b: str) -> bool:
    """Whether two quotations are the same words, however each outlet cut them: most of the
    shorter one's content stems in the longer, and in much the same order."""
    sa, sb = _stems(a), _stems(b)
    shorter = min(len(set(sa)), len(set(sb)))
    shared = len(set(sa) & set(sb))
    if shorter == 0 or shared < min(QUOTE_MIN_SHARED, shorter) or shared < QUOTE_SHARED_SHARE * shorter:
        return False
    if shorter < QUOTE_MIN_SHARED:
        # Too few content words to tell ("It's not against the president" shares "president"
        # with any quotation about him): the words themselves must be there, nearly verbatim.
        return fuzz.partial_ratio(a.lower(), b.lower()) >= SHORT_QUOTE_RATIO
    return fuzz.partial_ratio(" ".join(sa), " ".join(sb)) >= QUOTE_MATCH_RATIO


def _passage(item: _Found, by_doc: dict[str, list[Passage]], starts: dict[str, list[int]]) -> str:
    """The passage holding the quotation's start, else the first one starting inside it
    (passages are in order and do not overlap; ``starts`` are their starts)."""
    passages, at = by_doc.get(item.doc, []), starts.get(item.doc, [])
    i = bisect.bisect_right(at, item.start) - 1
    if i >= 0 and item.start < passages[i].end:
        return passages[i].id
    if i + 1 < len(passages) and passages[i + 1].start < item.end:
        return passages[i + 1].id
    return ""


def _stems(text: str) -> tuple[str, ...]:
    return words(text).stems
