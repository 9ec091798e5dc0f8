"""Who is who: the people the story names (from the NLP pass's PERSON entities), merged across
the forms the text uses ("Pelosi", "Ms. Pelosi", "Nancy Pelosi"), with roles and outlets."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from nicknames import NickNamer
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from briefing.models import Article, Cast, Person, Quote, Reading
from briefing.text import STOPWORDS

# Titles and honorifics written before a name; they are the role, not the name.
TITLES = frozenset(
    """mr mrs ms miss dr prof sen sens rep reps gov gen lt col capt sgt maj adm cmdr rev hon pres
    president vice senator representative governor mayor judge justice chief secretary minister
    speaker chairman chairwoman commissioner officer detective sheriff attorney general sir dame
    lord lady king queen prince princess pope father sister brother saint st former late
    congressman congresswoman councilman councilwoman assemblyman assemblywoman leader""".split()
)
# Honorifics alone say nothing of a person's role ("Mr. Magee" is no role; "Dr." is).
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "sir", "dame"})
# A name ends before these; "Jr." and numerals stay with the name but are not its surname.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Not a person's name even when the tagger says so: a word in this set or a digit in it.
_NOT_NAME = re.compile(r"[\d@#/\\|<>=_\"“”«»]|https?:|\.com\b")
# Cut an entity at a dash, comma or line break: "Barack Obama — former Secretary of State".
_CUT = re.compile(r"\s*(?:[—–,;:(\n]|\s-\s).*$", re.DOTALL)
# A one-word name (no full form in the story) is indexed when the person is quoted, has a title,
# or is named this often: on the ten annotated stories the one-word entries named in passing
# were mostly not people ("Twitter", "Oscar"); bench/quotes.py precision 95.1 % -> see README.
SINGLE_NAME_MENTIONS = 3
# A word the tagger took for a one-word name is a thing ("on Twitter", "his Twitter account",
# "Weiner's Twitter") when most of its mentions follow one of these words or a possessive: the
# bare name of a person rarely does ("Weiner said", "Mr. Weiner", "told Weiner").
_THING_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|our|my|your|on|via)|[’']s)\s+$", re.IGNORECASE
)
# First names spelt alike (rapidfuzz ratio): "Sergey"/"Sergei" 83, "Jeffrey"/"Jeffery" 86; two
# people of one family rarely come so close ("Jesse"/"Jessie" 91 would merge: rare in news).
FIRST_NAME_RATIO = 80
# A name with more tokens than this is a run of names or a title.
MAX_NAME_TOKENS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class _Mention:
    form: str  # the name as written, without title or possessive
    doc: str
    outlet: str


def identify(readings: Sequence[Reading], articles: Sequence[Article]) -> Cast:
    """The story's people: every PERSON entity, merged by surname and first name."""
    outlet_of = {a.id: a.outlet for a in articles}
    author_of = {a.id: (a.author or "").lower() for a in articles}
    texts = {a.id: a.text for a in articles}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    mentions: list[_Mention] = []
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    thing_like: Counter[str] = Counter()
    for reading in readings:
        text = texts[reading.doc]
        for ent in reading.entities:
            form = name_form(ent.text)
            if form is None:
                continue
            if form.lower() in author_of[reading.doc]:
                continue  # the article's own byline ("by Ivan Klyszcz") is not someone it names
            labels[form][ent.label] += 1
            if ent.label == "PERSON":
                mentions.append(_Mention(form=form, doc=reading.doc, outlet=outlet_of[reading.doc]))
                if " " not in form and _THING_BEFORE.search(text[max(0, ent.start - 12) : ent.start]):
                    thing_like[form] += 1
                # The title may sit inside the entity ("Lady Nora Vance" of "First Lady Nora
                # Vance"): read it before the name proper.
                inner = ent.text.find(form.split()[0])
                title = title_before(text, ent.start + max(0, inner))
                if title and not set(title.lower().replace(".", "").split()) <= HONORIFICS:
                    titles[form][title] += 1
    # A form the tagger calls an organisation or a place more often than a person is not one.
    people_forms = [m for m in mentions if labels[m.form]["PERSON"] * 2 > sum(labels[m.form].values())]
    canonical = _merge(Counter(m.form for m in people_forms))
    # A one-word name standing for no fuller one, mostly used as a thing is not a person.
    said = Counter(m.form for m in people_forms)
    canonical = {
        form: name
        for form, name in canonical.items()
        if not (name == form and " " not in form and thing_like[form] * 2 > said[form])
    }
    outlets: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for m in people_forms:
        name = canonical.get(m.form)
        if name:
            outlets[name].add(m.outlet)
            counts[name] += 1
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for form, found in titles.items():
        if form in canonical:
            roles[canonical[form]].update(found)
    return Cast(
        forms=dict(sorted(canonical.items())),
        outlets={name: tuple(sorted(found)) for name, found in sorted(outlets.items())},
        mentions=dict(sorted(counts.items())),
        roles={name: found.most_common(1)[0][0] for name, found in sorted(roles.items())},
    )


