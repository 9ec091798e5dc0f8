"""build_briefing(): the one place that knows the order of the stages, and writing the outputs."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.align import alignment, anchors, reprints, semantic
from briefing.errors import BriefingError, OutputError
from briefing.files import write_atomic
from briefing.findings import (
    discrepancies,
    overview,
    people,
    quotes,
    suggestions,
    themes,
    timeline,
    uniqueness,
)
from briefing.models import (
    Alignment,
    Article,
    Briefing,
    CleanArticle,
    Manifest,
    Passage,
    Reading,
    Settings,
    ThemeSpec,
)
from briefing.read import cache, cleaning, corpus, nlp, segmentation
from briefing.render import export, report
from briefing.render.press import Press
from briefing.timings import Clock

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Outputs:
    """The files one build wrote."""

    pdf: Path
    html: Path
    json: Path


@dataclass(frozen=True, slots=True, kw_only=True)
class Read:
    """Articles cleaned, read by the NLP pass and split into passages."""

    articles: tuple[CleanArticle, ...]
    readings: tuple[Reading, ...]
    passages: tuple[Passage, ...]
    model: str


def read_articles(
    articles: Sequence[Article],
    *,
    model: str | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> Read:
    """Clean, read (spaCy, or the reading cache in ``cache_dir``) and split: the passages every
    later stage works on."""
    cleaned = tuple(cleaning.clean(article) for article in articles)
    if cache_dir is None:
        readings = nlp.read(cleaned, model=model)
    else:
        readings = cache.read(cleaned, model=model, folder=cache_dir, reader=nlp.read, progress=progress)
    passages = tuple(
        p
        for article, reading in zip(cleaned, readings, strict=True)
        for p in segmentation.split(article, reading)
    )
    return Read(
        articles=cleaned,
        readings=readings,
        passages=passages,
        model=readings[0].model if readings else "",
    )


def engine_session(settings: Settings, *, progress: Progress | None = None) -> AbstractContextManager[object]:
    """For --engine dask, one cluster session (a LocalCluster started and stopped, or a client of
    the scheduler) that every stage run inside uses; nothing for the local engine."""
    if settings.engine == "dask":
        from briefing.align import distributed

        return distributed.session(settings.scheduler, progress=progress)
    return nullcontext()


def _read(articles: Sequence[Article], settings: Settings, say: Progress) -> Read:
    """read_articles on the engine the settings name."""
    if settings.engine == "dask":
        from briefing.align import distributed

        return distributed.read_articles(
            articles, model=settings.model, scheduler=settings.scheduler, progress=say
        )
    return read_articles(articles, model=settings.model, cache_dir=settings.cache_dir, progress=say)


def _align(
    passages: Sequence[Passage], found: anchors.Anchors, settings: Settings, say: Progress
) -> Alignment:
    """alignment.align on the engine the settings name."""
    if settings.engine == "dask":
        from briefing.align import distributed

        if settings.semantic:
            raise semantic.SemanticError(
                "--semantic runs on the local engine only: drop --semantic or --engine dask"
            )
        return distributed.align(passages, anchors=found, scheduler=settings.scheduler, progress=say)
    return alignment.align(passages, anchors=found, vectors=_vectors(passages, settings, say))


def _vectors(passages: Sequence[Passage], settings: Settings, say: Progress) -> semantic.Vectors | None:
    """The passages' sentence vectors when the semantic route is on (Settings.semantic)."""
    if not settings.semantic:
        return None
    vectors = semantic.encode([p.text for p in passages])
    say(f"encoded {len(passages)} passages for the semantic route")
    return vectors


def _with_manifest(settings: Settings, manifest: Manifest) -> Settings:
    """The settings with what the corpus manifest decides where the command line did not: its
    ``[alignment] semantic``, checked here (the engine, the extra) with the manifest named. Where
    neither says, the semantic route is on when its extra is installed and the engine is local."""
    if settings.semantic is not None:
        return settings
    if manifest.semantic is None:
        return replace(settings, semantic=settings.engine == "local" and semantic.available())
    if not manifest.semantic:
        return replace(settings, semantic=False)
    where = f"{manifest.path}: [alignment] semantic = true"
    if settings.engine == "dask":
        raise semantic.SemanticError(
            f"{where} runs on the local engine only: drop --engine dask or set it false"
        )
    if not semantic.available():
        raise semantic.SemanticError(
            f"{where} needs the sentence encoder: {semantic.INSTALL}, or set it false"
        )
    return replace(settings, semantic=True)


