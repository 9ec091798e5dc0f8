"""Who said a quotation: the verb of saying that governs it and that verb's subject, as the
parse gives them.

The verb is found in the quotation's own sentence (said, told, added, wrote, according to…),
never past its paragraph; its subject names the speaker. A pronoun is resolved to the nearest
named speaker or person in the same or the previous paragraph; a subject written as a
description goes to ``descriptions``: a title ("the former Alaska governor") to the person it
stands for, a document to whoever the sentence that brought it in says made it ("The NAACP
adopted a resolution … the resolution said"). A listener ("told reporters") is never the
speaker, nor is the person a speaker is someone of ("a source close to Roberts"), and nothing is
guessed: with no verb of saying, or a subject that names nobody ("officials said", "The officer
yelled" in a recalled anecdote), the quote stays unattributed.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from briefing.findings import descriptions
from briefing.findings.descriptions import Named, person, related_to
from briefing.models import Cast, CleanArticle, Mention, Reading, Span, Speech

_START = attrgetter("start")  # a span's (or a name's) start, the key of the bisections below

# A verb of saying this far (characters) from the quotation, in the same sentence, governs it
# ('"…," Lavrov said' / 'Lavrov said: "…"'); one further away introduces something else.
SPEECH_REACH = 120
# A sentence after a quotation this short (characters, from the closing mark) may be its
# attribution ('" Akin continued.', '," Russian State Duma Speaker Vyacheslav Volodin said
# Tuesday.', 62); longer ones say something of their own. 60 and 90 give the same figures on the
# ten annotated stories (bench/quotes.py); 90 keeps the long titles of officials.
ATTRIBUTION_TAIL_CHARS = 90
# The double quotation marks (those quotes.spans reads): one in such a sentence opens another
# quotation, so the sentence is not an attribution.
_QUOTATION_MARKS = frozenset('"“”«»„')
# How far back (paragraphs) a pronoun looks for the person it stands for.
PRONOUN_PARAGRAPHS = 1

_Name = tuple[int, int, str]  # a name's start, end and text


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What one article tells about its speakers, read once for all its quotations."""

    text: str
    cast: Cast
    paragraphs: tuple[Span, ...]  # the article's body paragraphs
    sentences: tuple[Span, ...]
    sentence_starts: tuple[int, ...]
    speech: tuple[Speech, ...]  # by start
    quoted: tuple[tuple[int, int], ...]  # the insides of every quotation, in order
    everyone: tuple[_Name, ...]  # PERSON entities, in order
    organisations: tuple[_Name, ...]  # ORG entities, in order
    # Who a pronoun can stand for: people named outside quotation marks, as subjects of their
    # clause (a careful reader takes "he" for the sentence's subject, not for a name in passing).
    persons: tuple[_Name, ...]
    # Names the tagger calls a person somewhere ("Rep. Peter King", missing from the cast), and
    # not also an organisation ("MailOnline.com", the subject of "asked", is not a he).
    person_names: frozenset[str]
    bodies: tuple[Named, ...]  # PERSON and ORG entities outside quotation marks, in order


def context(
    article: CleanArticle, reading: Reading, *, cast: Cast, quoted: Sequence[tuple[int, int]]
) -> Context:
    """The article's speakers as its parse gives them; ``quoted`` are its quotations' insides."""
    speech = sorted(reading.speech, key=lambda s: s.start)
    everyone = sorted((e.start, e.end, e.text) for e in reading.entities if e.label == "PERSON")
    organisations = sorted((e.start, e.end, e.text) for e in reading.entities if e.label == "ORG")
    named = [(m.start, m.end, m.text) for m in reading.subjects]
    named.extend((e.start, e.end, e.text) for e in reading.entities if e.label == "PERSON" and e.subject)
    for said in speech:  # "Gurley's mother, Sylvia Palmer, said": the name inside the description
        if said.speaker is not None and said.speaker.kind == "description":
            named.extend(p for p in everyone if said.speaker.start <= p[0] and p[1] <= said.speaker.end)
    return Context(
        text=article.article.text,
        cast=cast,
        paragraphs=article.body,
        sentences=reading.sentences,
        sentence_starts=tuple(s.start for s in reading.sentences),
        speech=tuple(speech),
        quoted=tuple(quoted),
        everyone=tuple(everyone),
        organisations=tuple(organisations),
        persons=tuple(sorted({p for p in named if not _within(p[0], quoted) and person(cast, p[2])})),
        person_names=frozenset({p[2] for p in everyone} - {o[2] for o in organisations}),
        bodies=tuple(
            Named(start=e.start, end=e.end, text=e.text, subject=e.subject)
            for e in sorted(reading.entities, key=lambda e: e.start)
            if e.label in ("PERSON", "ORG") and not _within(e.start, quoted)
        ),
    )


