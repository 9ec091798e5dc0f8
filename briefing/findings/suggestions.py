"""Theme suggestions for a corpus without a manifest: an analyst's questions about the story's
main people, organisations and places, with terms that select passages when pasted.

1. Subjects: the people index's first people, then the organisations and places (ORG, GPE, NORP
   entities) most outlets name, each as the text writes it ("the FBI", "Eric Holder"), never an
   outlet or another news organisation (they are sources, not what the story is about).
2. What is said of each: its passages (those naming it), their most telling common word (the
   topic: "police", "photo"), and the verb the subject most often governs in them ("resigned",
   "was indicted"), counted by the outlets that carry it, shared claims first.
3. The question: "Why was Peter Liang indicted?" for a subject's main act, "What has Eric Holder
   said about the police?" for a speaker, "How has Russia responded to the Taliban?" for a place
   that acts; the terms are the subject's forms, the topic and the verb, as written.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.findings.centrality import measure
from briefing.models import Alignment, Article, Entity, Passage, Person, Reading, ThemeSpec
from briefing.text import STOPWORDS, words

# A subject is named by at least this many outlets (or all of them, in a smaller story).
MIN_OUTLETS = 2
# At most this many people, and this many organisations or places, are subjects.
MAX_PEOPLE, MAX_ENTITIES = 3, 3
# NORP ("Democrat", "Japanese") names a group by an adjective: no question reads well about it.
ENTITY_LABELS = frozenset({"ORG", "GPE"})
# Words of outlets' and news organisations' names: a source, never a theme's subject.
MEDIA_WORDS = frozenset(
    """news times post press journal tribune herald daily weekly magazine gazette reuters cnn nbc
    abc cbs msnbc npr bbc pbs fox politico huffpost huffington breitbart axios bloomberg guardian
    telegraph associated ap afp upi wire newsweek slate vox buzzfeed tmz""".split()
)
# Words of every news story, whatever it is about: never a topic.
GENERIC_WORDS = frozenset(
    """year years month months week weeks day days time times today recent recently still new
    see sees seen view views region power part way people group groups country countries state
    states united official officials government governments foreign world report reports news
    first last many much more most also even well back since however including among statement
    interview thing things something lot percent number spokesman spokeswoman comment comments
    told asked want wants wanted going make made know think need come came take took
    monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december morning night evening afternoon year-old
    earlier later along""".split()
)
# A topic another subject's question already asks about is worth this share of its score: the
# story's main topic fits several subjects ("the mosque"), but a second one reads better than
# the same one four times. Excluding it outright gave "What does the grand mean for Brooklyn?".
TAKEN_TOPIC = 0.5
# The story's profile counts twice in a topic's score: a subject's passages share incidental
# words ("husband", "remainder", "territories" on the development stories, with the profile
# counted once) that the story is not about.
TOPIC_PROFILE_POWER = 2.0
# Verbs of a state rather than an act: no question of "why" to ask.
STATE_VERBS = frozenset("married born named based expected scheduled supposed located aged".split())
# A topic is a noun: written after a determiner and before punctuation or a function word
# ("the crisis.", "his weapon in"), which adjectives ("federal") and verbs rarely are.
_DETERMINER = r"\b(?:the|a|an|his|her|their|its|this|that|our)\s+"
_AFTER_NOUN = (
    r"(?=\s*[.,;:!?)”\"]|\s+(?:of|in|on|to|for|and|or|was|were|is|are|that|with|at|by|from|who|"
    r"which|had|has|have|said|says|after|over|as)\b)"
)
# Verbs of saying are not what a subject did: its words are asked for by "said about".
SAYING = frozenset(
    """said added noted stated asked told reported declined claimed explained insisted warned
    argued announced wrote tweeted posted replied responded""".split()
)
# "<Name>[, <apposition>,] [was|has ...] [not] <verb>ed <up to four words>": the verb a name governs.
_VERB_AFTER = re.compile(
    r"^(?:\s*,[^,.;]{1,80},)?\s+(?:(?P<aux>was|were|is|are|has|have|had|will|would|has\s+been|had\s+been)\s+)?"
    r"(?:(?:also|not|never|already|now|later|then)\s+)?(?P<verb>[a-z]{3,}ed)\b"
    r"(?P<rest>(?:\s+[A-Za-z][a-z]*){0,4})"
)
_WORD = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Subject:
    name: str  # as the text writes it: "Eric Holder", "the FBI", "Russia"
    key: str  # lower case, no article: how it is matched
    forms: tuple[str, ...]  # the written forms that name it in a passage, longest first
    kind: str  # "person", "ORG", "GPE" or "NORP"
    speaks: bool  # quoted, or the subject of a verb of saying
    passages: tuple[Passage, ...]


def suggest(
    alignment: Alignment,
    *,
    readings: Sequence[Reading],
    people: Sequence[Person],
    articles: Sequence[Article],
    count: int = 4,
) -> tuple[ThemeSpec, ...]:
    """Up to ``count`` themes as questions about the story's main people, organisations and places."""
    passages = alignment.passages
    if not passages:
        return ()
    outlets = {p.outlet for p in passages}
    floor = min(MIN_OUTLETS, len(outlets))
    media = MEDIA_WORDS | {w.lower() for a in articles for w in _WORD.findall(a.outlet)}
    texts = {a.id: a.text for a in articles}
    in_cluster = {pid: c.outlets for c in alignment.clusters for pid in c.passages}
    profile = measure(alignment, articles=articles).profile
    subjects = _people(people, passages, floor) + _entities(
        passages, readings, texts, "\n".join(texts.values()), floor, media, people
    )
    themes: list[ThemeSpec] = []
    topics: set[str] = set()
    for subject in _interleave(subjects):
        if len(themes) >= count:
            break
        topic = _topic(subject, profile, topics, texts)
        theme = _theme(subject, topic, _verb(subject, readings, texts, in_cluster))
        if theme is not None and theme.id not in {t.id for t in themes}:
            themes.append(theme)
            if topic:
                topics.add(topic.removeprefix("the "))
    return tuple(themes)


