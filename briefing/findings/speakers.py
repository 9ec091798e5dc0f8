"""Who said a quotation: the verb of saying that governs it and that verb's subject, as the
parse gives them.

The verb is found in the quotation's own sentence (said, told, added, wrote, according to…),
never past its paragraph; its subject names the speaker. A pronoun is resolved to the nearest
named speaker or person in the same or the previous paragraph, a title ("the former Alaska
governor") to the person it stands for. A document speaks for whoever the sentence that brought
it in says made it ("The NAACP adopted a resolution … the resolution said"). A listener ("told
reporters") is never the speaker, nor is the person a speaker is someone of ("a source close to
Roberts"), and nothing is guessed: with no verb of saying, or a subject that names nobody
("officials said", "The officer yelled" in a recalled anecdote), the quote stays unattributed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from briefing.findings import people
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
# "the four-term congressman": a description this long at most stands for a titled person.
DESCRIBED_MAX_WORDS = 4
# How far back (paragraphs) a pronoun looks for the person it stands for.
PRONOUN_PARAGRAPHS = 1
# What may stand between a description's start and the organisation that speaks through it:
# "a statement from", "officials with", "a spokesman for", "the plant's operator"; not "the
# lawsuit against" (the organisation is then what the words are about).
_VOICE_OF = re.compile(
    r"(?:the\s+)?|(?:(?:the|a|an)\s+)?(?:[\w’'-]+\s+){0,3}?(?:from|of|with|for|at)\s+(?:the\s+)?|"
    r"(?:the\s+)?[\w’'-]+[’']s\s+(?:\w+\s+){0,2}",
    re.IGNORECASE,
)
_AGE = re.compile(r"the \d+-year-old(?: \w+)?", re.IGNORECASE)


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
    bodies: tuple[_Named, ...]  # PERSON and ORG entities outside quotation marks, in order


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
        persons=tuple(sorted({p for p in named if not _within(p[0], quoted) and _person(cast, p[2])})),
        person_names=frozenset({p[2] for p in everyone} - {o[2] for o in organisations}),
        bodies=tuple(
            _Named(start=e.start, end=e.end, text=e.text, subject=e.subject)
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
        if m.kind == "name" and (who := _person(ctx.cast, m.text)):
            found.append((-1, m.start, who))
        elif m.kind == "description":
            inner = [
                p
                for p in ctx.everyone
                if m.start <= p[0] and p[1] <= m.end and not _related_to(ctx.text, m.start, p[0])
            ]
            if inner and (who := _person(ctx.cast, inner[-1][2])):
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
    return speaker in ctx.person_names or bool(_person(ctx.cast, speaker))


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
            return _person(cast, raw) or raw
    for start, _end, raw in everyone:
        between = text[verb.end : start]
        if verb.end <= start <= verb.end + NAME_AFTER_VERB and "," not in between:
            return _person(cast, raw) or raw
    return None


def _person(cast: Cast, raw: str) -> str | None:
    """The story's person a name refers to; a surname that two people share stays as written."""
    found = people.resolve(cast, raw)
    if found:
        return found
    form = people.name_form(raw)
    return form if form and any(people.surname(f) == people.surname(form) for f in cast.forms) else None


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
    return _by_description(mention, ctx, paragraph=paragraph, recent=recent)


def _by_name(mention: Mention, verb: Speech, ctx: Context) -> tuple[str | None, str | None]:
    """The speaker a subject that is a name gives, and their role."""
    text, cast = ctx.text, ctx.cast
    if who := _person(cast, mention.text):
        return who, mention.role
    # The parse took a title for the subject's head ("State Duma Speaker" of "… Speaker
    # Vyacheslav Volodin said"): the person named right before the verb is the speaker.
    right_before = [
        p
        for p in ctx.everyone
        if mention.start <= p[0] <= mention.end + 1 and verb.start - 2 <= p[1] <= verb.start
    ]
    if right_before and (who := _person(cast, right_before[-1][2])):
        return who, text[mention.start : right_before[-1][0]].strip(" ,") or mention.role
    if mention.text.isupper() and len(mention.text) > 3:
        return None, None  # "LIVINGSTON, N.J. — …": the dateline's place, not a speaker
    return mention.text, mention.role