def named_speakers(ctx: Context) -> list[tuple[int, int, str]]:
    """(paragraph, offset, name) of the named speakers of any verb of saying, quotation or not,
    paragraph -1: "he said" most often stands for the last of them ('Trump said he would like
    Obama to show it. "…," he told "Today."'). Quotations' speakers are added as they are found."""
    found: list[tuple[int, int, str]] = []
    for said in ctx.speech:
        m = said.speaker
        if m is None or _within(m.start, ctx.quoted):
            continue
        if m.kind == "name" and (who := person(ctx.cast, m.text)):
            found.append((-1, m.start, who))
        elif m.kind == "description":
            inner = [
                p
                for p in ctx.everyone
                if m.start <= p[0] and p[1] <= m.end and not related_to(ctx.text, m.start, p[0])
            ]
            if inner and (who := person(ctx.cast, inner[-1][2])):
                found.append((-1, inner[-1][0], who))
    return found


def said_by(
    ctx: Context,
    a: int,
    b: int,
    *,
    paragraph: int,
    inside: Sequence[tuple[int, int]],
    recent: list[tuple[int, int, str]],
) -> tuple[str | None, str | None] | None:
    """The speaker and role of the quotation ``text[a:b]`` in body paragraph ``paragraph`` (whose
    quotations' insides are ``inside``), the speakers named so far being ``recent``; None when
    no verb of saying governs it."""
    verb = _governing(ctx, a, b, inside=inside, paragraph=ctx.paragraphs[paragraph])
    if verb is None:
        return None
    if verb.speaker is not None and not _within(verb.speaker.start, ctx.quoted):
        return _speaker_of(verb, ctx, paragraph=paragraph, recent=recent)
    # '"…," said Elaine Uang': the parse took the quote for the subject.
    speaker = _named_near(verb, b, ctx.text, ctx.everyone, ctx.cast)
    if speaker is None and (he := _opening_pronoun(verb.start, ctx.sentences, ctx.text)) is not None:
        # 'He paused, then added: "…"': the parse gave the second verb no subject.
        speaker = _antecedent(he, ctx, paragraph=paragraph, recent=recent)
    return speaker, None


def is_person(ctx: Context, speaker: str) -> bool:
    """Whether a speaker is a person, whom a later he or she may stand for."""
    return speaker in ctx.person_names or bool(person(ctx.cast, speaker))


# A name right after the verb ('said Elaine Uang, a co-founder'), a title between them at most.
NAME_AFTER_VERB = 12


def _named_near(
    verb: Speech, quote_end: int, text: str, everyone: Sequence[tuple[int, int, str]], cast: Cast
) -> str | None:
    """The person named between a quotation and its verb ('"…," Kazuya Aoki, a safety official,
    told Reuters') or just after the verb ('"…," said Elaine Uang'), when the parse took the
    quotation for the verb's subject."""
    for start, _end, raw in everyone:
        if quote_end <= start < verb.start and not any(ch.isalnum() for ch in text[quote_end:start]):
            return person(cast, raw) or raw
    for start, _end, raw in everyone:
        between = text[verb.end : start]
        if verb.end <= start <= verb.end + NAME_AFTER_VERB and "," not in between:
            return person(cast, raw) or raw
    return None