def _people(people: Sequence[Person], passages: Sequence[Passage], floor: int) -> list[_Subject]:
    found: list[_Subject] = []
    for person in people:
        if len(person.outlets) < floor or len(found) >= MAX_PEOPLE:
            continue
        parts = [w for w in person.name.split() if w.rstrip(".").lower() not in {"jr", "sr", "ii", "iii"}]
        forms = tuple(dict.fromkeys((person.name, parts[-1])))
        named = tuple(p for p in passages if any(_names(p.text, f) for f in forms))
        # As the text writes the name in full most often: "Eric Holder", not "Eric H. Holder Jr".
        written = Counter(
            m.group().rstrip(",")
            for p in named
            for m in re.finditer(
                rf"\b{re.escape(parts[0])}(?:\s+[A-Z][\w.’'-]*){{0,2}}\s+{re.escape(parts[-1])}\b",
                p.text,
            )
        )
        name = min(written, key=lambda w: (-written[w], len(w), w)) if written else person.name
        if named:
            found.append(
                _Subject(
                    name=name,
                    key=person.name.lower(),
                    forms=tuple(dict.fromkeys((name, parts[-1]))),
                    kind="person",
                    speaks=bool(person.quoted_by),
                    passages=named,
                )
            )
    return found


def _entities(
    passages: Sequence[Passage],
    readings: Sequence[Reading],
    texts: dict[str, str],
    corpus: str,
    floor: int,
    media: frozenset[str] | set[str],
    people: Sequence[Person],
) -> list[_Subject]:
    """The organisations and places most outlets name, the news organisations left out."""
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        by_doc[p.doc].append(p)
    person_words = {w.lower() for person in people for w in person.name.split()}
    outlets: dict[str, set[str]] = defaultdict(set)
    count: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    nominal: dict[str, Counter[str]] = defaultdict(Counter)  # the forms used as nouns
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    held: dict[str, list[Passage]] = defaultdict(list)
    speakers: Counter[str] = Counter()
    for reading in readings:
        text = texts.get(reading.doc, "")
        for speech in reading.speech:
            if speech.speaker is not None and speech.speaker.kind == "name":
                speakers[_key(speech.speaker.text)] += 1
        for ent in reading.entities:
            passage = _holding(by_doc.get(reading.doc, ()), ent)
            form = _form(ent.text)
            key = _key(form)
            if passage is None or not key or ent.label not in ENTITY_LABELS:
                continue
            tokens = set(key.split())
            if tokens & media or tokens <= person_words or not form[:1].isupper():
                continue
            if " " not in key and re.search(rf"\b{re.escape(key)}\b", corpus):
                continue  # "State" of "Secretary of State": a common word the text also writes lower case
            if _title_use(text, ent, person_words):
                continue  # "Senate Majority Leader Harry Reid", "Secretary of State Clinton": a title
            the = (ent.label == "ORG" and text[max(0, ent.start - 4) : ent.start].lower() == "the ") or (
                form.lower().startswith("the ")
            )
            outlets[key].add(passage.outlet)
            count[key] += 1
            written = ("the " if the else "") + form.removeprefix("the ").removeprefix("The ")
            forms[key][written] += 1
            following = re.match(r"\s+([a-z]+)", text[ent.end : ent.end + 24])
            if not (
                following and following.group(1) not in STOPWORDS and not following.group(1).endswith("ed")
            ):
                nominal[key][written] += 1  # not "a senior White House official": an adjective
            labels[key][ent.label] += 1
            if passage not in held[key]:
                held[key].append(passage)
    ranked = sorted(
        (k for k in outlets if len(outlets[k]) >= floor and count[k] >= 2),
        key=lambda k: (-len(outlets[k]), -count[k], k),
    )
    return [
        _Subject(
            name=_with_article(nominal[k] or forms[k], labels[k].most_common(1)[0][0]),
            key=k,
            forms=tuple(sorted({f.removeprefix("the ") for f in forms[k]}, key=lambda f: (-len(f), f))),
            kind=labels[k].most_common(1)[0][0],
            speaks=speakers[k] > 0,
            passages=tuple(held[k]),
        )
        for k in ranked[:MAX_ENTITIES]
    ]