def index(cast: Cast, quotes: Sequence[Quote]) -> tuple[Person, ...]:
    """The people index: the people a story is about first (most outlets, most mentions)."""
    quoted: dict[str, set[str]] = defaultdict(set)
    said: Counter[str] = Counter()
    quote_roles: dict[str, Counter[str]] = defaultdict(Counter)
    for q in quotes:
        said[q.speaker] += 1
        for credit in q.credits:
            if credit.speaker in cast.outlets:
                quoted[credit.speaker].add(credit.outlet)
        if q.speaker in cast.outlets and q.role:
            quote_roles[q.speaker][q.role] += 1
    people = []
    for name, outlets in cast.outlets.items():
        titled = bool(quote_roles[name]) or name in cast.roles  # even "Mr." says a person is meant
        given = [r for r, _ in quote_roles[name].most_common() if clean_role(r)]
        role = clean_role(given[0] if given else cast.roles.get(name))
        if (
            " " not in name
            and not quoted[name]
            and not titled
            and cast.mentions.get(name, 0) < SINGLE_NAME_MENTIONS
        ):
            continue  # "Twitter", "Oscar": one word the tagger took for a name, said in passing
        people.append(
            Person(
                name=name,
                role=role,
                outlets=tuple(sorted(set(outlets) | quoted[name])),
                quoted_by=tuple(sorted(quoted[name])),
                mentions=cast.mentions.get(name, 0),
                quotes=said[name],
            )
        )
    people.sort(key=lambda p: (-len(p.outlets), -len(p.quoted_by), -cast.mentions.get(p.name, 0), p.name))
    return tuple(people)


# A role longer than this is a clause the parse took in ("…, who said people at a recent public
# meeting were furious"), not a title or a job.
ROLE_MAX_WORDS = 8
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-Z])")
_NOT_ROLE = re.compile(
    r"^(?:\d+|(?:a|an|the) (?:statement|letter|release|post|tweet|video)\b.*|.*[’']s)$", re.I
)


def clean_role(raw: str | None) -> str | None:
    """A role as the text gives it, or None when it is none: a bare honorific ("Mr.", "Sens."),
    an age ("45"), a possessive ("Farenthold's"), a document ("a statement from …"), a clause,
    or words from the sentence before ("Muslims. But Mr." keeps only what follows the break)."""
    if not raw:
        return None
    role = _SENTENCE_BREAK.split(raw.strip())[-1].strip(" ,;:")
    tokens = role.split()
    while tokens and tokens[0].lower() in ("but", "and", "or", "so", "yet", "then"):
        tokens.pop(0)
    while tokens and tokens[-1].lower() in _PARTICLES:
        tokens.pop()  # "Mayor de" of "Mayor de Blasio"
    role = " ".join(tokens)
    plain = {t.lower().strip(".,") for t in tokens}
    if not role or len(tokens) > ROLE_MAX_WORDS or _NOT_ROLE.match(role):
        return None
    if plain <= HONORIFICS | {"sens", "reps", "messrs", "mmes"}:
        return None
    return role


def resolve(cast: Cast, raw: str) -> str | None:
    """The person a name as written refers to ("Ms. Pelosi" -> "Nancy Pelosi"), if the story has one."""
    form = name_form(raw)
    if form is None:
        return None
    if form in cast.forms:
        return cast.forms[form]
    key = surname(form)
    found = {name for f, name in cast.forms.items() if key in (surname(f), *surname(f).split("-"))}
    if len(found) != 1:
        return None
    name = found.pop()
    # A full name with another first name is another person of that surname ("Yuichi Sato" is
    # not the story's "Tsukasa Sato"); a title or an initial before the surname is no first name.
    first = form.split()[0].lower().strip(".")
    if len(form.split()) > 1 and len(first) > 1 and not _same_first_name(first, name.split()[0].lower()):
        return None
    return name


def name_form(raw: str) -> str | None:
    """A name as the text writes it, without titles, possessive or what follows a dash or comma;
    None when it cannot be a person's name."""
    text = _CUT.sub("", raw.strip())
    text = re.sub(r"[’']s$", "", text).strip(" .\"“”‘’'")
    tokens = text.split()
    while tokens and (tokens[0].lower().strip(".") in TITLES or tokens[0].lower() in STOPWORDS):
        tokens.pop(0)
    if not tokens or len(tokens) > MAX_NAME_TOKENS or _NOT_NAME.search(" ".join(tokens)):
        return None
    if not all(t[:1].isupper() or t.lower() in _PARTICLES for t in tokens):
        return None
    if tokens[-1].lower().strip(".") in TITLES:
        return None
    if len(tokens) > 1 and tokens[-1].lower().strip(".") in _INSTITUTIONS:
        return None
    if all(t.isupper() and len(t) > 3 for t in tokens):
        return None  # "LIVINGSTON, N.J. —": a dateline's place in capitals, not a name
    return " ".join(tokens)


