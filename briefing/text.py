"""Word-level views of a passage shared by alignment and theme scoring: stems, numbers, names, quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

# The usual English function words, plus reporting verbs that every news sentence carries.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    even few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just let me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up upon very was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t don didn doesn isn wasn weren won wouldn
    mr mrs ms said says say saying told tell according added adding noted noting""".split()
)
_WORD = re.compile(r"[^\W_]+(?:[’'.\-][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?(?:\s*(?:million|billion|thousand|percent|%))?")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,300})[\"”]")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_STEMMER = snowballstemmer.stemmer("english")
# Month names and their news-style abbreviations ("Sept."), lower case, to their number.
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    """A passage seen as words: content stems in order, and its anchors."""

    stems: tuple[str, ...]  # content words, stemmed, in reading order
    names: frozenset[str]  # stems of capitalised words that are not sentence-initial
    numbers: frozenset[float]  # numeric values, digits and number words alike
    quoted: tuple[str, ...]  # stems of the words inside quotation marks
    plain: str  # every word lower-cased, in order, without punctuation


@lru_cache(maxsize=1 << 20)
def words(text: str) -> Words:
    """Read a passage's content words, names, numbers and quoted words (cached: alignment,
    themes and findings all read the same passages)."""
    stems: list[str] = []
    plain: list[str] = []
    names: set[str] = set()
    sentence_start = True
    for raw in _WORD.findall(text):
        token, stem_ = _analyse(raw)
        plain.append(token)
        if stem_ is not None:
            stems.append(stem_)
            if raw[0].isupper() and not sentence_start:
                names.add(stem_)
        sentence_start = raw.endswith(".") and len(raw) > 3
    quoted = tuple(
        stem(t)
        for q in _QUOTED.findall(text)
        for t in (normalise_token(m.group()) for m in _WORD.finditer(q))
        if t and t not in STOPWORDS
    )
    return Words(
        stems=tuple(stems),
        names=frozenset(names),
        numbers=numbers(text),
        quoted=quoted,
        plain=" ".join(plain),
    )


def stems(text: str) -> tuple[str, ...]:
    """``words(text).stems`` alone, without the rest (numbers, quotes) nor a cache entry: for
    the many short snippets read once (the words around each figure)."""
    return tuple(s for s in (_analyse(raw)[1] for raw in _WORD.findall(text)) if s is not None)


@lru_cache(maxsize=1 << 18)
def _analyse(raw: str) -> tuple[str, str | None]:
    """A word as written -> (normalised token, its stem or None for a stopword or a figure);
    cached, as news text repeats its words."""
    token = normalise_token(raw)
    if token and token not in STOPWORDS and not token.isdigit():
        return token, stem(token)
    return token, None


def normalise_token(raw: str) -> str:
    """Lower-case a word, unify apostrophes and drop a possessive ending."""
    token = raw.lower().replace("’", "'").strip(".'-")
    if token.endswith("'s"):
        token = token[:-2]
    return token.replace(".", "")  # U.S. -> us, U.N. -> un


