"""Where a build's time goes: spans of wall time in the main process and the render workers."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """One stage of a build: what, in which process, from when to when.

    Times are ``time.perf_counter()`` readings: a system-wide monotonic clock on Linux, macOS
    and Windows, so spans measured in worker processes line up with the main process's.
    """

    label: str
    start: float
    end: float
    process: str = "main"


class Clock:
    """Collects spans: ``lap`` closes one in the main process, ``add`` takes a worker's."""

    def __init__(self, origin: float | None = None) -> None:
        self.origin = time.perf_counter() if origin is None else origin
        self._last = self.origin
        self._spans: list[Span] = []

    def lap(self, label: str) -> None:
        """The main process spent the time since the last lap on ``label``."""
        now = time.perf_counter()
        self._spans.append(Span(label=label, start=self._last, end=now))
        self._last = now

    def add(self, spans: Iterable[Span]) -> None:
        """Spans measured elsewhere (a worker, or a stage that timed itself)."""
        self._spans.extend(spans)

    def restart(self) -> None:
        """The next lap starts now (time since the last lap was spent waiting, and is shown so)."""
        self._last = time.perf_counter()

    @property
    def spans(self) -> tuple[Span, ...]:
        """Every span, in the order they started."""
        return tuple(sorted(self._spans, key=lambda s: (s.start, s.end)))

    def report(self) -> str:
        """A table of the spans, seconds from the clock's origin, and the total."""
        lines = [
            "where the time went (seconds from the start of the build):",
            "  start    end   took  process   stage",
        ]
        last = self.origin
        for span in self.spans:
            start, end = span.start - self.origin, span.end - self.origin
            lines.append(f"  {start:5.2f}  {end:5.2f}  {end - start:5.2f}  {span.process:<8}  {span.label}")
            last = max(last, span.end)
        lines.append(f"  total {last - self.origin:.2f} s")
        return "\n".join(lines)
