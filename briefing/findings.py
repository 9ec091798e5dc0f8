"""Who said what and who is who: quotes with their speakers, and the people index.

Heuristics from how English news text attributes speech ("…,” said Name, role) and names
people (a role word next to a capitalised name); nothing here knows a particular story.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.models import Alignment, Passage, Person, Quote
from briefing.text import words

# Words that name a role in news copy; a capitalised name next to one is a person.
ROLE_WORDS = frozenset(
    """minister ministers envoy ambassador spokesman spokeswoman spokesperson president
    vice-president premier chancellor secretary speaker chairman chairwoman chair director
    head deputy analyst analysts expert experts official officials representative adviser
    advisor aide correspondent columnist journalist reporter editor officer leader negotiator
    commander general colonel professor researcher scholar fellow economist governor mayor
    senator lawmaker diplomat founder chief ceo king queen prince pope judge prosecutor""".split()
)
SAYING = (
    r"(?:said|says|say|told|tells|added|adds|noted|notes|wrote|writes|argued|argues|observed|"
    r"warned|warns|stated|declared|insisted|asked|explained|joked|according to)"
)
# Capitalised words that start sentences or name places, not people.
NOT_NAMES = frozenset(
    """The A An In On At But And Or If As For From By With Without After Before When While
    Since Until This That These Those It Its He She They We I Our Their His Her Mr Mrs Ms
    Dr Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December Russian Russia American
    Foreign Defense Defence State Security Council National United Nations Islamic Central
    Soviet Union Kremlin Moscow Washington White House Ministry Department News Press""".split()
)
_NAME = r"[A-Z][a-zà-ÿ’'\-]+(?:\s+[A-Z]\.)?(?:\s+(?:al-|bin\s|van\s|de\s)?[A-Z][a-zà-ÿ’'\-]+){1,2}"
_NAME_RE = re.compile(rf"\b({_NAME})\b")
# A speaker may be named by surname alone ("said Lavrov").
_SPEAKER = r"[A-Z][a-zà-ÿ’'\-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-zà-ÿ’'\-]+){0,2}"
_QUOTE_RE = re.compile(r"[“\"]([^”\"]{12,600})[”\"]")
# After the quote: ", said Name", ", Name said", ", role words Name said".
_AFTER = re.compile(rf"^\s*,?\s*(?:{SAYING})\s+(?:the\s+)?(?:[a-z][\w’'\-.]*\s+){{0,6}}?({_SPEAKER})")
_AFTER_NAME_FIRST = re.compile(rf"^\s*,?\s*(?:[\w’'\-.]+\s+){{0,8}}?({_SPEAKER}|he|she)\s+(?:{SAYING})\b")
# Before the quote: "Name said: “", "Name told journalists that “".
_BEFORE = re.compile(
    rf"({_SPEAKER}|\b[Hh]e|\b[Ss]he)\s*,?[^.“\"A-Z]{{0,80}}?\b{SAYING}\b[^“\"]{{0,90}}[“\"]$"
)
# Words that end organisation names: "Center for X Studies" is not a person.
ORGANISATION_WORDS = frozenset(
    """Center Centre Institute Council Endowment Affairs Studies University College School
    Ministry Department Agency Committee Party Foundation Association Organization
    Organisation Group Bank Fund Commission Court Office Service Forces Army Navy District
    Military Times Post News Journal Gazette Review Company Corporation Inc Ltd""".split()
)
# "told X", "asked X": X is who listened (often a newspaper), not who spoke.
_TOLD_BEFORE = re.compile(r"\b(told|tells|asked|asks)\s+$")
# Quotes are matched across outlets when the speaker agrees and the words do this well.
QUOTE_MATCH_RATIO = 55


@dataclass(frozen=True, slots=True, kw_only=True)
class _Found:
    passage: Passage
    text: str
    speaker: str | None


def find_quotes(alignment: Alignment) -> tuple[Quote, ...]:
    """Quotes with their speakers, the same quote as carried by different outlets grouped."""
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for p in alignment.passages:
        by_doc[p.doc].append(p)
    alone = _standalone_words(alignment.passages)
    found: list[_Found] = []
    for passages in by_doc.values():
        last_person: tuple[int, str] | None = None  # (paragraph, name) of the last person named
        last_speaker: tuple[int, str] | None = None
        for p in passages:
            for match in _QUOTE_RE.finditer(p.text):
                speaker = _trim_place(_speaker(p.text, match.start(), match.end()), alone, keep=1)
                if speaker is None and last_speaker and last_speaker[0] == p.paragraph:
                    speaker = last_speaker[1]  # a quote that runs on in the same paragraph
                elif speaker in ("he", "she"):
                    recent = last_person if last_person and p.paragraph - last_person[0] <= 2 else None
                    speaker = recent[1] if recent else None
                if speaker:
                    last_speaker = (p.paragraph, speaker)
                if len(match.group(1).split()) >= 4:
                    found.append(_Found(passage=p, text=match.group(1).strip(" ,."), speaker=speaker))
            for name_match in _NAME_RE.finditer(p.text):
                name = _trim_place(_clean_name(name_match.group(1)), alone)
                if name and _person_position(p.text, name_match.start()):
                    last_person = (p.paragraph, name)
    roles = _roles(alignment.passages, alone)
    forms = _name_forms(alignment.passages, alone)
    # Quotes are compared only with quotes of the same speaker: linear in the number of speakers.
    groups: list[list[_Found]] = []
    by_speaker: dict[str, list[list[_Found]]] = defaultdict(list)
    for item in found:
        candidates = by_speaker[_surname(item.speaker)]
        for group in candidates:
            head = group[0]
            if all(g.passage.outlet != item.passage.outlet for g in group) and (
                fuzz.token_set_ratio(_stems(head.text), _stems(item.text)) >= QUOTE_MATCH_RATIO
            ):
                group.append(item)
                break
        else:
            candidates.append([item])
            groups.append(candidates[-1])
    quotes = []
    for group in groups:
        head = group[0]
        speaker = _full_name(head.speaker, forms) if head.speaker else None
        quotes.append(
            Quote(
                speaker=speaker or "unattributed",
                role=roles.get(_surname(speaker)) if speaker else None,
                text=head.text,
                passages=tuple(g.passage.id for g in group),
                outlets=tuple(sorted({g.passage.outlet for g in group})),
            )
        )
    quotes.sort(key=lambda q: (-len(q.outlets), q.speaker == "unattributed", q.speaker, q.passages[0]))
    return tuple(quotes)


def find_people(alignment: Alignment, quotes: Sequence[Quote]) -> tuple[Person, ...]:
    """Named people (a role word or a verb of saying next to their name), their roles and outlets."""
    mentions: dict[str, set[str]] = defaultdict(set)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    alone = _standalone_words(alignment.passages)
    for p in alignment.passages:
        for match in _NAME_RE.finditer(p.text):
            name = _trim_place(_clean_name(match.group(1)), alone)
            if name is None or not _person_position(p.text, match.start()):
                continue
            before = p.text[max(0, match.start() - 60) : match.start()].lower()
            after = p.text[match.end() : match.end() + 80].lower()
            context = set(re.findall(r"[a-z\-]+", before.split(",")[-1])) | set(
                re.findall(r"[a-z\-]+", after.split(".")[0][:60])
            )
            if _TOLD_BEFORE.search(before):
                continue
            if context & ROLE_WORDS or re.search(SAYING, after[:25]) or re.search(SAYING, before[-25:]):
                key = _surname(name)
                mentions[key].add(p.outlet)
                names[key][name] += 1
    roles = _roles(alignment.passages, alone)
    quoted: dict[str, set[str]] = defaultdict(set)
    for q in quotes:
        if q.speaker != "unattributed":
            quoted[_surname(q.speaker)].update(q.outlets)
    people = [
        Person(
            name=max(names[key].items(), key=lambda kv: (len(kv[0].split()), kv[1], kv[0]))[0],
            role=roles.get(key),
            outlets=tuple(sorted(mentions[key] | quoted.get(key, set()))),
            quoted_by=tuple(sorted(quoted.get(key, set()))),
        )
        for key in mentions
    ]
    people.sort(key=lambda person: (-len(person.outlets), person.name))
    return tuple(people)


def _speaker(text: str, start: int, end: int) -> str | None:
    """The name (or he/she) that the sentence attributes the quote at text[start:end] to."""
    after = text[end:]
    for pattern in (_AFTER, _AFTER_NAME_FIRST):
        match = pattern.search(after)
        if match and (name := _clean_name(match.group(1), single=True)):
            return name
    match = _BEFORE.search(text[: start + 1])
    if match:
        return _clean_name(match.group(1), single=True)
    return None


def _clean_name(raw: str, *, single: bool = False) -> str | None:
    """Drop leading capitalised non-names ("Russian Foreign Minister Sergey Lavrov" keeps the name)."""
    if raw.lower() in ("he", "she"):
        return raw.lower()
    tokens = [t.removesuffix("’s").removesuffix("'s") for t in raw.split()]
    while tokens and (tokens[0] in NOT_NAMES or tokens[0].lower() in ROLE_WORDS):
        tokens = tokens[1:]
    if len(tokens) < (1 if single else 2):
        return None
    if tokens[-1] in NOT_NAMES or tokens[-1].lower() in ROLE_WORDS or tokens[-1] in ORGANISATION_WORDS:
        return None
    if any(t in ORGANISATION_WORDS for t in tokens):
        return None
    return " ".join(tokens)


def _person_position(text: str, start: int) -> bool:
    """People are not "the X", "of X" or "for X": those name institutions and places."""
    return not re.search(
        r"\b(the|a|an|of|for|at|in|from|to)\s+$", text[max(0, start - 6) : start], re.IGNORECASE
    )


def _standalone_words(passages: Sequence[Passage]) -> Counter[str]:
    """How often each capitalised word occurs: place names recur on their own."""
    counts: Counter[str] = Counter()
    for p in passages:
        counts.update(re.findall(r"\b[A-Z][a-zà-ÿ]+\b", p.text))
    return counts


def _trim_place(name: str | None, alone: Counter[str], *, keep: int = 2) -> str | None:
    """'Afghanistan Zamir Kabulov' -> 'Zamir Kabulov': a name whose first word recurs far more
    often on its own than the surname starts with a place or an organisation."""
    if name is None or name in ("he", "she"):
        return name
    tokens = name.split()
    if len(tokens) > keep and alone[tokens[0]] >= 3 * max(1, alone[tokens[-1]]):
        return " ".join(tokens[1:])
    return name


def _surname(name: str | None) -> str:
    return (name or "").split()[-1].lower().strip("’'") if name else ""


def _name_forms(passages: Sequence[Passage], alone: Counter[str]) -> dict[str, Counter[str]]:
    """Surname -> the full forms of the name the passages use, counted (one pass over them)."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for p in passages:
        for match in _NAME_RE.finditer(p.text):
            name = _trim_place(_clean_name(match.group(1)), alone)
            if name and _person_position(p.text, match.start()):
                forms[_surname(name)][name] += 1
    return forms


