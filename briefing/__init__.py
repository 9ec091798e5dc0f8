"""briefing: align news articles across outlets and render a cited PDF briefing."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("briefing")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"
