"""Who said what: every direct quotation, its speaker as the parse gives it, the same quote
across outlets grouped.

A quotation's speaker is the subject of the verb of saying that governs it (said, told, added,
wrote, according to…), found in the quotation's own paragraph; a pronoun is resolved to the
nearest named speaker or person in the same or the previous paragraph; a quote running on in a
paragraph, or into the next paragraph, keeps its speaker. A document speaks for whoever the
sentence that brought it in says made it ("The NAACP adopted a resolution … the resolution
said"). A listener ("told reporters") is never the speaker, nor is the person a speaker is
someone of ("a source close to Roberts"), and nothing is guessed: with no verb of saying, or a
subject that names nobody ("officials said", "The officer yelled" in a recalled anecdote), the
quote stays unattributed.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

from rapidfuzz import fuzz

from briefing import people
from briefing.models import Cast, CleanArticle, Credit, Passage, Quote, Reading, Span, Speech
from briefing.text import words

_START = attrgetter("start")  # a span's (or a name's) start, the key of the bisections below

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
# A verb of saying this far (characters) from the quotation, in the same sentence, governs it
# ('"…," Lavrov said' / 'Lavrov said: "…"'); one further away introduces something else.
SPEECH_REACH = 120
# A sentence after a quotation this short (characters, from the closing mark) may be its
# attribution ('" Akin continued.', '," Russian State Duma Speaker Vyacheslav Volodin said
# Tuesday.', 62); longer ones say something of their own. 60 and 90 give the same figures on the
# ten annotated stories (bench/quotes.py); 90 keeps the long titles of officials.
ATTRIBUTION_TAIL_CHARS = 90
# "the four-term congressman": a description this long at most stands for a titled person.
DESCRIBED_MAX_WORDS = 4
# Quotations of one speaker compared pairwise for fragments of a longer one, at most.
FRAGMENT_CHECK_MAX = 200
# How far back (paragraphs) a pronoun looks for the person it stands for.
PRONOUN_PARAGRAPHS = 1
UNATTRIBUTED = "unattributed"
# What may stand between a description's start and the organisation that speaks through it:
# "a statement from", "officials with", "a spokesman for", "the plant's operator"; not "the
# lawsuit against" (the organisation is then what the words are about).
_VOICE_OF = re.compile(
    r"(?:the\s+)?|(?:(?:the|a|an)\s+)?(?:[\w’'-]+\s+){0,3}?(?:from|of|with|for|at)\s+(?:the\s+)?|"
    r"(?:the\s+)?[\w’'-]+[’']s\s+(?:\w+\s+){0,2}",
    re.IGNORECASE,
)
_AGE = re.compile(r"the \d+-year-old(?: \w+)?", re.IGNORECASE)


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
    sentence_starts = [s.start for s in reading.sentences]
    speech = sorted(reading.speech, key=lambda s: s.start)
    quoted = [(a, b) for span in article.body for a, b, _ in spans(text, span.start, span.end)]
    # Who a pronoun can stand for: people named outside quotation marks, as subjects of their
    # clause (a careful reader takes "he" for the sentence's subject, not for a name in passing).
    everyone = sorted((e.start, e.end, e.text) for e in reading.entities if e.label == "PERSON")
    organisations = sorted((e.start, e.end, e.text) for e in reading.entities if e.label == "ORG")
    named = [(m.start, m.end, m.text) for m in reading.subjects]
    named.extend((e.start, e.end, e.text) for e in reading.entities if e.label == "PERSON" and e.subject)
    for said in speech:  # "Gurley's mother, Sylvia Palmer, said": the name inside the description
        if said.speaker is not None and said.speaker.kind == "description":
            named.extend(p for p in everyone if said.speaker.start <= p[0] and p[1] <= said.speaker.end)
    persons = sorted({p for p in named if not _within(p[0], quoted) and _person(cast, p[2])})
    # Names the tagger calls a person somewhere ("Rep. Peter King", missing from the cast), and
    # not also an organisation ("MailOnline.com", the subject of "asked", is not a he).
    person_names = {p[2] for p in everyone} - {o[2] for o in organisations}
    bodies = [
        _Named(start=e.start, end=e.end, text=e.text, subject=e.subject)
        for e in sorted(reading.entities, key=lambda e: e.start)
        if e.label in ("PERSON", "ORG") and not _within(e.start, quoted)
    ]
    # Named speakers of any verb of saying, quotation or not: "he said" most often stands for
    # the last of them ('Trump said he would like Obama to show it. "…," he told "Today."').
    speakers: list[tuple[int, int, str]] = []
    for said in speech:
        m = said.speaker
        if m is None or _within(m.start, quoted):
            continue
        if m.kind == "name" and (who := _person(cast, m.text)):
            speakers.append((-1, m.start, who))
        elif m.kind == "description":
            inner = [
                p
                for p in everyone
                if m.start <= p[0] and p[1] <= m.end and not _related_to(text, m.start, p[0])
            ]
            if inner and (who := _person(cast, inner[-1][2])):
                speakers.append((-1, inner[-1][0], who))
    found: list[_Found] = []
    carried: tuple[str | None, str | None] | None = None  # speaker of a quote open at a paragraph's end
    before: tuple[str | None, str | None] | None = None  # speaker of the paragraph before's last quote
    recent = speakers  # (paragraph, offset, name) of named speakers, quotes' speakers added
    for paragraph, span in enumerate(article.body):
        quotes = spans(text, span.start, span.end)
        inside = [(a, b) for a, b, _ in quotes]
        last: tuple[str | None, str | None] | None = None
        for k, (a, b, _closed) in enumerate(quotes):
            speaker, role = None, None
            verb = _governing(speech, inside, sentence_starts, reading, text, a, b, paragraph=span)
            if verb is not None and verb.speaker is not None and not _within(verb.speaker.start, quoted):
                speaker, role = _speaker_of(
                    verb,
                    text,
                    cast,
                    paragraph,
                    recent,
                    persons,
                    everyone,
                    organisations,
                    article,
                    reading.sentences,
                    bodies,
                )
            elif verb is not None:  # '"…," said Elaine Uang': the parse took the quote for the subject
                speaker, role = _named_near(verb, b, text, everyone, cast), None
                if (
                    speaker is None
                    and (he := _opening_pronoun(verb.start, reading.sentences, text)) is not None
                ):
                    # 'He paused, then added: "…"': the parse gave the second verb no subject.
                    speaker = _antecedent(he, paragraph, recent, persons, article, cast, reading.sentences)
            elif k == 0 and carried is not None and a - span.start <= 1:
                speaker, role = carried  # a quote running on from the paragraph before
            elif last is not None:
                speaker, role = last  # '"A," she said. "B."'
            elif before is not None and _only_quotes(text, span.start, span.end, inside):
                # A paragraph of nothing but a quotation, after a paragraph that ends with one
                # attributed: news style for the same speaker going on.
                speaker, role = before
            if speaker:
                if speaker in person_names or _person(cast, speaker):
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
    speech: Sequence[Speech],
    inside: Sequence[tuple[int, int]],
    sentence_starts: Sequence[int],
    reading: Reading,
    text: str,
    a: int,
    b: int,
    *,
    paragraph: Span,
) -> Speech | None:
    """The verb of saying of the quotation ``text[a:b]``: in its sentence (or the sentence ending
    in a colon before it), outside every quotation, the one whose clause holds it first, else the
    nearest within SPEECH_REACH; never past its paragraph, unless the one before ends in a colon
    ('He added:' over a paragraph of quotation)."""
    first = max(0, bisect.bisect_right(sentence_starts, a) - 1)
    last = max(0, bisect.bisect_right(sentence_starts, max(a, b - 1)) - 1)
    sentences = reading.sentences
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
            and not _MARKS & set(tail[2:])
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
    verb: Speech,
    text: str,
    cast: Cast,
    paragraph: int,
    recent: list[tuple[int, int, str]],
    persons: list[tuple[int, int, str]],
    everyone: list[tuple[int, int, str]],
    organisations: list[tuple[int, int, str]],
    article: CleanArticle,
    sentences: Sequence[Span],
    named: Sequence[_Named],
) -> tuple[str | None, str | None]:
    """The named speaker of a verb of saying, and the role the text gives them."""
    mention = verb.speaker
    assert mention is not None
    if mention.kind == "name":
        if who := _person(cast, mention.text):
            return who, mention.role
        # The parse took a title for the subject's head ("State Duma Speaker" of "… Speaker
        # Vyacheslav Volodin said"): the person named right before the verb is the speaker.
        right_before = [
            p
            for p in everyone
            if mention.start <= p[0] <= mention.end + 1 and verb.start - 2 <= p[1] <= verb.start
        ]
        if right_before and (who := _person(cast, right_before[-1][2])):
            return who, text[mention.start : right_before[-1][0]].strip(" ,") or mention.role
        if mention.text.isupper() and len(mention.text) > 3:
            return None, None  # "LIVINGSTON, N.J. — …": the dateline's place, not a speaker
        return mention.text, mention.role
    if mention.kind == "pronoun":
        if mention.text.lower() not in ("he", "she"):
            return None, None
        return _antecedent(mention.start, paragraph, recent, persons, article, cast, sentences), None
    if mention.start >= verb.end and mention.text.lower().startswith("that "):
        return _sentence_opener(verb.start, sentences, everyone, cast), None
    if who := _person(cast, mention.text):  # "Chief O’Neill", with the title the tagger missed
        return who, None
    floor = article.body[max(0, paragraph - PRONOUN_PARAGRAPHS)].start
    if who := _described(mention.text, mention.start, text, everyone, cast, floor=floor):
        return who, None
    if owner := _document_owner(mention.text, mention.start, text, sentences, named):
        return _person(cast, owner) or owner, None
    if (
        _titled(mention.text)
        and len(mention.text.split()) >= VARIATION_MIN_WORDS
        and (who := _named_just_before(mention.start, article.body[paragraph].start, recent, everyone))
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
        return _antecedent(mention.start, paragraph, recent, persons, article, cast, sentences), None
    # An organisation speaking: "a statement from the Democratic National Committee", "the
    # plant's operator Tokyo Electric Power Co".
    bodies = [
        o
        for o in organisations
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


def _antecedent(
    at: int,
    paragraph: int,
    recent: list[tuple[int, int, str]],
    persons: list[tuple[int, int, str]],
    article: CleanArticle,
    cast: Cast,
    sentences: Sequence[Span],
) -> str | None:
    """The person a he/she stands for: the latest named speaker before it, in its own paragraph
    or the one before (or the subject opening the sentence before, if later), else the latest
    named subject there."""
    floor = article.body[max(0, paragraph - PRONOUN_PARAGRAPHS)].start
    candidates: list[tuple[int, str]] = [(off, name) for _, off, name in recent if floor <= off < at]
    if (opener := _opening_subject(at, floor, persons, sentences, article.article.text, cast)) is not None:
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
