"""Render a Briefing to HTML with Jinja2, then to PDF (layout.py and press.py run WeasyPrint)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from briefing import __version__
from briefing.errors import BriefingError
from briefing.models import Article, Briefing, Event, Passage, Person, Point, Quote
from briefing.render import layout
from briefing.render.layout import templates_dir
from briefing.render.press import Press, render_here
from briefing.text import STOPWORDS
from briefing.timings import Clock

TEMPLATE = "briefing.html.j2"
# How many of the most shared claims get a side-by-side view.
SIDE_BY_SIDE = 5
# The most of one article that "The articles" prints, in characters of its passages; the rest
# is in briefing.json and a notice says so where the print stops. The longest of the 135
# articles in ../shared/stories has 11,344 characters and a long feature about 20,000, so real
# articles print whole. WeasyPrint lays out article text at about 30,000 characters a second
# (bench/long_file.py: a one-line article of 0.1 / 0.3 / 1 MB took 5 / 11 / 36 s to render, and
# a 5 MB one did not finish in 5 minutes), so this keeps any article to about a second of layout.
ARTICLE_PRINT_CHARS = 40_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A run of article text as the report shows it: shared by N outlets, unique, or plain."""

    text: str
    anchor: str
    level: int  # how many outlets share it; 1 = this outlet alone
    copied: bool = False  # a reprint's copy of its original's passage: not its own, not aligned


@dataclass(frozen=True, slots=True, kw_only=True)
class Extent:
    """How much of one article the PDF prints: its first passages, up to ARTICLE_PRINT_CHARS."""

    shown: Mapping[str, str]  # passage id -> the text printed of it (whole but for a giant first one)
    notice: str | None  # said where the print stops; None when the article prints whole


PAPERS = {"a4": "A4", "letter": "letter"}


def render_html(briefing: Briefing, *, paper: str = "a4") -> str:
    """The briefing as one HTML page (styles and fonts linked from templates/)."""
    if paper not in PAPERS:
        raise BriefingError(f"--paper {paper!r}: choose one of {', '.join(PAPERS)}")
    return _environment().get_template(TEMPLATE).render(**_context(briefing, PAPERS[paper]))


VARIANTS = layout.VARIANTS


def render_pdf(
    html: str,
    briefing: Briefing,
    *,
    variant: str | None = None,
    attachment: bytes | None = None,
    press: Press | None = None,
    clock: Clock | None = None,
) -> bytes:
    """Lay out the HTML with WeasyPrint; only files under templates/ may be fetched.

    ``variant`` is None (a plain PDF), "pdf/a-3b" (archival: ``attachment``, the JSON, is
    embedded as briefing.json dated with the build date) or "pdf/ua-1" (tagged, accessible).
    With a ``press`` its workers lay it out (in two processes when that pays, see press.py);
    without, this process does. ``clock`` collects where the time went.
    """
    if variant is not None and variant not in VARIANTS:
        raise BriefingError(f"--pdf-variant {variant!r}: choose one of {', '.join(VARIANTS)}")
    job = layout.Job(html=html, built=briefing.built, variant=variant, attachment=attachment)
    if press is None:
        return render_here(job, clock=clock)
    return press.render(job, clock=clock).pdf


def anchor(passage_id: str) -> str:
    """An HTML id for a passage id such as ``associated-press#12``."""
    return "p-" + passage_id.replace("#", "-")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["anchor"] = anchor
    env.filters["initials"] = initials
    return env