def _interleave(subjects: Sequence[_Subject]) -> list[_Subject]:
    """People and organisations or places by turns, each in its own rank order."""
    persons = [s for s in subjects if s.kind == "person"]
    others = [s for s in subjects if s.kind != "person"]
    merged: list[_Subject] = []
    for n in range(max(len(persons), len(others))):
        merged.extend(group[n] for group in (persons, others) if n < len(group))
    return merged


def _topic(
    subject: _Subject, profile: Mapping[str, float], taken: set[str], texts: dict[str, str]
) -> str | None:
    """The noun the subject's passages share most, weighted by the story's profile (centrality.py:
    what the articles, shared claims and headlines are about)."""
    name_words = {w.lower() for f in subject.forms for w in _WORD.findall(f)}
    outlets: dict[str, set[str]] = defaultdict(set)
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for p in subject.passages:
        for raw in _WORD.findall(p.text):
            token = raw.lower()
            if (
                raw != token
                or len(token) < 4
                or token in STOPWORDS
                or token in GENERIC_WORDS
                or token in SAYING
                or token in name_words
                or token.endswith(("ly", "ed", "ing"))
            ):
                continue
            stems = words(token).stems
            if stems:
                outlets[stems[0]].add(p.outlet)
                surface[stems[0]][token] += 1
    ranked = sorted(
        (
            (len(found) * sum(surface[s].values()) ** 0.5 * profile.get(s, 0.0) ** TOPIC_PROFILE_POWER, s)
            for s, found in outlets.items()
        ),
        key=lambda x: (-x[0], x[1]),
    )
    corpus = "\n".join(texts.values()).lower()
    nouns = [
        (score * (TAKEN_TOPIC if surface[stem_].most_common(1)[0][0] in taken else 1.0), stem_)
        for score, stem_ in ranked
    ]
    for _, stem_ in sorted(nouns, key=lambda x: (-x[0], x[1])):
        word = surface[stem_].most_common(1)[0][0]
        if "-" in word or not re.search(_DETERMINER + re.escape(word) + _AFTER_NOUN, corpus):
            continue
        if _modifier(word, corpus):
            continue  # "grand" of "a grand jury", "border" of "border wall": it qualifies a noun
        # "the announcement", "the emergency": a singular noun takes "the"; a plural ("the
        # police", "protests") when the text writes it after a determiner a third of the time.
        determined = len(re.findall(_DETERMINER + re.escape(word) + r"\b", corpus))
        total = len(re.findall(rf"\b{re.escape(word)}\b", corpus))
        return f"the {word}" if not word.endswith("s") or determined * 3 >= total else word
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Act:
    aux: str  # "was", "has", or "" for a plain past tense
    verb: str  # as written: "indicted", "resigned"
    rest: str  # the words after it, up to the first preposition: "his weapon"
    outlets: int  # outlets carrying it (all of a shared claim's)


_OBJECT_WORDS = frozenset({"the", "a", "an", "his", "her", "their", "its"})


def _verb(
    subject: _Subject,
    readings: Sequence[Reading],
    texts: dict[str, str],
    in_cluster: dict[str, tuple[str, ...]],
) -> _Act | None:
    """What the subject most often does in the text (a verb it is the subject of), by outlets."""
    held: dict[str, list[Passage]] = defaultdict(list)
    for p in subject.passages:
        held[p.doc].append(p)
    keys = {_key(f) for f in subject.forms}
    support: dict[tuple[str, str], set[str]] = defaultdict(set)
    objects: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for reading in readings:
        if reading.doc not in held:
            continue
        text = texts.get(reading.doc, "")
        for mention in reading.subjects:
            said = _key(mention.text)
            if said not in keys and not any(said.endswith(" " + k) for k in keys):
                continue
            found = _VERB_AFTER.match(text[mention.end : mention.end + 160])
            if found is None or found["verb"] in SAYING or found["verb"] in STATE_VERBS:
                continue
            passage = next((p for p in held[reading.doc] if p.start <= mention.start < p.end), None)
            if passage is None:
                continue
            key = (" ".join((found["aux"] or "").split()), found["verb"])
            support[key].update(in_cluster.get(passage.id, ()) or (passage.outlet,))
            objects[key][_object(found["rest"])] += 1
    if not support:
        return None
    best = min(support, key=lambda k: (-len(support[k]), k))
    return _Act(
        aux=best[0], verb=best[1], rest=objects[best].most_common(1)[0][0], outlets=len(support[best])
    )


