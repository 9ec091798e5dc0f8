"""Lay out HTML with WeasyPrint in this process: the module that runs it (imported lazily;
patches.py only mends two of its dependencies' functions).

A Renderer imports WeasyPrint, registers the shipped fonts and lays out a warm-up page once, so
that the briefing's own layout pays none of that; it then renders jobs, optionally numbering the
pages as part of a larger document (the page-number hook below) for a layout split in parts.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from briefing.errors import BriefingError
from briefing.render import patches
from briefing.timings import Span

VARIANTS = ("pdf/a-3b", "pdf/ua-1")
# A page that uses every face and the main constructs of the stylesheet, laid out once when a
# Renderer starts: WeasyPrint's first layout in a process registers the @font-face fonts,
# loads Fontconfig and parses cffi's C types (19 of them, 0.39 s under the profiler on the
# default corpus's briefing), none of which the briefing's own layout then pays again.
WARM_UP = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<link rel="stylesheet" href="briefing.css"></head><body>'
    "<h1>Warm up</h1><h2>Fonts</h2><p>Serif <i>italic</i> <b>bold</b> “quoted”</p>"
    '<ol class="points"><li><span class="claim">A claim.</span> <span class="cite">'
    '<a href="#w">Outlet</a></span></li></ol><table class="sources"><tr><td>Sans</td>'
    '<th>bold</th></tr></table><section class="articles"><p id="w">'
    '<span class="shared shared-3">Shared</span> <span class="unique-mark">own</span></p>'
    "</section></body></html>"
)
# WeasyPrint releases this hook's internals are checked against: the page-number hook wraps
# weasyprint.layout.make_margin_boxes(context, page, state), whose ``state[1]`` holds the page's
# counter values and whose ``context.page_maker`` holds one entry a page plus one (70.0).
HOOKED_WEASYPRINT = ("70.",)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """One HTML document to lay out, and how to write its PDF."""

    html: str
    built: dt.date
    variant: str | None = None
    attachment: bytes | None = None  # the JSON, embedded in a PDF/A-3b
    label: str = "the briefing"  # what --timings calls it
    watch: tuple[str, ...] = ()  # anchors whose page index the result reports


@dataclass(frozen=True, slots=True, kw_only=True)
class Numbering:
    """How a part's pages are numbered in the whole document: "Page <n + offset> of <total>"."""

    offset: int
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Laid:
    """A job's PDF, with what the caller needs to join it to others."""

    pdf: bytes
    pages: int
    anchors: tuple[tuple[str, int], ...]  # (name, page index) of the job's watched anchors
    warnings: tuple[str, ...]  # what WeasyPrint logged at WARNING or above
    spans: tuple[Span, ...]


# Set while a Renderer lays out a part: given the part's page count, says how to number its
# pages. A ContextVar, not an argument, because WeasyPrint calls the hook deep in its layout.
_NUMBERING: ContextVar[Callable[[int], Numbering] | None] = ContextVar("numbering", default=None)


def hookable() -> bool:
    """Whether the installed WeasyPrint is one the page-number hook was checked against."""
    return version("weasyprint").startswith(HOOKED_WEASYPRINT)