def _by_description(
    mention: Mention, ctx: Context, *, paragraph: int, recent: list[tuple[int, int, str]]
) -> tuple[str | None, str | None]:
    """The speaker a subject that describes them gives ("the congressman", "a statement from the
    DNC"), and their role; else no speaker, and the description for a role."""
    text, cast, everyone = ctx.text, ctx.cast, ctx.everyone
    if who := _person(cast, mention.text):  # "Chief O’Neill", with the title the tagger missed
        return who, None
    floor = ctx.paragraphs[max(0, paragraph - PRONOUN_PARAGRAPHS)].start
    if who := _described(mention.text, mention.start, text, everyone, cast, floor=floor):
        return who, None
    if owner := _document_owner(mention.text, mention.start, text, ctx.sentences, ctx.bodies):
        return _person(cast, owner) or owner, None
    if (
        _titled(mention.text)
        and len(mention.text.split()) >= VARIATION_MIN_WORDS
        and (who := _named_just_before(mention.start, ctx.paragraphs[paragraph].start, recent, everyone))
    ):
        return who, mention.text
    # A description that holds a name: "Kremlin envoy on Afghanistan Zamir Kabulov"; not "a
    # source close to Roberts", whose name only says whom the speaker is near.
    inside = [
        p
        for p in everyone
        if mention.start <= p[0] and p[1] <= mention.end and not _related_to(text, mention.start, p[0])
    ]
    if inside:
        start, _end, raw = inside[-1]
        role = text[mention.start : start].strip(" ,") or None
        return people.resolve(cast, raw) or raw, role
    if _AGE.fullmatch(mention.text):  # '…," said the 48-year-old': the person just named
        return _antecedent(mention.start, ctx, paragraph=paragraph, recent=recent), None
    # An organisation speaking: "a statement from the Democratic National Committee", "the
    # plant's operator Tokyo Electric Power Co".
    bodies = [
        o
        for o in ctx.organisations
        if mention.start <= o[0] and o[1] <= mention.end and _VOICE_OF.fullmatch(text[mention.start : o[0]])
    ]
    if bodies:
        return re.sub(r"[’']s$", "", bodies[0][2]), None
    return None, mention.text


# Words that, governing a name inside a description, make it someone the speaker stands in
# relation to, not the speaker: "a source close to Roberts", "a spokesman for Obama", "a friend
# of Dilbeck". "from" and "by" are left out: "a statement from Senator Reid" is his. On the
# fourteen annotated stories (bench/quotes.py) the one case is "A source close to Oscar-nominee
# Roberts told Radar" (three quotes of an unnamed source credited to Julia Roberts); "a letter
# ... by former assistant dean of students Kathleen Ford" keeps Ford (the "of" is her title's).
# "of" and "at" are left to _SOMEONES ("a friend of"): "Secretary of State Hillary Clinton".
_RELATION = frozenset("to for with against about near toward towards behind".split())
# Titles a word of relation may follow inside a name's title ("Ambassador to the United Nations
# Nikki Haley"), besides people.TITLES.
_TITLED_RELATION = frozenset("ambassador envoy delegate emissary liaison".split())
# A phrase that says the speaker is someone else's, whatever stands between it and the name ("a
# source close to actress Julia Rowan", "a spokesman for the family of Nancy Motes").
_SOMEONES = re.compile(
    r"\b(?:source|spokes(?:man|woman|person)|aide|friend|advis[eo]r|lawyer|attorney|representative|rep|"
    r"insider|relative|neighbou?r|associate|confidant|colleague|close|familiar|near)\s+(?:to|for|of|with)\b",
    re.IGNORECASE,
)


def _related_to(text: str, start: int, name_start: int) -> bool:
    """Whether the name at ``name_start`` in the description starting at ``start`` is whom the
    speaker is someone of ("a source close to actress Julia Rowan"), or the object of a word of
    relation with only an article, a title or capitalised words between ("close to Oscar-nominee
    Roberts")."""
    before = re.split(r"[,;(—–]", text[start:name_start])[-1]
    if _SOMEONES.search(before):
        return True
    phrase = before.split()
    for k in range(len(phrase) - 1, -1, -1):
        word = phrase[k].lower()
        if word in _RELATION:
            title = phrase[k - 1].lower().strip(".,") if k else ""
            return not (title in people.TITLES or title in _TITLED_RELATION)
        if not (word in ("the", "a", "an") or word.strip(".") in people.TITLES or phrase[k][:1].isupper()):
            return False
    return False


