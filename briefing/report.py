"""Render a Briefing to HTML with Jinja2, then to PDF with WeasyPrint (imported lazily)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from briefing import __version__
from briefing.errors import BriefingError
from briefing.models import Briefing, Point
from briefing.text import STOPWORDS

TEMPLATE = "briefing.html.j2"
# How many of the most shared claims get a side-by-side view.
SIDE_BY_SIDE = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A run of article text as the report shows it: shared by N outlets, unique, or plain."""

    text: str
    anchor: str
    level: int  # how many outlets share it; 1 = this outlet alone


def templates_dir() -> Path:
    """The templates shipped in the wheel, or the checkout's top-level templates/ folder."""
    inside = Path(__file__).parent / "templates"
    if inside.is_dir():
        return inside
    return Path(__file__).parent.parent / "templates"


PAPERS = {"a4": "A4", "letter": "letter"}


def render_html(briefing: Briefing, *, paper: str = "a4") -> str:
    """The briefing as one HTML page (styles and fonts linked from templates/)."""
    if paper not in PAPERS:
        raise BriefingError(f"--paper {paper!r}: choose one of {', '.join(PAPERS)}")
    return _environment().get_template(TEMPLATE).render(**_context(briefing, PAPERS[paper]))


VARIANTS = ("pdf/a-3b", "pdf/ua-1")


def render_pdf(
    html: str, briefing: Briefing, *, variant: str | None = None, attachment: bytes | None = None
) -> bytes:
    """Lay out the HTML with WeasyPrint; only files under templates/ may be fetched.

    ``variant`` is None (a plain PDF), "pdf/a-3b" (archival: ``attachment``, the JSON, is
    embedded as briefing.json dated with the build date) or "pdf/ua-1" (tagged, accessible).
    """
    import weasyprint  # lazy: importing it costs most of a second

    if variant is not None and variant not in VARIANTS:
        raise BriefingError(f"--pdf-variant {variant!r}: choose one of {', '.join(VARIANTS)}")
    base = templates_dir()
    options: dict[str, Any] = {}
    if variant is not None:
        options["pdf_variant"] = variant
    if variant == "pdf/a-3b" and attachment is not None:
        moment = dt.datetime.combine(briefing.built, dt.time(), tzinfo=dt.UTC)
        options["attachments"] = [
            weasyprint.Attachment(
                string=attachment,
                name="briefing.json",
                description="The briefing as data (schema briefing/1)",
                created=moment,
                modified=moment,
                relationship="Data",
            )
        ]
    document = weasyprint.HTML(string=html, base_url=str(base) + "/", url_fetcher=_fetcher(base))
    with warnings.catch_warnings():
        # WeasyPrint 70 leaves its sRGB profile open when writing PDF/A; collect it here, where
        # its ResourceWarning is known and harmless, rather than at some later moment.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(finisher=_page_labels, **options)
        if variant is not None:
            gc.collect()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise BriefingError("WeasyPrint produced no PDF")
    return bytes(pdf)


def _page_labels(document: Any, pdf: Any) -> None:
    """Label pages 1, 2, … as the footers number them (WeasyPrint writes no /PageLabels)."""
    import pydyf

    pdf.catalog["PageLabels"] = pydyf.Dictionary(
        {"Nums": pydyf.Array([0, pydyf.Dictionary({"S": "/D", "St": 1})])}
    )


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
    outlets = sorted({c.article.outlet for c in briefing.articles})
    level: dict[str, int] = {}
    for cluster in briefing.alignment.clusters:
        for pid in cluster.passages:
            level[pid] = max(level.get(pid, 1), len(cluster.outlets))
    cited: dict[str, str] = {}  # passage -> the anchor of the first point citing it
    for n, point in enumerate(_all_points(briefing)):
        for pid in point.passages:
            cited.setdefault(pid, f"#pt-{n}")

    def citations(point: Point) -> list[dict[str, str]]:
        return [
            {"outlet": passages[pid].outlet, "anchor": anchor(pid)}
            for pid in sorted(point.passages, key=lambda p: (passages[p].outlet, p))
        ]

    order = {id(p): f"pt-{n}" for n, p in enumerate(_all_points(briefing))}
    articles = []
    for clean in briefing.articles:
        by_paragraph: dict[int, list[Segment]] = {}
        shared_chars = total_chars = 0
        for p in briefing.alignment.passages:
            if p.doc != clean.article.id:
                continue
            segment = Segment(text=p.text, anchor=anchor(p.id), level=level.get(p.id, 1))
            by_paragraph.setdefault(p.paragraph, []).append(segment)
            total_chars += len(p.text)
            shared_chars += len(p.text) if segment.level > 1 else 0
        articles.append(
            {
                "article": clean.article,
                "paragraphs": [by_paragraph[k] for k in sorted(by_paragraph)],
                "removed": len(clean.removed),
                "shared": round(100 * shared_chars / total_chars) if total_chars else 0,
            }
        )
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
    return {
        "b": briefing,
        "version": __version__,
        "paper": paper,
        "coverage": coverage,
        "outlets": outlets,
        "articles": articles,
        "citations": citations,
        "side_by_side": _side_by_side(briefing),
        "passage_outlet": lambda pid: passages[pid].outlet,
        "point_anchor": lambda point: order[id(point)],
        "cited": {anchor(pid): target for pid, target in cited.items()},
        "levels": list(range(2, len(outlets) + 1)),
    }


def initials(outlet: str) -> str:
    """A short label for an outlet in the coverage chart: "The Washington Post" -> "TWP"."""
    letters = "".join(w[0] for w in outlet.split() if w[:1].isalnum())
    return (letters if len(letters) >= 2 else outlet[:3]).upper()[:4]


def _side_by_side(briefing: Briefing, limit: int = SIDE_BY_SIDE) -> list[dict[str, Any]]:
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
            rows.append({"outlet": passage.outlet, "anchor": anchor(pid), "segments": segments})
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


def _fetcher(base: Path) -> Any:
    """A WeasyPrint URL fetcher that serves files under ``base`` and refuses everything else."""
    import weasyprint

    root = base.resolve()

    class TemplatesOnly(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            logging.getLogger("briefing").debug("refused to fetch %s", url)
            raise ValueError(f"briefing fetches nothing but its own templates: {url}")

    return TemplatesOnly(allowed_protocols=("file",))