def _object(rest: str) -> str:
    """The words after a verb up to the first preposition or conjunction: its object, if any."""
    kept: list[str] = []
    for word in rest.split():
        if word.lower() in STOPWORDS and word.lower() not in _OBJECT_WORDS:
            break
        kept.append(word)
    while kept and kept[-1].lower() in _OBJECT_WORDS:
        kept.pop()
    return " ".join(kept)


def _theme(subject: _Subject, topic: str | None, act: _Act | None) -> ThemeSpec | None:
    """The question, its title and its terms."""
    name = subject.name
    title_name = name[0].upper() + name[1:]
    if subject.kind == "person" and act is not None and act.outlets >= 2 and not (subject.speaks and topic):
        passive = act.aux in {"was", "were", "is", "are", "has been", "had been"}
        done = f"{act.verb} {act.rest}".strip()
        question = f"Why was {name} {act.verb}?" if passive else f"Why has {name} {done}?"
        title = f"{title_name}: {act.verb}"
    elif subject.speaks and topic:
        question = f"What has {name} said about {topic}?"
        title = f"{title_name} on {topic}"
    elif subject.kind == "GPE" and topic:
        question = f"How has {name} responded to {topic}?" if act else f"How is {name} affected by {topic}?"
        title = f"{title_name} and {topic}"
    elif topic:
        question = f"How is {name} involved in {topic}?"
        title = f"{title_name} and {topic}"
    else:
        return None
    terms = [*subject.forms]
    if topic:
        terms.append(topic.removeprefix("the "))
    if act is not None:
        terms.append(act.verb)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return ThemeSpec(id=slug, title=title, question=question, terms=tuple(dict.fromkeys(terms)))


def _about(topic: str | None) -> str:
    return f" over {topic}" if topic else ""


def _with_article(forms: Counter[str], label: str) -> str:
    """An organisation as the text names it, with "the" if it ever takes one ("the White House",
    though "a senior White House official" drops it); "Congress" never does."""
    best = forms.most_common(1)[0][0]
    if label == "ORG" and not best.startswith("the ") and forms[f"the {best}"] * 4 >= forms[best]:
        return f"the {best}"
    return best


def _modifier(word: str, corpus: str) -> bool:
    """Whether the text mostly writes the word before another noun-like word ("grand jury")."""
    after = re.findall(rf"\b{re.escape(word)}\s+([a-z]+)", corpus)
    total = len(re.findall(rf"\b{re.escape(word)}\b", corpus))
    qualifying = sum(1 for w in after if w not in STOPWORDS and not w.endswith(("ed", "ly")))
    return total > 0 and qualifying * 2 > total


def _title_use(text: str, ent: Entity, person_words: set[str]) -> bool:
    """An organisation or place written as part of someone's title: "Senate Majority Leader Harry
    Reid", "Secretary of State Hillary Clinton"."""
    before = text[max(0, ent.start - 30) : ent.start]
    after = re.match(r"\s+(?:[A-Z][\w.’'-]*\s+){0,3}([A-Z][\w’'-]*)", text[ent.end : ent.end + 60])
    if after and after.group(1).lower().rstrip("’'s") in person_words:
        return True
    return bool(re.search(r"\b[A-Z][a-z]+ of (?:the )?$", before)) and ent.label == "ORG"


def _possessive(name: str) -> str:
    return f"{name}’" if name.endswith("s") else f"{name}’s"


def _names(text: str, form: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) is not None


def _holding(passages: Sequence[Passage], ent: Entity) -> Passage | None:
    return next((p for p in passages if p.start <= ent.start and ent.end <= p.end), None)


def _form(raw: str) -> str:
    """An entity as a question writes it: one line, no possessive, no stray punctuation."""
    text = " ".join(raw.split())
    text = re.sub(r"[’']s$", "", text)
    return text.strip(" .,;:“”\"'()")


def _key(form: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", form.lower()).strip()


def manifest_snippet(themes: Sequence[ThemeSpec]) -> str:
    """Themes as [[themes]] tables to paste into briefing.toml."""
    blocks = []
    for theme in themes:
        terms = ", ".join(_toml_string(t) for t in theme.terms)
        blocks.append(
            "[[themes]]\n"
            f"id = {_toml_string(theme.id)}\n"
            f"title = {_toml_string(theme.title)}\n"
            f"question = {_toml_string(theme.question)}\n"
            f"terms = [{terms}]\n"
        )
    return "\n".join(blocks)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