class Renderer:
    """WeasyPrint imported and warmed up in this process, ready to lay out jobs."""

    def __init__(self, *, process: str = "main") -> None:
        self.process = process
        spans = []
        started = time.perf_counter()
        import weasyprint  # lazy: importing it costs most of a second

        spans.append(Span(label="import WeasyPrint", start=started, end=time.perf_counter(), process=process))
        self._weasyprint = weasyprint
        started = time.perf_counter()
        patches.apply()
        if hookable():
            _install_page_number_hook()
        self.base = templates_dir()
        self.fetcher = fetcher(self.base)
        self.fonts = weasyprint.text.fonts.FontConfiguration()
        self._html(WARM_UP).render(font_config=self.fonts).write_pdf()
        spans.append(
            Span(label="load fonts (warm-up page)", start=started, end=time.perf_counter(), process=process)
        )
        self.spans = tuple(spans)

    def _html(self, html: str) -> Any:
        return self._weasyprint.HTML(string=html, base_url=str(self.base) + "/", url_fetcher=self.fetcher)

    def render(self, job: Job, *, numbering: Callable[[int], Numbering] | None = None) -> Laid:
        """Lay out and write one job; ``numbering`` (given the page count) numbers its pages."""
        if job.variant is not None and job.variant not in VARIANTS:
            raise BriefingError(f"--pdf-variant {job.variant!r}: choose one of {', '.join(VARIANTS)}")
        if numbering is not None and not hookable():
            raise BriefingError(f"WeasyPrint {version('weasyprint')} cannot number a part of a document")
        options = _options(job, self._weasyprint)
        spans = []
        with _logged() as logged:
            started = time.perf_counter()
            document = self._html(job.html)
            parsed = time.perf_counter()
            spans.append(Span(label=f"parse {job.label}", start=started, end=parsed, process=self.process))
            token = _NUMBERING.set(numbering)
            try:
                rendering = document.render(font_config=self.fonts, **options)
            finally:
                _NUMBERING.reset(token)
            laid = time.perf_counter()
            pages = len(rendering.pages)
            spans.append(
                Span(
                    label=f"lay out {job.label} ({pages} pages)", start=parsed, end=laid, process=self.process
                )
            )
            with warnings.catch_warnings():
                # WeasyPrint 70 leaves its sRGB profile open when writing PDF/A; collect it here,
                # where its ResourceWarning is known and harmless, rather than at some later moment.
                warnings.simplefilter("ignore", ResourceWarning)
                pdf = rendering.write_pdf(finisher=_page_labels, **options)
                if job.variant is not None:
                    gc.collect()
            spans.append(
                Span(label=f"write {job.label}", start=laid, end=time.perf_counter(), process=self.process)
            )
        anchors = tuple(
            (name, index)
            for index, page in enumerate(rendering.pages)
            for name in job.watch
            if name in page.anchors
        )
        if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
            raise BriefingError("WeasyPrint produced no PDF")
        return Laid(pdf=bytes(pdf), pages=pages, anchors=anchors, warnings=tuple(logged), spans=tuple(spans))

    def close(self) -> None:
        """Remove the fonts' temporary folder (WeasyPrint removes it only when collected)."""
        folder = getattr(self.fonts, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _options(job: Job, weasyprint: Any) -> dict[str, Any]:
    """WeasyPrint's options for ``job``: the variant, and for PDF/A-3b the JSON attached."""
    options: dict[str, Any] = {}
    if job.variant is not None:
        options["pdf_variant"] = job.variant
    if job.variant == "pdf/a-3b" and job.attachment is not None:
        moment = dt.datetime.combine(job.built, dt.time(), tzinfo=dt.UTC)
        options["attachments"] = [
            weasyprint.Attachment(
                string=job.attachment,
                name="briefing.json",
                description="The briefing as data (schema briefing/1)",
                created=moment,
                modified=moment,
                relationship="Data",
            )
        ]
    return options


@contextmanager
def _logged() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at WARNING or above while the block runs."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def _install_page_number_hook() -> None:
    """Wrap WeasyPrint's margin-box maker so that a part's footers count the whole document."""
    from weasyprint import layout

    original = layout.make_margin_boxes
    if getattr(original, "briefing_hook", False):
        return

    def make_margin_boxes(context: Any, page: Any, state: Any) -> Any:
        numbering = _NUMBERING.get()
        if numbering is not None:
            # Pagination is over when margin boxes are made: page_maker has one entry a page,
            # plus the state after the last page.
            numbers = numbering(len(context.page_maker) - 1)
            counters = dict(state[1])
            *outer, own = counters["page"]
            counters["page"] = [*outer, own + numbers.offset]
            counters["pages"] = [numbers.total]
            state = (state[0], counters, *state[2:])
        return original(context, page, state)

    make_margin_boxes.briefing_hook = True  # type: ignore[attr-defined]
    layout.make_margin_boxes = make_margin_boxes


def _page_labels(document: Any, pdf: Any) -> None:
    """Label pages 1, 2, … as the footers number them (WeasyPrint writes no /PageLabels)."""
    import pydyf

    pdf.catalog["PageLabels"] = pydyf.Dictionary(
        {"Nums": pydyf.Array([0, pydyf.Dictionary({"S": "/D", "St": 1})])}
    )


def templates_dir() -> Path:
    """The templates shipped in the wheel, or the checkout's top-level templates/ folder."""
    package = Path(__file__).parent.parent  # briefing/, this module being in briefing/render/
    inside = package / "templates"
    if inside.is_dir():
        return inside
    return package.parent / "templates"


def fetcher(base: Path) -> Any:
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
