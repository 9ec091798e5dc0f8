"""The command line: parse options, call the pipeline, print results, map errors to exit codes."""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from briefing import __version__
from briefing.errors import BriefingError
from briefing.models import Briefing, Settings

if TYPE_CHECKING:
    from briefing.render.delivery import Server

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
    # Help texts are plain: "pip install 'briefing[dask]'" must not lose "[dask]" as markup.
    rich_markup_mode=None,
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


class Engine(enum.StrEnum):
    """Where reading and alignment run."""

    local = "local"
    dask = "dask"


EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="local: in this process. dask: on a Dask cluster (pip install 'briefing[dask]'), the "
        "one at --scheduler, else DASK_SCHEDULER_ADDRESS, else a LocalCluster of 2 workers started here.",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of the Dask scheduler for --engine dask (tcp://HOST:8786). "
        "Default: DASK_SCHEDULER_ADDRESS, else a LocalCluster.",
        show_default=False,
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read every article with spaCy, neither using nor filling the reading cache "
        "($BRIEFING_CACHE, else $XDG_CACHE_HOME/briefing, else ~/.cache/briefing).",
    ),
]
SemanticOpt = Annotated[
    bool | None,
    typer.Option(
        "--semantic/--no-semantic",
        help="Also link restatements by sentence vectors (pip install 'briefing[semantic]'): more "
        "shared claims found, at lower link precision. Local engine only. Default: on where the extra "
        "is installed (and the engine is local), unless the manifest says otherwise.",
        show_default=False,
    ),
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
    engine: EngineOpt = Engine.local,
    scheduler: SchedulerOpt = None,
    no_cache: NoCacheOpt = False,
    semantic: SemanticOpt = None,
    paper: Annotated[Paper, typer.Option("--paper", help="Paper size.")] = Paper.a4,
    pdf_variant: Annotated[
        Variant | None,
        typer.Option(
            "--pdf-variant",
            help="pdf/a-3b: archival, with briefing.json attached; pdf/ua-1: tagged for accessibility.",
        ),
    ] = None,
    email_to: Annotated[
        list[str] | None,
        typer.Option(
            "--email-to",
            help="Send the PDF to this address after building (repeatable); the server comes from "
            "BRIEFING_SMTP_HOST, BRIEFING_SMTP_PORT, BRIEFING_SMTP_USER, BRIEFING_SMTP_PASSWORD.",
        ),
    ] = None,
    summary_json: Annotated[
        bool,
        typer.Option(
            "--summary-json", help="Print one JSON object (paths, counts, warnings) instead of paths."
        ),
    ] = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Print where the build's time went, stage by stage (stderr).")
    ] = False,
) -> None:
    """Build the PDF, HTML and JSON briefing for a folder of articles.

    Example: briefing build corpus/ --out out/ --paper letter
    """
    from briefing.render.press import Press
    from briefing.timings import Clock

    clock = Clock()
    settings = _run_settings(
        date, strict=strict, engine=engine, scheduler=scheduler, no_cache=no_cache, semantic=semantic
    )
    # The render worker starts first: it imports WeasyPrint and loads the fonts while this
    # process imports the pipeline, reads the corpus and aligns it.
    press = Press.start(split=pdf_variant is None)
    clock.lap("start the render worker")

    def progress(message: str) -> None:
        clock.lap(message)
        _progress(message)

    with press:
        from briefing import pipeline

        clock.lap("import the pipeline")
        try:
            pipeline.prepare_output(out)
            with pipeline.engine_session(settings, progress=progress):
                briefing = pipeline.build_briefing(corpus, settings=settings, progress=progress)
            clock.lap("the pipeline's later stages (people, quotes, themes, …)")
            outputs = pipeline.write_outputs(
                briefing,
                out,
                paper=paper.value,
                variant=pdf_variant.value if pdf_variant else None,
                progress=_progress,
                press=press,
                clock=clock,
            )
            if email_to:
                from briefing.render import delivery

                server = _server(None, None, False, False, None)
                message = delivery.compose(outputs.pdf, to=tuple(email_to), sender=_sender(None, server))
                delivery.send(message, server)
                _progress(f"sent {outputs.pdf} to {', '.join(email_to)}")
                clock.lap("send the e-mail")
        except BriefingError as exc:
            _fail(exc)
    if timings:
        err.print(clock.report(), markup=False)
    if summary_json:
        print(
            json.dumps(
                {
                    "pdf": str(outputs.pdf),
                    "html": str(outputs.html),
                    "json": str(outputs.json),
                    "articles": len(briefing.articles),
                    "passages": len(briefing.alignment.passages),
                    "clusters": len(briefing.alignment.clusters),
                    "themes": len(briefing.themes),
                    "warnings": list(briefing.warnings),
                    "skipped": list(briefing.skipped),
                    "emailed": list(email_to or []),
                }
            )
        )
    else:
        for path in (outputs.pdf, outputs.html, outputs.json):
            print(path)
    _finish(briefing)


