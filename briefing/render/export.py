"""The briefing as a JSON document (schema "briefing/1"), the contract other tools consume."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from briefing import __version__
from briefing.models import Briefing, Match, Point

SCHEMA_ID = "briefing/1"


def to_document(briefing: Briefing) -> dict[str, Any]:
    """Everything the PDF shows, with offsets into the source files."""
    reprint_of = {r.doc: r.of for r in briefing.reprints}
    return {
        "schema": SCHEMA_ID,
        "generator": f"briefing {__version__}",
        "title": briefing.title,
        "description": briefing.description,
        "built": briefing.built.isoformat(),
        "matching": briefing.matching,  # by words, or by sentence vectors too (the semantic route)
        "documents": [
            {
                "id": c.article.id,
                "path": c.article.path,
                "outlet": c.article.outlet,
                "title": c.article.title,
                "published": c.article.published.isoformat() if c.article.published else None,
                "author": c.article.author,
                "url": c.article.url,
                "sha256": c.article.sha256,
                "reprint_of": reprint_of.get(c.article.id),
                # The whole text, which offsets index: the PDF prints at most the first
                # report.ARTICLE_PRINT_CHARS of an article and points here for the rest.
                "text": c.article.text,
                # "html": a saved web page, whose text is the article extracted from it.
                "format": c.article.format,
            }
            for c in briefing.articles
        ],
        "passages": [
            {
                "id": p.id,
                "doc": p.doc,
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "nearest": _match(briefing.alignment.nearest.get(p.id)),
            }
            for p in briefing.alignment.passages
        ],
        "clusters": [
            {
                "id": c.id,
                "passages": list(c.passages),
                "outlets": list(c.outlets),
                "score": c.score,
                "links": [
                    {"a": link.a, "b": link.b, "score": link.score, "shared": list(link.shared)}
                    for link in c.links
                ],
            }
            for c in briefing.alignment.clusters
        ],
        "overview": {
            "sentences": [_point(p) for p in briefing.overview.sentences],
            "people": list(briefing.overview.people),
            "places": list(briefing.overview.places),
            "dates": list(briefing.overview.dates),
        },
        "timeline": {
            "shown": briefing.timeline.shown,
            "events": [
                {
                    "date": e.date.isoformat(),
                    "precision": e.precision,
                    "text": e.text,
                    "passage": e.passage,
                    "passages": list(e.passages),
                    "outlets": list(e.outlets),
                    "written": e.written,
                    "resolved_from": e.resolved_from,
                }
                for e in briefing.timeline.events
            ],
        },
        "consensus": [_point(p) for p in briefing.consensus],
        "themes": [
            {
                "id": t.id,
                "title": t.title,
                "question": t.question,
                "points": [_point(p) for p in t.points],
                "unique": [_unique_point(p) for p in t.unique],
            }
            for t in briefing.themes
        ],
        "unique": [_unique_point(p) for p in briefing.unique],
        "quotes": [
            {
                "speaker": q.speaker,
                "role": q.role,
                "text": q.text,
                "passages": list(q.passages),
                "outlets": list(q.outlets),
                "credited_also": list(q.credited_also),
            }
            for q in briefing.quotes
        ],
        "discrepancies": [
            {
                "kind": d.kind,
                "about": d.about,
                "score": d.score,
                "statements": [
                    {"passage": st.passage, "outlet": st.outlet, "text": st.text, "figures": list(st.figures)}
                    for st in d.statements
                ],
            }
            for d in briefing.discrepancies
        ],
        "people": [
            {
                "name": p.name,
                "role": p.role,
                "outlets": list(p.outlets),
                "quoted_by": list(p.quoted_by),
                "mentions": p.mentions,
                "quotes": p.quotes,
            }
            for p in briefing.people
        ],
        "reprints": [
            {"doc": r.doc, "of": r.of, "share": r.share, "passages": list(r.passages)}
            for r in briefing.reprints
        ],
        "removed": [
            {"doc": r.doc, "start": r.start, "end": r.end, "reason": r.reason}
            for c in briefing.articles
            for r in c.removed
        ],
        "warnings": list(briefing.warnings),
    }


def schema() -> dict[str, Any]:
    """The JSON Schema of the document, shipped inside the package."""
    text = files("briefing").joinpath("schema", "briefing-1.schema.json").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def _point(point: Point) -> dict[str, Any]:
    return {
        "text": point.text,
        "passage": point.passage,
        "passages": list(point.passages),
        "outlets": list(point.outlets),
        "cluster": point.cluster,
    }


def _unique_point(point: Point) -> dict[str, Any]:
    """A point of a "what only one outlet reports" list, with its closest other-outlet passage."""
    similar = point.similar
    return {
        **_point(point),
        "similar": None
        if similar is None
        else {"passage": similar.passage, "outlet": similar.outlet, "score": similar.score},
    }


def _match(match: Match | None) -> dict[str, Any] | None:
    return None if match is None else {"passage": match.passage, "score": match.score}
