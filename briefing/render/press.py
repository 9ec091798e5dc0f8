"""Render workers: WeasyPrint loads in another process while the pipeline runs, and a long
briefing is laid out in two processes at once (front matter and articles), then joined.

`Press.start()` at the start of `build` forks (spawns, where forking is unsafe) a worker that
imports WeasyPrint and registers the fonts (layout.Renderer) while this process loads the
corpus, runs spaCy and aligns. On Linux that worker then forks a second one from its warm
state, which costs neither import again. `render()` hands them the HTML: the whole document
to one, or, when both parts are long enough to pay for it (parts.MIN_PART_CHARS), the front
matter to one and the articles to the other, which exchange page counts before drawing their
footers ("Page X of Y" of the whole) and are joined by pdfjoin. Anything else (a PDF variant,
another system, a seam that did not take one page) is laid out whole, by one worker, and with
no worker at all in this process.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from briefing.render import layout, parts
from briefing.timings import Clock, Span

# Processes that lay out a split briefing at once; the seam before the articles is the one
# place a briefing splits without changing its pages (parts), so two.
WORKERS = 2
# A worker's garbage collector, set after its warm-up: everything loaded so far is frozen out of
# collection, and the youngest generation is collected every 10,000 allocations (Python's
# default is 700). WeasyPrint allocates boxes by the hundred thousand, and collecting them cost
# 0.39 s of a 2.7 s layout of the default corpus (CPU seconds, best of 3, 3 interleaved runs:
# 2.74 default, 2.41-2.65 frozen, 2.34 frozen with this threshold, 2.27 with no collection).
GC_YOUNGEST = 10_000


class WorkerError(RuntimeError):
    """A render worker failed: a bug, reported with the worker's traceback."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Printed:
    """The PDF, and how it was made."""

    pdf: bytes
    processes: int  # how many laid it out at once


def can_split() -> bool:
    """Whether this system lays out in two processes: Linux (the second worker is forked from the
    first, warm) with a WeasyPrint the page-number hook was checked against.

    Neither the number of cores nor the load decides: the split PDF's bytes differ from the
    one-process PDF's (each half embeds its own font subsets), and the same inputs must give the
    same bytes on every machine that has the same software. On one core the two layouts take
    turns, which costs about the join (a quarter of a second) over one process.
    """
    return sys.platform == "linux" and layout.hookable()


class Press:
    """The render workers of one build; use as a context manager, so that they always stop."""

    def __init__(self, conns: list[Connection], process: multiprocessing.process.BaseProcess | None) -> None:
        self._conns = conns
        self._process = process

    @classmethod
    def start(cls, *, split: bool = True) -> Press:
        """Start the worker(s) now; ``split`` False starts only the one a whole layout needs."""
        methods = multiprocessing.get_all_start_methods()
        # Forking a process that runs threads can deadlock the child; a fresh interpreter can't.
        forking = "fork" in methods and threading.active_count() == 1
        context: Any = multiprocessing.get_context("fork" if forking else "spawn")
        second = split and can_split()
        main_a, child_a = context.Pipe()
        main_b, child_b = context.Pipe() if second else (None, None)
        mine = [c for c in (main_a, main_b) if c is not None]
        process = context.Process(
            target=_serve_first,
            args=(child_a, child_b, tuple(mine) if forking else ()),
            name="briefing-render-1",
        )
        try:
            process.start()
        except OSError:  # no process to be had (a limit on processes or memory): lay out here
            for conn in (*mine, child_a, child_b):
                if conn is not None:
                    conn.close()
            return cls([], None)
        child_a.close()
        if child_b is not None:
            child_b.close()
        return cls(mine, process)

    def __enter__(self) -> Press:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers: each exits when its pipe closes."""
        for conn in self._conns:
            conn.close()
        self._conns = []
        if self._process is not None:
            self._process.join(timeout=5)
            if self._process.is_alive():  # pragma: no cover - a worker stuck in a layout
                self._process.terminate()
                self._process.join()
            self._process = None

    def render(self, job: layout.Job, *, clock: Clock | None = None, split: bool | None = None) -> Printed:
        """Lay out ``job``: in two processes when it pays (``split`` None) or when told."""
        clock = clock or Clock()
        pieces = parts.split(job.html) if job.variant is None and len(self._conns) >= WORKERS else None
        if pieces is not None and ((split is None and pieces.smaller >= parts.MIN_PART_CHARS) or split):
            try:
                printed = self._render_split(job, pieces, clock)
            except BaseException:
                self.close()  # the other worker may be waiting for page counts that never come
                raise
            if printed is not None:
                return printed
        if not self._conns:
            return Printed(pdf=render_here(job, clock=clock), processes=1)
        self._conns[0].send((job, False))
        laid = _finish(self._conns[0])
        clock.add(laid.spans)
        return Printed(pdf=laid.pdf, processes=1)

    def _render_split(self, job: layout.Job, pieces: parts.Split, clock: Clock) -> Printed | None:
        front_conn, back_conn = self._conns[:WORKERS]
        front_job = layout.Job(
            html=pieces.front, built=job.built, label="the front matter", watch=(parts.SEAM,)
        )
        back_job = layout.Job(
            html=pieces.back, built=job.built, label="the articles", watch=(parts.SEAM, pieces.first)
        )
        front_conn.send((front_job, True))
        back_conn.send((back_job, True))
        from briefing.render import pdfjoin  # lazy (pypdf): imported here while the workers lay out

        front_pages, back_pages = _pages(front_conn), _pages(back_conn)
        # Each part has one seam page the join drops: the front's last, the articles' first.
        kept_front, kept_back = front_pages - 1, back_pages - 1
        front_conn.send(layout.Numbering(offset=0, total=kept_front + kept_back))
        back_conn.send(layout.Numbering(offset=kept_front - 1, total=kept_front + kept_back))
        front, back = _finish(front_conn), _finish(back_conn)
        clock.add((*front.spans, *back.spans))
        if not parts.seams_hold(
            pieces, front=dict(front.anchors), back=dict(back.anchors), front_pages=front.pages
        ):
            logging.getLogger("briefing").debug("a seam took more than one page; laying out whole")
            return None
        started = time.perf_counter()
        pdf = pdfjoin.join(
            (
                pdfjoin.Part(pdf=front.pdf, keep=range(front.pages - 1)),
                pdfjoin.Part(pdf=back.pdf, keep=range(1, back.pages)),
            )
        )
        clock.add((Span(label="join the two parts (pypdf)", start=started, end=time.perf_counter()),))
        return Printed(pdf=pdf, processes=WORKERS)


def render_here(job: layout.Job, *, clock: Clock | None = None) -> bytes:
    """Lay out ``job`` in this process (WeasyPrint imported and warmed up once a process)."""
    laid = _local().render(job)
    if clock is not None:
        clock.add(laid.spans)
    _relog(laid.warnings)
    return laid.pdf


@cache
def _local() -> layout.Renderer:
    return layout.Renderer()


def _pages(conn: Connection) -> int:
    """The page count a worker laying out a part reports before it draws its footers."""
    kind, value = _receive(conn)
    if kind != "pages":
        raise WorkerError(value)
    return int(value)


def _finish(conn: Connection) -> layout.Laid:
    """A worker's laid-out job; its WeasyPrint warnings logged here."""
    kind, value = _receive(conn)
    if kind != "laid":
        raise WorkerError(value)
    laid: layout.Laid = value
    _relog(laid.warnings)
    return laid