@app.command(epilog=EPILOG)
def email(
    pdf: Annotated[
        Path, typer.Argument(help="The briefing.pdf to send (briefing.json beside it gives the summary).")
    ],
    to: Annotated[list[str], typer.Option("--to", help="Recipient address (repeatable).")],
    sender: Annotated[
        str | None,
        typer.Option("--from", help="Sender address. Default: BRIEFING_SMTP_USER or briefing@localhost."),
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="Default: 'Briefing: <title>'.")] = None,
    eml: Annotated[
        Path | None, typer.Option("--eml", help="Write the message to this .eml file instead of sending it.")
    ] = None,
    smtp_host: Annotated[
        str | None, typer.Option("--smtp-host", help="Default: BRIEFING_SMTP_HOST or localhost.")
    ] = None,
    smtp_port: Annotated[
        int | None,
        typer.Option("--smtp-port", help="Default: BRIEFING_SMTP_PORT, else 465 with --ssl, else 25."),
    ] = None,
    starttls: Annotated[
        bool, typer.Option("--starttls", help="Upgrade the connection with STARTTLS.")
    ] = False,
    use_ssl: Annotated[bool, typer.Option("--ssl", help="Connect over TLS from the start.")] = False,
    smtp_user: Annotated[
        str | None,
        typer.Option(
            "--smtp-user",
            help="Log in as this user; the password comes from BRIEFING_SMTP_PASSWORD or a prompt.",
        ),
    ] = None,
) -> None:
    """Send a built briefing by email, the PDF attached and the executive summary as the body.

    Example: briefing email out/briefing.pdf --to analyst@example.org --smtp-host mail.example.org --starttls
    """
    from briefing.render import delivery

    if starttls and use_ssl:
        raise typer.BadParameter("choose one of --starttls and --ssl", param_hint="--starttls/--ssl")
    try:
        server = _server(smtp_host, smtp_port, starttls, use_ssl, smtp_user, need_password=eml is None)
        message = delivery.compose(pdf, to=tuple(to), sender=_sender(sender, server), subject=subject)
        if eml is not None:
            delivery.write_eml(message, eml)
            print(eml)
            return
        delivery.send(message, server)
    except BriefingError as exc:
        _fail(exc)
    err.print(f"sent {pdf} to {', '.join(to)} via {server.host}:{server.port}", markup=False)