# A "name" ending in one of these is an institution the tagger took for a person ("John Jay
# College", "Nezavisimaya Gazeta", "Fukushima Daiichi" is a plant: not listed, too rare).
_INSTITUTIONS = frozenset(
    """college university school institute center centre hospital church council committee party
    times post news gazette gazeta journal daily tribune herald company corp inc foundation
    association union agency department ministry court academy museum""".split()
)
_PARTICLES = frozenset({"de", "da", "van", "von", "der", "del", "la", "le", "bin", "al", "el", "du", "di"})


def surname(form: str) -> str:
    """The last word of a name that is not a suffix ("Eric H. Holder Jr." -> "holder")."""
    tokens = [t.lower().strip(".,") for t in form.split()]
    while len(tokens) > 1 and tokens[-1] in SUFFIXES:
        tokens.pop()
    return tokens[-1] if tokens else ""


def _merge(counts: Counter[str]) -> dict[str, str]:
    """Form -> the person's name: full forms grouped by first name and surname, the fullest form
    naming each; a surname or a first name alone joins the one person it can mean."""
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    firsts: dict[str, list[str]] = defaultdict(list)  # surname -> first names seen with it
    for form, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        tokens = form.split()
        if len(tokens) >= 2:
            first = tokens[0].lower()
            # A surname typed with two letters swapped ("Jazcko" / "Gregory Jaczko") is the
            # surname seen first, when the first name agrees.
            last = next(
                (k for f, k in groups if f == first and _swapped(k, surname(form))),
                surname(form),
            )
            # One first name spelt two ways ("Sergey" / "Sergei Lavrov", transliterations) or
            # a nickname ("Bob" / "Robert McCulloch"): the same person when the surname agrees.
            known = next((f for f in firsts[last] if _same_first_name(f, first)), None)
            if known is None:
                firsts[last].append(first)
            groups[(known or first, last)][form] += n
    names: dict[tuple[str, str], str] = {
        key: max(found.items(), key=lambda kv: (len(kv[0].split()), kv[1], kv[0]))[0]
        for key, found in groups.items()
    }
    # A name that is the start or the end of exactly one longer name is that person ("Seymour
    # Hoffman" of "Philip Seymour Hoffman", "Betty Lou" of "Betty Lou Motes").
    full = sorted(set(names.values()), key=lambda n: (-len(n.split()), n))
    for key, name in list(names.items()):
        tokens = name.split()
        longer = {
            other
            for other in full
            if len(other.split()) > len(tokens)
            and (other.split()[-len(tokens) :] == tokens or other.split()[: len(tokens)] == tokens)
        }
        if len(longer) == 1:
            names[key] = longer.pop()
    canonical: dict[str, str] = {}
    for key, found in groups.items():
        for form in found:
            canonical[form] = names[key]
    by_surname: dict[str, list[str]] = defaultdict(list)
    by_first: dict[str, list[str]] = defaultdict(list)
    for (first, last), name in names.items():
        by_surname[last].append(name)
        by_first[first].append(name)
    for form, n in counts.items():
        if form in canonical:
            continue
        options = by_surname.get(surname(form)) or by_first.get(form.lower()) or []
        if len(set(options)) == 1:
            canonical[form] = options[0]
        elif not options and n >= 2:
            canonical[form] = form  # a person named by one word only, more than once
    return canonical


def _same_first_name(a: str, b: str) -> bool:
    """One first name spelt two ways ("Sergey"/"Sergei"), or a name and its nickname in the
    curated English list of the ``nicknames`` package ("Bob"/"Robert", "Ron"/"Ronald")."""
    if fuzz.ratio(a, b) >= FIRST_NAME_RATIO:
        return True
    namer = _nicknamer()
    return b in namer.nicknames_of(a) or a in namer.nicknames_of(b)


def _swapped(a: str, b: str) -> bool:
    """Two words of five letters or more that differ by two neighbouring letters swapped."""
    return len(a) == len(b) >= 5 and a != b and sorted(a) == sorted(b) and OSA.distance(a, b) == 1


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


# A title run never crosses a line: a headline above ("… House Run") is not the role.
_TITLE_RUN = re.compile(r"((?:[A-Z][\w.’'&-]*[ \t]+){1,5})$")


def title_before(text: str, start: int) -> str | None:
    """Capitalised words before a name ending in a title ("Dallas Police Chief" Renee Hall)."""
    match = _TITLE_RUN.search(text[max(0, start - 80) : start])
    if not match:
        return None
    words = match.group(1).split()
    while words and words[0].lower() in STOPWORDS:
        words.pop(0)
    if not words or words[-1].lower().strip(".") not in TITLES:
        return None
    return " ".join(words)


def forms_of(cast: Cast, name: str) -> Iterable[str]:
    """Every written form that names ``name``."""
    return (form for form, person in cast.forms.items() if person == name)