def build_briefing(folder: Path, *, settings: Settings, progress: Progress | None = None) -> Briefing:
    """Load, clean, split, align and select: everything but rendering."""
    say = progress or (lambda _message: None)
    loaded = corpus.load(folder)
    if settings.strict and loaded.warnings:
        raise BriefingError(f"{loaded.warnings[0]} (--strict stops at the first warning)")
    say(f"loaded {len(loaded.articles)} articles from {folder}")
    settings = _with_manifest(settings, loaded.manifest)
    read = _read(loaded.articles, settings, say)
    cleaned, readings, passages = read.articles, read.readings, read.passages
    say(f"read {len(readings)} articles with {read.model}: {len(passages)} passages")
    # A reprint's copied passages are left out of alignment (and so of themes, quotes and
    # discrepancies): a copy can then never confirm its original or add an outlet to a claim,
    # and the copy's outlet can never be cited for words it did not write. Its own added lines
    # stay in, and the Briefing's alignment keeps every passage, so all its text is shown.
    copies = reprints.find(passages, articles=cleaned)
    copied = reprints.copied(copies)
    if copies:
        say(f"found {len(copies)} reprints; their {len(copied)} copied passages are not aligned")
    kept = tuple(p for p in passages if p.id not in copied)
    aligned = _align(kept, anchors.build(kept, readings), settings, say)
    say(f"aligned {len(aligned.clusters)} shared claims")
    counted = reprints.counted_outlets(cleaned, copies, aligned.clusters)
    outlets = len(counted)
    cast = people.identify(readings, loaded.articles)
    said = quotes.find(cleaned, readings, aligned.passages, cast=cast)
    disagreements = discrepancies.find_discrepancies(aligned, readings=readings)
    index = people.index(cast, said)
    # The lead: from the aligned passages (a reprint's copies left out) and the counted outlets.
    lead = overview.summarise(
        aligned, articles=loaded.articles, readings=readings, people=index, outlets=counted
    )
    # Dated events, from the aligned passages too: a reprint's copy cites no outlet.
    events = timeline.build(aligned, articles=loaded.articles, readings=readings)
    # After the lead: the consensus does not repeat its sentences word for word.
    consensus, sections, unique = themes.select(
        aligned,
        loaded.manifest.themes,
        outlets=counted,
        articles=loaded.articles,
        lead=lead.sentences,
        settings=settings,
    )
    # What one outlet alone reports, with the closest passage of another outlet where that may
    # restate it ("similar in AP"): the aligner's recall is far from a careful reader's.
    unique = uniqueness.with_similar(unique, aligned)
    sections = tuple(replace(s, unique=uniqueness.with_similar(s.unique, aligned)) for s in sections)
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
        alignment=replace(aligned, passages=passages),
        consensus=consensus,
        themes=sections,
        unique=unique,
        quotes=said,
        people=index,
        discrepancies=disagreements,
        warnings=tuple(warnings),
        skipped=loaded.skipped,
        reprints=copies,
        outlets=counted,
        overview=lead,
        timeline=events,
        semantic=bool(settings.semantic),
    )


def suggest_themes(
    folder: Path, *, count: int, settings: Settings, progress: Progress | None = None
) -> tuple[ThemeSpec, ...]:
    """Themes for a corpus, as an analyst's questions about its main people, organisations and
    places: read and aligned as a build does (a reprint's copies left out), nothing rendered."""
    loaded = corpus.load(folder)
    settings = _with_manifest(settings, loaded.manifest)
    read = read_articles(
        loaded.articles, model=settings.model, cache_dir=settings.cache_dir, progress=progress
    )
    copied = reprints.copied(reprints.find(read.passages, articles=read.articles))
    kept = tuple(p for p in read.passages if p.id not in copied)
    vectors = _vectors(kept, settings, progress or (lambda _message: None))
    aligned = alignment.align(kept, anchors=anchors.build(kept, read.readings), vectors=vectors)
    cast = people.identify(read.readings, loaded.articles)
    said = quotes.find(read.articles, read.readings, aligned.passages, cast=cast)
    return suggestions.suggest(
        aligned,
        readings=read.readings,
        people=people.index(cast, said),
        articles=loaded.articles,
        count=count,
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
    press: Press | None = None,
    clock: Clock | None = None,
) -> Outputs:
    """Render and write briefing.{html,json,pdf} into ``out``, each atomically.

    ``press`` holds render workers started at the beginning of the build (press.Press.start);
    without one, this process lays the PDF out. ``clock`` collects where the time went.
    """
    say = progress or (lambda _message: None)
    clock = clock or Clock()
    prepare_output(out)
    document = (json.dumps(export.to_document(briefing), indent=2, ensure_ascii=False) + "\n").encode()
    clock.lap("export the JSON")
    html = report.render_html(briefing, paper=paper)
    clock.lap("render the HTML (Jinja2)")
    say("rendering the PDF")
    pdf = report.render_pdf(html, briefing, variant=variant, attachment=document, press=press, clock=clock)
    clock.lap("wait for the PDF")
    outputs = Outputs(pdf=out / "briefing.pdf", html=out / "briefing.html", json=out / "briefing.json")
    write_atomic(outputs.json, document)
    write_atomic(outputs.html, html.encode())
    write_atomic(outputs.pdf, pdf)
    clock.lap("write the files")
    return outputs