def _full_name(speaker: str, forms: dict[str, Counter[str]]) -> str:
    """The commonest full form of the name in the passages ("Kabulov" -> "Zamir Kabulov")."""
    if len(speaker.split()) > 1:
        return speaker
    known = forms.get(_surname(speaker))
    if not known:
        return speaker
    return max(known.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]


# ", the role of X," after a name; a stop after an initial or a short abbreviation ("U.S.",
# "J.", "St.") does not end it.
_ROLE_AFTER = re.compile(
    r",\s+((?:an?\s+|the\s+)?(?:[^,.;“\"]|(?<=\b[A-Z])\.|(?<=\b[A-Z][a-z])\.){3,120}?)"
    r"(?:,|(?<!\b[A-Z])(?<!\b[A-Z][a-z])\.|;|$)"
)


def _roles(passages: Sequence[Passage], alone: Counter[str]) -> dict[str, str]:
    """Surname -> the role the text gives, from "Name, the role of X," or "Role Name"."""
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for p in passages:
        for match in _NAME_RE.finditer(p.text):
            name = _trim_place(_clean_name(match.group(1)), alone)
            if name is None:
                continue
            after = _ROLE_AFTER.match(p.text[match.end() :])
            if after and set(re.findall(r"[a-z\-]+", after.group(1).lower())) & ROLE_WORDS:
                roles[_surname(name)][after.group(1).strip()] += 1
                continue
            lead = p.text[: match.start()].rstrip()
            before = re.search(r"((?:[\w’'.\-]+\s+){1,6})$", lead + " ")
            full = match.group(1)
            prefix = full[: max(0, full.find(name.split()[0]))].strip()
            phrase = (prefix or (before.group(1).strip() if before else "")).strip(", ")
            phrase = re.split(r"\band\b|,|\bwith\b", phrase)[-1].strip()
            phrase = re.sub(rf"^{SAYING}\s+", "", phrase)  # "joked the Russian journalist"
            if phrase and set(re.findall(r"[a-z\-]+", phrase.lower())) & ROLE_WORDS:
                roles[_surname(name)][phrase] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in roles.items()}


def _stems(text: str) -> str:
    return " ".join(words(text).stems)