def _receive(conn: Connection) -> tuple[str, Any]:
    try:
        message: tuple[str, Any] = conn.recv()
    except EOFError:
        raise WorkerError("a render worker exited before it finished") from None
    return message


def _relog(warnings: tuple[str, ...]) -> None:
    """Log a worker's WeasyPrint warnings here, where the caller's handlers are."""
    logger = logging.getLogger("weasyprint")
    for message in warnings:
        logger.warning("%s", message)


def _serve_first(conn: Connection, peer: Connection | None, inherited: tuple[Connection, ...]) -> None:
    """The first worker: close the main process's ends, warm up, fork the second, serve."""
    for end in inherited:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the main process, which closes the pipes
    renderer = layout.Renderer(process="worker 1")
    gc.freeze()
    gc.set_threshold(GC_YOUNGEST, *gc.get_threshold()[1:])
    second = None
    if peer is not None:
        second = multiprocessing.get_context("fork").Process(
            target=_serve_second, args=(peer, renderer, conn), name="briefing-render-2", daemon=True
        )
        second.start()
        peer.close()
    try:
        _serve(conn, renderer, first=True)
    finally:
        if second is not None:
            second.join()
        renderer.close()


def _serve_second(conn: Connection, renderer: layout.Renderer, sibling: Connection) -> None:
    """The second worker, forked from the first after its warm-up."""
    sibling.close()  # the first worker's end: the main process must see EOF when the first dies
    renderer.process = "worker 2"
    _serve(conn, renderer, first=False)


def _serve(conn: Connection, renderer: layout.Renderer, *, first: bool) -> None:
    """Render jobs until the main process closes the pipe."""
    startup = renderer.spans if first else ()
    while True:
        try:
            job, numbered = conn.recv()
        except EOFError:
            return
        numbering = _numbering(conn) if numbered else None
        try:
            laid = renderer.render(job, numbering=numbering)
        # A worker reports any failure to the main process, which raises it with this
        # traceback (as concurrent.futures does): an exception here is a bug, not a user error.
        except Exception:
            if not _send(conn, ("failed", traceback.format_exc())):
                return
            continue
        if startup:
            laid = layout.Laid(
                pdf=laid.pdf,
                pages=laid.pages,
                anchors=laid.anchors,
                warnings=laid.warnings,
                spans=(*startup, *laid.spans),
            )
            startup = ()
        if not _send(conn, ("laid", laid)):
            return


def _send(conn: Connection, message: tuple[str, Any]) -> bool:
    """Send to the main process; False when it has gone (it closed the pipe after a failure)."""
    try:
        conn.send(message)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


def _numbering(conn: Connection) -> Any:
    """Ask the main process, once, how to number a part of ``pages`` pages."""
    answer: list[layout.Numbering] = []

    def numbering(pages: int) -> layout.Numbering:
        if not answer:
            conn.send(("pages", pages))
            answer.append(conn.recv())
        return answer[0]

    return numbering