def _server(
    host: str | None,
    port: int | None,
    starttls: bool,
    use_ssl: bool,
    user: str | None,
    *,
    need_password: bool = True,
) -> Server:
    """SMTP settings from the options, then the environment, then defaults."""
    from briefing.render.delivery import DeliveryError, Server

    env = os.environ
    user = user or env.get("BRIEFING_SMTP_USER") or None
    raw_port = port if port is not None else env.get("BRIEFING_SMTP_PORT")
    try:
        resolved_port = int(raw_port) if raw_port is not None else (465 if use_ssl else 25)
    except ValueError:
        raise DeliveryError(f"BRIEFING_SMTP_PORT={raw_port!r} is not a port number") from None
    password = env.get("BRIEFING_SMTP_PASSWORD")
    if user and password is None and need_password:
        if not sys.stdin.isatty():
            raise DeliveryError(
                f"no password for SMTP user {user!r}: set BRIEFING_SMTP_PASSWORD (no terminal to prompt on)"
            )
        password = typer.prompt(f"SMTP password for {user}", hide_input=True)
    return Server(
        host=host or env.get("BRIEFING_SMTP_HOST") or "localhost",
        port=resolved_port,
        security="ssl" if use_ssl else "starttls" if starttls else "none",
        user=user,
        password=password,
    )


def _sender(sender: str | None, server: Server) -> str:
    if sender:
        return sender
    if server.user and "@" in server.user:
        return server.user
    return "briefing@localhost"


@app.command(epilog=EPILOG)
def align(
    corpus: CorpusArg = Path("corpus"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the briefing/1 JSON document instead of a table.")
    ] = False,
    date: DateOpt = None,
    strict: StrictOpt = False,
    engine: EngineOpt = Engine.local,
    scheduler: SchedulerOpt = None,
    no_cache: NoCacheOpt = False,
    semantic: SemanticOpt = None,
) -> None:
    """Show which passages the outlets share, without rendering a PDF.

    Example: briefing align corpus/ --json > alignment.json
    (on a Dask cluster: briefing align corpus/ --engine dask --scheduler tcp://10.0.0.5:8786)
    """
    from briefing import pipeline
    from briefing.render import export

    settings = _run_settings(
        date, strict=strict, engine=engine, scheduler=scheduler, no_cache=no_cache, semantic=semantic
    )
    try:
        with pipeline.engine_session(settings, progress=_progress):
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
    no_cache: NoCacheOpt = False,
    semantic: SemanticOpt = None,
) -> None:
    """Suggest themes for a corpus, as [[themes]] tables to paste into its briefing.toml.

    Example: briefing themes corpus/ >> corpus/briefing.toml
    """
    from briefing import pipeline
    from briefing.findings import suggestions

    try:
        suggested = pipeline.suggest_themes(
            corpus,
            count=count,
            settings=Settings(cache_dir=_cache_dir(no_cache), semantic=_semantic(semantic, Engine.local)),
            progress=_progress,
        )
    except BriefingError as exc:
        _fail(exc)
    if not suggested:
        err.print(
            "No person, organisation or place that two outlets name to suggest themes about; "
            "the corpus may be too small.",
            markup=False,
        )
        raise typer.Exit(EXIT_OK)
    print(suggestions.manifest_snippet(suggested), end="")
    err.print(f"{len(suggested)} themes suggested", markup=False)


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


def _cache_dir(no_cache: bool) -> Path | None:
    """The reading cache's folder, None with --no-cache."""
    from briefing.read import cache

    return None if no_cache else cache.location()


def _run_settings(
    date: str | None,
    *,
    strict: bool,
    engine: Engine,
    scheduler: str | None,
    no_cache: bool,
    semantic: bool | None,
) -> Settings:
    """The Settings of a `build` or `align` run, from the options both commands share."""
    return Settings(
        built=_build_date(date),
        strict=strict,
        engine=engine.value,
        scheduler=scheduler,
        cache_dir=_cache_dir(no_cache),
        semantic=_semantic(semantic, engine),
    )


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


def _semantic(value: bool | None, engine: Engine) -> bool | None:
    """--semantic/--no-semantic checked before any work: with --engine dask a one-line usage
    error (exit 2), without the extra the one-line install hint (exit 1)."""
    if not value:
        return value
    if engine is Engine.dask:
        err.print(
            "Error: --semantic runs on the local engine only: drop --semantic or --engine dask", markup=False
        )
        raise typer.Exit(EXIT_USAGE)
    from briefing.align import semantic

    try:
        semantic.require()
    except BriefingError as exc:
        _fail(exc)
    return value


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