def _within(at: int, quoted: Sequence[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(quoted, (at, len(quoted) and 1 << 62)) - 1
    return i >= 0 and quoted[i][0] <= at < quoted[i][1]


def _governing(
    ctx: Context, a: int, b: int, *, inside: Sequence[tuple[int, int]], paragraph: Span
) -> Speech | None:
    """The verb of saying of the quotation ``text[a:b]``: in its sentence (or the sentence ending
    in a colon before it), outside every quotation, the one whose clause holds it first, else the
    nearest within SPEECH_REACH; never past its paragraph, unless the one before ends in a colon
    ('He added:' over a paragraph of quotation)."""
    text, speech, sentences = ctx.text, ctx.speech, ctx.sentences
    first = max(0, bisect.bisect_right(ctx.sentence_starts, a) - 1)
    last = max(0, bisect.bisect_right(ctx.sentence_starts, max(a, b - 1)) - 1)
    if not sentences:
        return None
    lo = sentences[first].start
    hi = sentences[min(last, len(sentences) - 1)].end
    lo = min(lo, a)
    if last + 1 < len(sentences):
        # '"Why can't he run his race?" Akin continued.': a short attribution the parser set
        # apart as a sentence of its own still belongs to the quotation before it.
        tail = text[b : sentences[last + 1].end]
        if (
            len(tail) <= ATTRIBUTION_TAIL_CHARS
            and not _QUOTATION_MARKS & set(tail[2:])
            and sentences[last + 1].start < paragraph.end
        ):
            hi = sentences[last + 1].end
    # ``speech`` is sorted by start and ``inside`` in order: search both, as scanning them for
    # every quotation was quadratic in an article's length (a 5 MB one-line article: 24 s).
    first_speech = bisect.bisect_left(speech, lo - SPEECH_REACH, key=_start)
    last_speech = bisect.bisect_right(speech, hi, key=_start)
    options = [
        s
        for s in speech[first_speech:last_speech]
        if not _within(s.start, inside)
        and (lo <= s.start or s.clause.start <= a <= s.clause.end)
        and _in_reach(s, paragraph, text)
    ]
    if not options:
        return None
    holding = [s for s in options if s.clause.start <= a and b <= s.clause.end + 1 and s.speaker]
    if holding:
        return min(holding, key=lambda s: s.clause.end - s.clause.start)
    near = [s for s in options if min(abs(s.start - b), abs(a - s.end)) <= SPEECH_REACH]
    return min(near, key=lambda s: min(abs(s.start - b), abs(a - s.end))) if near else None


def _in_reach(verb: Speech, paragraph: Span, text: str) -> bool:
    """Whether a verb may govern a quotation of ``paragraph``: it is in it, or in a paragraph
    just before that ends with a colon. A parse that ran a headline-case line of furniture into
    the next paragraph ("… Star Secrets Revealed") gave its 'verb' the quotations below."""
    if paragraph.start <= verb.start < paragraph.end:
        return True
    return (
        verb.start < paragraph.start
        and text[verb.end : paragraph.start].rstrip().endswith(":")
        and ("\n" not in text[verb.end : paragraph.start].strip())
    )


def _start(speech: Speech) -> int:
    return speech.start


def _sentence_at(at: int, sentences: Sequence[Span]) -> int:
    """The index of the sentence that holds (or last starts before) ``at``; -1 before the first."""
    return bisect.bisect_right(sentences, at, key=_START) - 1


def _speaker_of(
    verb: Speech, ctx: Context, *, paragraph: int, recent: list[tuple[int, int, str]]
) -> tuple[str | None, str | None]:
    """The named speaker of a verb of saying, and the role the text gives them."""
    mention = verb.speaker
    assert mention is not None
    if mention.kind == "name":
        return _by_name(mention, verb, ctx)
    if mention.kind == "pronoun":
        if mention.text.lower() not in ("he", "she"):
            return None, None
        return _antecedent(mention.start, ctx, paragraph=paragraph, recent=recent), None
    if mention.start >= verb.end and mention.text.lower().startswith("that "):
        return _sentence_opener(verb.start, ctx.sentences, ctx.everyone, ctx.cast), None
    # A description: a title, a document, an organisation speaking, someone's source.
    return descriptions.resolve(
        mention,
        text=ctx.text,
        cast=ctx.cast,
        everyone=ctx.everyone,
        organisations=ctx.organisations,
        bodies=ctx.bodies,
        sentences=ctx.sentences,
        floor=ctx.paragraphs[max(0, paragraph - PRONOUN_PARAGRAPHS)].start,
        paragraph_start=ctx.paragraphs[paragraph].start,
        recent=recent,
        antecedent=lambda: _antecedent(mention.start, ctx, paragraph=paragraph, recent=recent),
    )


def _by_name(mention: Mention, verb: Speech, ctx: Context) -> tuple[str | None, str | None]:
    """The speaker a subject that is a name gives, and their role."""
    text, cast = ctx.text, ctx.cast
    if who := person(cast, mention.text):
        return who, mention.role
    # The parse took a title for the subject's head ("State Duma Speaker" of "… Speaker
    # Vyacheslav Volodin said"): the person named right before the verb is the speaker.
    right_before = [
        p
        for p in ctx.everyone
        if mention.start <= p[0] <= mention.end + 1 and verb.start - 2 <= p[1] <= verb.start
    ]
    if right_before and (who := person(cast, right_before[-1][2])):
        return who, text[mention.start : right_before[-1][0]].strip(" ,") or mention.role
    if mention.text.isupper() and len(mention.text) > 3:
        return None, None  # "LIVINGSTON, N.J. — …": the dateline's place, not a speaker
    return mention.text, mention.role


def _sentence_opener(
    at: int, sentences: Sequence[Span], everyone: Sequence[tuple[int, int, str]], cast: Cast
) -> str | None:
    """The person whose name opens the sentence at ``at``: the speaker of 'Jamie Hartmann-Boyce of
    the Cochrane group, co-author of the review, noted that "…"', where the parse took the
    quoted clause for the subject."""
    k = _sentence_at(at, sentences)
    if k < 0:
        return None
    opening = [p for p in everyone if p[0] == sentences[k].start]
    return (person(cast, opening[0][2]) or opening[0][2]) if opening else None


def _antecedent(at: int, ctx: Context, *, paragraph: int, recent: list[tuple[int, int, str]]) -> str | None:
    """The person a he/she stands for: the latest named speaker before it, in its own paragraph
    or the one before (or the subject opening the sentence before, if later), else the latest
    named subject there."""
    persons, cast = ctx.persons, ctx.cast
    floor = ctx.paragraphs[max(0, paragraph - PRONOUN_PARAGRAPHS)].start
    candidates: list[tuple[int, str]] = [(off, name) for _, off, name in recent if floor <= off < at]
    if (opener := _opening_subject(at, floor, persons, ctx.sentences, ctx.text, cast)) is not None:
        candidates.append(opener)
    if candidates:
        return max(candidates)[1]
    i = bisect.bisect_left(persons, (at,))
    for start, _end, raw in reversed(persons[:i]):
        if start < floor:
            break
        name = person(cast, raw)
        if name:
            candidates.append((start, name))
            break
    if not candidates:
        return None
    return max(candidates)[1]


def _opening_pronoun(at: int, sentences: Sequence[Span], text: str) -> int | None:
    """Where the "He" or "She" that opens the sentence holding ``at`` is, if one does."""
    k = _sentence_at(at, sentences)
    if k < 0:
        return None
    start = sentences[k].start
    first = text[start:at].split(maxsplit=1)
    return start if first and first[0].strip(",").lower() in ("he", "she") else None


def _opening_subject(
    at: int,
    floor: int,
    persons: Sequence[tuple[int, int, str]],
    sentences: Sequence[Span],
    text: str,
    cast: Cast,
) -> tuple[int, str] | None:
    """For a he/she that opens its sentence, the person named first as a subject in the sentence
    before (from ``floor`` on): 'Alex Poulter, who co-founded a group, also disputed the
    allegations. He said the movement is …' is Poulter's, though Jealous spoke last. Only the
    first subject of that sentence: a later one is most often a clause's ('Walsh suggested Reid
    would suffer'); taking any subject credited four quotes of the ten stories wrongly."""
    k = _sentence_at(at, sentences)
    if k < 1 or text[sentences[k].start : at].strip(" \"“‘'(") != "":
        return None
    before = sentences[k - 1]
    if before.start < floor:
        return None
    i = bisect.bisect_left(persons, (before.start,))
    for start, _end, raw in persons[i:]:
        if start >= before.end:
            break
        if name := person(cast, raw):
            return start, name
    return None