def _context(briefing: Briefing, paper: str) -> dict[str, Any]:
    passages = {p.id: p for p in briefing.alignment.passages}
    # The outlets counted as sources (reprints excluded); a Briefing built without them (by
    # hand, in a test) counts every article's outlet.
    outlets = list(briefing.outlets) or sorted({c.article.outlet for c in briefing.articles})
    copied = {pid for r in briefing.reprints for pid in r.passages}
    headings = {c.article.id: _heading(c.article) for c in briefing.articles}
    reprint_of = {r.doc: headings[r.of] for r in briefing.reprints}
    level: dict[str, int] = {}
    for cluster in briefing.alignment.clusters:
        for pid in cluster.passages:
            level[pid] = max(level.get(pid, 1), len(cluster.outlets))
    cited: dict[str, str] = {}  # passage -> the anchor of the first point citing it
    for n, point in enumerate(_all_points(briefing)):
        for pid in point.passages:
            cited.setdefault(pid, f"#pt-{n}")
    by_doc: dict[str, list[Passage]] = {}
    for p in briefing.alignment.passages:
        by_doc.setdefault(p.doc, []).append(p)
    extents = {
        c.article.id: extent(by_doc.get(c.article.id, ()), len(c.article.text)) for c in briefing.articles
    }

    def target(pid: str) -> str:
        """Where a citation of ``pid`` links: the passage, or the notice where its article's print stops."""
        doc = passages[pid].doc
        return anchor(pid) if doc not in extents or pid in extents[doc].shown else more_anchor(doc)

    def citations(point: Point | Quote | Event) -> list[dict[str, str]]:
        """Each passage of the point (quote, timeline event), by outlet; an outlet's second passage
        and later ones carry their number ("Associated Press (2)"), so that an outlet stating a
        claim twice is named once."""
        cited: list[dict[str, str]] = []
        seen: dict[str, int] = {}
        for pid in sorted(point.passages, key=lambda p: (passages[p].outlet, p)):
            outlet = passages[pid].outlet
            seen[outlet] = seen.get(outlet, 0) + 1
            repeat = str(seen[outlet]) if seen[outlet] > 1 else ""
            cited.append({"outlet": outlet, "anchor": target(pid), "repeat": repeat})
        return cited

    order = {id(p): f"pt-{n}" for n, p in enumerate(_all_points(briefing))}
    articles = []
    for clean in briefing.articles:
        by_paragraph: dict[int, list[Segment]] = {}
        shared_chars = total_chars = copied_chars = 0
        printed = extents[clean.article.id]
        for p in by_doc.get(clean.article.id, ()):
            segment = Segment(
                text=printed.shown.get(p.id, ""),
                anchor=anchor(p.id),
                level=level.get(p.id, 1),
                copied=p.id in copied,
            )
            if p.id in printed.shown:
                by_paragraph.setdefault(p.paragraph, []).append(segment)
            total_chars += len(p.text)
            # A copy is no more this article's own than a shared claim: not "unique".
            shared_chars += len(p.text) if segment.level > 1 or segment.copied else 0
            copied_chars += len(p.text) if segment.copied else 0
        articles.append(
            {
                "article": clean.article,
                "paragraphs": [by_paragraph[k] for k in sorted(by_paragraph)],
                "removed": len(clean.removed),
                "shared": round(100 * shared_chars / total_chars) if total_chars else 0,
                "copied": round(100 * copied_chars / total_chars) if total_chars else 0,
                "reprint_of": reprint_of.get(clean.article.id),
                "truncated": printed.notice,
                "more": more_anchor(clean.article.id),
            }
        )
    quotes = [q for q in briefing.quotes if any(target(pid) == anchor(pid) for pid in q.passages)]
    people = _printed_people(briefing, extents)
    shared_with: dict[tuple[str, str], int] = {}
    for cluster in briefing.alignment.clusters:
        for a in cluster.outlets:
            for b in cluster.outlets:
                shared_with[(a, b)] = shared_with.get((a, b), 0) + 1
    most = max(shared_with.values(), default=1)
    coverage = [
        {
            "outlet": a,
            "cells": [
                {"outlet": b, "count": shared_with.get((a, b), 0), "shade": shared_with.get((a, b), 0) / most}
                for b in outlets
            ],
        }
        for a in outlets
    ]
    side_by_side = _side_by_side(briefing, target=target)
    return {
        "b": briefing,
        "version": __version__,
        "paper": paper,
        "coverage": coverage,
        "outlets": outlets,
        "articles": articles,
        "citations": citations,
        "target": target,
        # Quotes said in an article's text past its print limit are in briefing.json only.
        "quotes": quotes,
        "quotes_left_out": len(briefing.quotes) - len(quotes),
        "people": people,
        "people_left_out": len(briefing.people) - len(people),
        "side_by_side": side_by_side,
        "contents": _contents(briefing, side_by_side=bool(side_by_side)),
        "point_anchor": lambda point: order[id(point)],
        "cited": {anchor(pid): target for pid, target in cited.items()},
        "linked": _linked(briefing, quotes=quotes, side_by_side=side_by_side, target=target),
        "levels": list(range(2, len(outlets) + 1)),
        "aligned": len(briefing.alignment.passages) - len(copied),
    }


def _contents(briefing: Briefing, *, side_by_side: bool) -> list[dict[str, str]]:
    """The contents' entries, in the order of the sections: anchor and title."""
    entries = [{"anchor": f"theme-{t.id}", "title": t.title} for t in briefing.themes]
    optional = (
        (side_by_side, "side-by-side", "Side by side"),
        (bool(briefing.quotes), "quotes", "Quotes"),
        (bool(briefing.discrepancies), "discrepancies", "Discrepancies"),
        (bool(briefing.unique), "unique", "What only one outlet reports"),
        (bool(briefing.people), "people", "People"),
    )
    entries += [{"anchor": key, "title": title} for shown, key, title in optional if shown]
    return [*entries, {"anchor": "articles", "title": "The articles"}]