# What a text can speak through: "the resolution said", "the petition stated". Words of one
# family stand for each other ("the suit" of "a lawsuit").
_DOCUMENTS = {
    word: family
    for family in (
        "lawsuit suit complaint",
        "statement release",
        "resolution",
        "petition",
        "letter",
        "report",
        "memo memorandum",
        "editorial",
        "proposal",
    )
    for word in family.split()
}
# How many sentences back the one that brings a document in is looked for; bounds the search in
# a transcript's thousands of sentences. On the fourteen annotated stories (bench/quotes.py) the
# sentence naming the document was never more than 2 back (13 lookups); 10 leaves room.
DOCUMENT_LOOKBACK = 10
# "by Palo Alto Forward" at most this many words after the document's noun ("a petition
# spearheaded by Palo Alto Forward": 1).
OWNER_BY_WORDS = 3
# A subject owns the document only when one of these verbs of making stands between them ("The
# NAACP adopted a resolution"): "Roe launched a vendetta, according to the lawsuit" is the
# lawsuit speaking of Roe (without this check, a quote of John Doe's suit went to Roe).
_MAKING = re.compile(
    r"\b(?:adopt|pass|issu|releas|fil|brought|bring|wr[io]t|draft|sen[dt]|sign|submit|publish|introduc|"
    r"approv|unveil|spearhead|sponsor|post|prepar|circulat)\w*\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Named:
    """A PERSON or ORG entity outside quotation marks, and whether it is its clause's subject."""

    start: int
    end: int
    text: str
    subject: bool


def _document_owner(
    description: str,
    at: int,
    text: str,
    sentences: Sequence[Span],
    named: Sequence[_Named],
) -> str | None:
    """Who speaks through "the resolution" (or "the petition", "the suit"): in the latest sentence
    before it that names such a document, the person or organisation it is "by" ("a petition
    spearheaded by Palo Alto Forward"), else the subject that made it ("The NAACP adopted a
    resolution"). Only that sentence is read: an older one may be another document's. ``named``
    is in text order."""
    words = description.lower().split()
    if not 2 <= len(words) <= DESCRIBED_MAX_WORDS or words[0] != "the" or words[-1] not in _DOCUMENTS:
        return None
    pattern = re.compile(r"\b(?:" + "|".join(_DOCUMENTS[words[-1]].split()) + r")\b", re.IGNORECASE)
    k = _sentence_at(at, sentences)
    for sentence in reversed(sentences[max(0, k - DOCUMENT_LOOKBACK) : max(0, k)]):
        noun = pattern.search(text, sentence.start, sentence.end)
        if noun is None:
            continue
        by = re.match(
            rf"(?:\s+[\w’'-]+){{0,{OWNER_BY_WORDS}}}?\s+by\s+(?:the\s+)?", text[noun.end() : sentence.end]
        )
        lo = bisect.bisect_left(named, sentence.start, key=_START)
        in_sentence = named[lo : bisect.bisect_left(named, sentence.end, key=_START)]
        if by and (agent := [n for n in in_sentence if n.start == noun.end() + by.end()]):
            return agent[0].text
        owners = [
            n
            for n in in_sentence
            if n.subject and n.end <= noun.start() and _MAKING.search(text, n.end, noun.start())
        ]
        return re.sub(r"[’']s$", "", owners[0].text) if owners else None
    return None


# A title stands for the speaker just named only with a word that sets it apart ("the former
# Alaska governor" of Sarah Palin): a bare "The officer yelled" in an anecdote Holder told is a
# third person, and crediting Holder was the one wrong this rule made on the fourteen stories
# with 2 words allowed.
VARIATION_MIN_WORDS = 3


def _named_just_before(
    mention_start: int,
    paragraph_start: int,
    recent: Sequence[tuple[int, int, str]],
    everyone: Sequence[tuple[int, int, str]],
) -> str | None:
    """Whom "the former Alaska governor" stands for when no title written with a name says so:
    the named speaker just before it in its paragraph, with no other person named between
    ('Sarah Palin said she was "saddened …" The former Alaska governor said …'), news style for
    not naming one speaker twice running."""
    earlier = [(off, name) for _, off, name in recent if paragraph_start <= off < mention_start]
    if not earlier:
        return None
    off, name = max(earlier)
    between = [
        p for p in everyone if off < p[0] < mention_start and people.surname(p[2]) != people.surname(name)
    ]
    return None if between else name


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
    return (_person(cast, opening[0][2]) or opening[0][2]) if opening else None


def _titled(description: str) -> bool:
    """Whether a description is a title standing for a person: "the congressman", "the former
    Alaska governor" (DESCRIBED_MAX_WORDS at most)."""
    words = description.lower().split()
    return 2 <= len(words) <= DESCRIBED_MAX_WORDS and words[0] == "the" and words[-1] in people.TITLES


def _described(
    description: str,
    at: int,
    text: str,
    everyone: Sequence[tuple[int, int, str]],
    cast: Cast,
    *,
    floor: int,
) -> str | None:
    """The person "the congressman" (or "the four-term congressman", "the first lady") stands
    for: the latest person named before it, from ``floor`` on (its paragraph or the one before,
    as for a pronoun), whose title holds that last word ("Congressman Anthony Weiner", "First
    Lady Melania Trump"). With no floor, "The officer yelled" in an anecdote Holder recalled was
    credited to Officer Darren Wilson, named three paragraphs before."""
    if not _titled(description):
        return None
    words = description.lower().split()
    i = bisect.bisect_left(everyone, (at,))
    for start, _end, raw in reversed(everyone[:i]):
        if start < floor:
            break
        who = _person(cast, raw)
        title = f"{cast.roles.get(who or '', '')} {people.title_before(text, start) or ''}".lower()
        if who and words[-1] in title.split():
            return who
    return None


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
        name = _person(cast, raw)
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
        if name := _person(cast, raw):
            return start, name
    return None
