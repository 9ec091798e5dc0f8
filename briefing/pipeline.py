"""build_briefing(): the one place that knows the order of the stages, and writing the outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefing import (
    alignment,
    cleaning,
    corpus,
    discrepancies,
    export,
    findings,
    report,
    segmentation,
    themes,
)
from briefing.errors import BriefingError, OutputError
from briefing.files import write_atomic
from briefing.models import Briefing, Settings

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Outputs:
    """The files one build wrote."""

    pdf: Path
    html: Path
    json: Path


def build_briefing(folder: Path, *, settings: Settings, progress: Progress | None = None) -> Briefing:
    """Load, clean, split, align and select: everything but rendering."""
    say = progress or (lambda _message: None)
    loaded = corpus.load(folder)
    if settings.strict and loaded.warnings:
        raise BriefingError(f"{loaded.warnings[0]} (--strict stops at the first warning)")
    say(f"loaded {len(loaded.articles)} articles from {folder}")
    cleaned = tuple(cleaning.clean(article) for article in loaded.articles)
    passages = tuple(p for article in cleaned for p in segmentation.split(article))
    say(f"split into {len(passages)} passages")
    aligned = alignment.align(passages)
    say(f"aligned {len(aligned.clusters)} shared claims")
    outlets = len({a.outlet for a in loaded.articles})
    consensus, sections, unique = themes.select(
        aligned, loaded.manifest.themes, outlets=outlets, settings=settings
    )
    quotes = findings.find_quotes(aligned)
    people = findings.find_people(aligned, quotes)
    disagreements = discrepancies.find_discrepancies(aligned)
    warnings = list(loaded.warnings)
    if outlets < 2:
        warnings.append(f"{folder}: only one outlet, so nothing can be aligned across outlets")
    for section in sections:
        if not section.points and not section.unique:
            warnings.append(f"theme {section.id!r}: no passage matches its terms; add terms to it")
    return Briefing(
        title=loaded.manifest.title or f"Briefing: {folder.resolve().name}",
        description=loaded.manifest.description,
        built=settings.built,
        corpus=folder,
        articles=cleaned,
        alignment=aligned,
        consensus=consensus,
        themes=sections,
        unique=unique,
        quotes=quotes,
        people=people,
        discrepancies=disagreements,
        warnings=tuple(warnings),
        skipped=loaded.skipped,
    )


def prepare_output(out: Path) -> None:
    """Create the output folder, or say at once why it cannot be (before any work is done)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{out}: cannot create the output folder ({exc.strerror}); pass another --out"
        ) from None
    if not os.access(out, os.W_OK):
        raise OutputError(f"{out}: the output folder is not writable; pass another --out")


def write_outputs(
    briefing: Briefing,
    out: Path,
    *,
    paper: str = "a4",
    variant: str | None = None,
    progress: Progress | None = None,
) -> Outputs:
    """Render and write briefing.{html,json,pdf} into ``out``, each atomically."""
    say = progress or (lambda _message: None)
    prepare_output(out)
    document = (json.dumps(export.to_document(briefing), indent=2, ensure_ascii=False) + "\n").encode()
    html = report.render_html(briefing, paper=paper)
    say("rendering the PDF")
    pdf = report.render_pdf(html, briefing, variant=variant, attachment=document)
    outputs = Outputs(pdf=out / "briefing.pdf", html=out / "briefing.html", json=out / "briefing.json")
    write_atomic(outputs.json, document)
    write_atomic(outputs.html, html.encode())
    write_atomic(outputs.pdf, pdf)
    return outputs
