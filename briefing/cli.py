"""The command line: parse options, call the pipeline, print results, map errors to exit codes."""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from briefing import __version__
from briefing.errors import BriefingError
from briefing.models import Briefing, Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3


class Paper(enum.StrEnum):
    """Paper sizes of the PDF."""

    a4 = "a4"
    letter = "letter"


class Variant(enum.StrEnum):
    """PDF variants besides the plain default."""

    pdfa = "pdf/a-3b"
    pdfua = "pdf/ua-1"


EPILOG = (
    "Exit codes: 0 done; 1 error (the message says which file or option, and the fix); "
    "2 usage error; 3 done, but some article files were skipped (see the warnings)."
)

app = typer.Typer(
    name="briefing",
    help="Align news articles about one story across outlets and render a cited PDF briefing.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

CorpusArg = Annotated[
    Path,
    typer.Argument(
        help="Folder of plain-text articles (.txt, .md), optionally with a briefing.toml manifest.",
        show_default=True,
    ),
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="Build date shown in the briefing (YYYY-MM-DD). Default: SOURCE_DATE_EPOCH, else today.",
        show_default=False,
    ),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Stop at the first warning instead of skipping the file.")
]


def version_callback(value: bool) -> None:
    """Print the version and exit."""
    if value:
        print(f"briefing {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """Align news articles about one story across outlets and render a cited PDF briefing."""


@app.command(epilog=EPILOG)
def build(
    corpus: CorpusArg = Path("corpus"),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write briefing.pdf, .html and .json into.")
    ] = Path("out"),
    date: DateOpt = None,
    strict: StrictOpt = False,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size.")] = Paper.a4,
    pdf_variant: Annotated[
        Variant | None,
        typer.Option(
            "--pdf-variant",
            help="pdf/a-3b: archival, with briefing.json attached; pdf/ua-1: tagged for accessibility.",
        ),
    ] = None,
) -> None:
    """Build the PDF, HTML and JSON briefing for a folder of articles.

    Example: briefing build corpus/ --out out/ --paper letter
    """
    from briefing import pipeline

    settings = Settings(built=_build_date(date), strict=strict)
    try:
        briefing = pipeline.build_briefing(corpus, settings=settings, progress=_progress)
        outputs = pipeline.write_outputs(
            briefing,
            out,
            paper=paper.value,
            variant=pdf_variant.value if pdf_variant else None,
            progress=_progress,
        )
    except BriefingError as exc:
        _fail(exc)
    for path in (outputs.pdf, outputs.html, outputs.json):
        print(path)
    _finish(briefing)


@app.command(epilog=EPILOG)
def align(
    corpus: CorpusArg = Path("corpus"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the briefing/1 JSON document instead of a table.")
    ] = False,
    date: DateOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Show which passages the outlets share, without rendering a PDF.

    Example: briefing align corpus/ --json > alignment.json
    """
    from briefing import export, pipeline

    settings = Settings(built=_build_date(date), strict=strict)
    try:
        briefing = pipeline.build_briefing(corpus, settings=settings, progress=_progress)
    except BriefingError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(export.to_document(briefing), indent=2, ensure_ascii=False))
    else:
        _print_table(briefing)
    _finish(briefing)


@app.command(epilog=EPILOG)
def themes(
    corpus: CorpusArg = Path("corpus"),
    count: Annotated[int, typer.Option("--count", min=1, max=12, help="How many themes to suggest.")] = 4,
) -> None:
    """Suggest themes for a corpus, as [[themes]] tables to paste into its briefing.toml.

    Example: briefing themes corpus/ >> corpus/briefing.toml
    """
    from briefing import cleaning, segmentation
    from briefing import corpus as corpus_stage
    from briefing import themes as themes_stage

    try:
        loaded = corpus_stage.load(corpus)
    except BriefingError as exc:
        _fail(exc)
    passages = [p for a in loaded.articles for p in segmentation.split(cleaning.clean(a))]
    suggested = themes_stage.suggest(passages, count=count)
    if not suggested:
        err.print(
            "No recurring vocabulary to suggest themes from; the corpus may be too small.", markup=False
        )
        raise typer.Exit(EXIT_OK)
    print(themes_stage.manifest_snippet(suggested), end="")
    err.print(f"{len(suggested)} themes suggested from {len(passages)} passages", markup=False)


def _print_table(briefing: Briefing) -> None:
    passages = {p.id: p for p in briefing.alignment.passages}
    table = Table(title=f"{briefing.title}: {len(briefing.alignment.clusters)} shared claims")
    table.add_column("claim", no_wrap=True)
    table.add_column("outlets", justify="right")
    table.add_column("score", justify="right")
    table.add_column("passages")
    for cluster in sorted(briefing.alignment.clusters, key=lambda c: (-len(c.outlets), -c.score, c.id)):
        lines = [f"[{passages[pid].outlet}] {passages[pid].text}" for pid in cluster.passages]
        table.add_row(cluster.id, str(len(cluster.outlets)), f"{cluster.score:.2f}", "\n".join(lines))
    Console(soft_wrap=False, highlight=False).print(table)


def _build_date(value: str | None) -> dt.date:
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise typer.BadParameter(
                f"{value!r} is not a date; write YYYY-MM-DD", param_hint="--date"
            ) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except ValueError:
            raise typer.BadParameter(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds", param_hint="SOURCE_DATE_EPOCH"
            ) from None
    return dt.date.today()


def _progress(message: str) -> None:
    err.print(f"[dim]{message}[/dim]")


def _finish(briefing: Briefing) -> None:
    for warning in briefing.warnings:
        err.print(f"Warning: {warning}", markup=False)
    summary = (
        f"{len(briefing.articles)} articles, {len(briefing.alignment.passages)} passages, "
        f"{len(briefing.alignment.clusters)} shared claims, {len(briefing.themes)} themes"
    )
    if briefing.skipped:
        summary += f"; {len(briefing.skipped)} files skipped"
    err.print(summary, markup=False)
    if briefing.skipped:
        raise typer.Exit(EXIT_SKIPPED)


def _fail(exc: BriefingError) -> typer.Exit:
    err.print(f"Error: {exc}", markup=False)
    raise typer.Exit(EXIT_ERROR)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