def _linked(
    briefing: Briefing,
    *,
    quotes: Sequence[Any],
    side_by_side: Sequence[dict[str, Any]],
    target: Callable[[str], str],
) -> set[str]:
    """The anchors of the passages something in the briefing links to: only those need an id in
    "The articles" (an id makes WeasyPrint keep an inline box and a named destination for it)."""
    pids = [pid for point in (*briefing.overview.sentences, *_all_points(briefing)) for pid in point.passages]
    pids += [pid for event in briefing.timeline.events for pid in event.passages]
    pids += [pid for quote in quotes for pid in quote.passages]
    pids += [statement.passage for d in briefing.discrepancies for statement in d.statements]
    pids += [point.similar.passage for point in _all_points(briefing) if point.similar is not None]
    return {target(pid) for pid in pids} | {row["anchor"] for view in side_by_side for row in view["rows"]}


def extent(passages: Sequence[Passage], length: int, *, limit: int = ARTICLE_PRINT_CHARS) -> Extent:
    """What the PDF prints of an article of ``length`` characters: its passages, in order, while
    they fit in ``limit`` characters; a first passage longer than that prints its head."""
    shown: dict[str, str] = {}
    used = 0
    for p in passages:
        if used + len(p.text) > limit:
            break
        shown[p.id] = p.text
        used += len(p.text)
    else:
        return Extent(shown=shown, notice=None)
    stop = p.start
    if not shown:
        # Text with no sentence end to split at: print up to the last space within the limit.
        head = p.text[:limit]
        head = head[: head.rfind(" ")].rstrip() if " " in head.strip() else head
        shown[p.id] = head
        stop = p.start + len(head)
    rest = len(passages) - len(shown)
    notice = f"… article truncated here: {length - stop:,} more characters"
    if rest:
        notice += f" ({rest:,} more passage{'s' if rest > 1 else ''})"
    return Extent(shown=shown, notice=notice + " in briefing.json")


def _printed_people(briefing: Briefing, extents: Mapping[str, Extent]) -> list[Person]:
    """The people the PDF lists: those an article printed whole names, or whose surname is in the
    printed part of a cut one (the rest are named only past the print limit)."""
    cut = [c for c in briefing.articles if extents[c.article.id].notice is not None]
    if not cut:
        return list(briefing.people)
    whole = {c.article.outlet for c in briefing.articles} - {c.article.outlet for c in cut}
    printed = "\n".join(text for c in cut for text in extents[c.article.id].shown.values())
    return [
        p for p in briefing.people if whole.intersection(p.outlets) or (p.name.split() or [""])[-1] in printed
    ]


def more_anchor(doc: str) -> str:
    """The HTML id of the notice where an article's print stops."""
    return f"more-{doc}"


def initials(outlet: str) -> str:
    """A short label for an outlet in the coverage chart: "The Washington Post" -> "TWP"."""
    letters = "".join(w[0] for w in outlet.split() if w[:1].isalnum())
    if len(letters) >= 2:
        return letters.upper()[:4]
    # One word: short ones whole, so "doc1" and "doc2" stay apart ("DOC" named both).
    word = "".join(ch for ch in outlet if ch.isalnum())
    return (word if len(word) <= 5 else word[:3]).upper()


def _side_by_side(
    briefing: Briefing, *, target: Callable[[str], str] = anchor, limit: int = SIDE_BY_SIDE
) -> list[dict[str, Any]]:
    """The most shared claims, each outlet's wording with the words the others share marked."""
    passages = {p.id: p for p in briefing.alignment.passages}
    top = sorted(briefing.alignment.clusters, key=lambda c: (-len(c.outlets), -c.score, c.id))[:limit]
    views = []
    for cluster in top:
        rows = []
        seen: set[str] = set()
        for pid in cluster.passages:
            passage = passages[pid]
            if passage.outlet in seen:
                continue
            seen.add(passage.outlet)
            others = {
                key
                for other in cluster.passages
                if passages[other].outlet != passage.outlet
                for key in map(_word_key, passages[other].text.split())
            }
            segments = [
                {
                    "text": token,
                    "shared": bool(key := _word_key(token)) and key in others and key not in STOPWORDS,
                }
                for token in re.split(r"(\s+)", passage.text)
                if token
            ]
            rows.append({"outlet": passage.outlet, "anchor": target(pid), "segments": segments})
        views.append({"cluster": cluster.id, "outlets": len(cluster.outlets), "rows": rows})
    return views


def _word_key(token: str) -> str:
    return re.sub(r"[\W_]+", "", token.lower())


def _all_points(briefing: Briefing) -> list[Point]:
    found = list(briefing.consensus)
    for section in briefing.themes:
        found.extend(section.points)
        found.extend(section.unique)
    found.extend(briefing.unique)
    return found


# The URL fetcher and the templates folder live with the rest of the WeasyPrint code.
_fetcher = layout.fetcher


def _heading(article: Article) -> str:
    """ "Outlet: title", or the outlet alone when the article has no title of its own."""
    if article.title and article.title != article.outlet:
        return f"{article.outlet}: {article.title}"
    return article.outlet