@cache
def stem(token: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word (cached: one string object per stem,
    which also keeps every passage's stems from holding copies of their own)."""
    return str(_STEMMER.stemWord(token))


def numbers(text: str) -> frozenset[float]:
    """The numeric values a passage states: "2,500", "$2.5 million", "fifteen thousand", "1979"."""
    values: set[float] = set()
    for match in _NUMBER.finditer(text):
        token = match.group().lstrip("$").replace(",", "")
        parts = token.split()
        try:
            value = float(parts[0].rstrip("%"))
        except ValueError:
            continue
        if len(parts) > 1 and parts[1] in _SCALES:
            value *= _SCALES[parts[1]]
        values.add(value)
    values.update(_number_words(text))
    return frozenset(values)


def _number_words(text: str) -> set[float]:
    """Spelled-out numbers, "fifteen thousand" as 15000; "one" alone is too common to count."""
    found: set[float] = set()
    current, total, length = 0.0, 0.0, 0
    for token in [*re.findall(r"[a-z]+", text.lower()), ""]:
        if token in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[token])
            current = current * value if value == 100 and current else current + value
            length += 1
        elif token in _SCALES and (current or total):
            total += (current or 1) * _SCALES[token]
            current, length = 0.0, length + 1
        else:
            value = total + current
            if value and (value > 1 or length > 1):
                found.add(value)
            current, total, length = 0.0, 0.0, 0
    return found


# A dateline opening a wire story's first sentence: "MOSCOW — ", "NEW YORK (AP) — ",
# "WASHINGTON, D.C. -- ", "MONDAY, Jan. 25, 2016 (HealthDay News) -- ": a place or a day in
# capitals (a date may follow), perhaps the outlet in parentheses, a dash; the outlet alone in
# parentheses ("(Reuters Health) - "); or, as the Bay Area News Group's pages print it, a place in
# any case and ">>" ("Oroville >> Now is").
_DATELINE_LEAD = re.compile(
    r"^(?:[A-Z][A-Z.’]+(?:[ ,]+[A-Z0-9][\w.’]*){0,6}\s*(?:\([^()\n]{1,30}\)\s*)?(?:--?|[–—])"
    r"|\([A-Z][^()\n]{1,30}\)\s*(?:--?|[–—])"
    r"|[A-Z][\w.’]*(?:[ ,]+[A-Z][\w.’]*){0,4}\s*>>)"
    r'\s+(?=[A-Z0-9"“‘])'
)


def without_dateline(sentence: str) -> str:
    """The sentence without a leading dateline, for quoting it on its own."""
    return _DATELINE_LEAD.sub("", sentence, count=1)


# A sentence that needs the one before it: a pronoun or a conjunction first (perhaps inside an
# opening quotation mark: '“But we …'), or a start in lower case (a clause cut from a sentence).
_REFERS_BACK = re.compile(
    r"^[“\"‘']?(he|she|it|its|they|their|this|that|these|those|and|but|so|or|also|then)\b", re.IGNORECASE
)
# ... or once a short opening phrase is said: "For the country, it could be four years."
_REFERS_BACK_AFTER = re.compile(r"^[“\"‘']?[^\W\d][^,;:“”\"]{0,40},\s+(he|she|it|they|these|those)\b")


# Speech with no speaker: a sentence in the first person outside any quotation mark is a line of
# a quotation that runs over several sentences ("I would like to thank my staff ..."), and one
# that is all quotation says nothing of who said it.
# Capitalised as a sentence opens it: "US officials said" is the country, not "us"; "I. M. Pei" an
# initial. Contractions ("We’ve got all the latest developments ...", a site's teaser) are left
# out: marking them cost the lead of mn-079 a third of its ROUGE-2 (bench/rouge.py 1.26 -> 1.24).
_FIRST_PERSON = re.compile(r"^(?:I|We|My|Our|Us)\b(?![.’'-])")
_QUOTATION = re.compile(r"“[^“”]*”?|\"[^\"]*\"?")
# A clause cut where a sentence goes on: it ends on a comma, a semicolon, a colon or a dash.
_OPEN_END = re.compile(r"(?:[,;:–—]|\s-)\s*$")


def leans(sentence: str) -> bool:
    """Whether a sentence leans on what came before it: it refers back, opens mid-sentence,
    closes a quotation it never opened ('In the 1990s when …,” said Lukyanov' is the end of one),
    or is speech that does not say who speaks (a first-person line outside quotation marks, or
    nothing but a quotation)."""
    text = sentence.lstrip()
    if _REFERS_BACK.match(text) or _REFERS_BACK_AFTER.match(text) or text[:1].islower() or fragment(text):
        return True
    return bool(_FIRST_PERSON.match(text)) or unattributed(text)


def unattributed(sentence: str) -> bool:
    """Whether a sentence is nothing but a quotation: no word outside its quotation marks."""
    text = sentence.strip()
    if not text or text[0] not in '“"':
        return False
    return not re.search(r"[^\W_]", _QUOTATION.sub(" ", text))


def fragment(sentence: str) -> bool:
    """Whether a passage is no sentence a reader can take alone: a clause cut from the middle of
    one (it opens in lower case or ends on a comma, colon or dash), or the tail of a quotation
    whose opening mark lies in another passage ('You know, this … show," Plouffe told CNN')."""
    text = without_dateline(sentence.strip())
    if not text or text[:1].islower() or _OPEN_END.search(text):
        return True
    if text.count("”") > text.count("“"):
        return True
    # Straight marks do not say which way they face: an odd one closes a quotation when it
    # follows a word or a stop and no word ('show," Plouffe told'); one that opens a quotation
    # may stay open, as a paragraph of a quotation that runs on to the next does.
    first = text.find('"')
    return text.count('"') % 2 == 1 and first > 0 and not text[first + 1 : first + 2].isalnum()
