"""Errors a user can cause, each with a message naming the file or option and the fix."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class: the CLI prints the message on one line and exits 1."""


class CorpusError(BriefingError):
    """The corpus folder or one of its files cannot be used."""


class ManifestError(BriefingError):
    """The corpus manifest is malformed or names files that are not there."""


class OutputError(BriefingError):
    """An output file cannot be written."""


class ModelError(BriefingError):
    """The NLP pipeline (spaCy or its language model) is not installed or cannot be loaded."""
