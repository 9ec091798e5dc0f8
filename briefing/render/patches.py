"""Small, version-checked fixes for bugs in the libraries the render step uses, each shaped as the
upstream fix would be, applied only to the versions known to have the bug."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any

# tinyhtml5 (WeasyPrint's HTML parser) caches the regular expressions of
# HTMLUnicodeInputStream.chars_until() in a module dict, but its chained assignment
# ``characters = cache[(characters, opposite)] = regex`` rebinds ``characters`` to the regex before
# the key is built, so every entry is filed under ``(regex, opposite)`` and the lookup by
# ``(characters, opposite)`` never hits: each call rebuilds the pattern text and goes through
# re.compile's own cache. Measured on the build's HTML of a 50-article synthetic corpus (713 KB):
# tinyhtml5.parse 0.67-0.71 -> 0.32-0.33 CPU seconds (best of 3, two runs each) with the cache
# filled under the right key. Checked in 2.1.0, the
# latest release when this was written; a later release is left alone (it may have the fix).
TINYHTML5_BUGGY = frozenset({"2.1.0"})
# WeasyPrint's font subsetting (weasyprint/pdf/fonts.py) allocates its glyph arrays as
# ``ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)``: a C type named with its length, which
# cffi parses anew (with pycparser) for every length it has not seen. A briefing subsets its 5
# faces twice each, so every PDF parsed 10 new types: 0.33 s of the front matter's 2.6 s
# write_pdf under the profiler. The fix upstream would write ``hb_codepoint_t[]``, which takes
# its length from the values; this does that for that module's ``ffi`` only. Checked in 70.0.
WEASYPRINT_SIZED_ARRAYS = ("70.",)
_SIZED = re.compile(r"(\w+)\[\d+\]")


def apply() -> tuple[str, ...]:
    """Apply every patch that fits the installed versions; the names of those applied."""
    applied = []
    if _patch_tinyhtml5_chars_until():
        applied.append("tinyhtml5-chars-until-cache")
    if _patch_weasyprint_subset_arrays():
        applied.append("weasyprint-subset-arrays")
    return tuple(applied)


def _installed(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def _patch_tinyhtml5_chars_until() -> bool:
    if _installed("tinyhtml5") not in TINYHTML5_BUGGY:
        return False
    from tinyhtml5 import inputstream  # type: ignore[import-untyped]

    stream = inputstream.HTMLUnicodeInputStream
    original = stream.chars_until
    if getattr(original, "briefing_patched", False):
        return True
    cache: dict[tuple[Any, bool], re.Pattern[str]] = inputstream.characters_until_regex

    def chars_until(self: Any, characters: Any, opposite: bool = False) -> str:
        # File the pattern under the key the original looks it up by; the original then finds
        # it, so its own (wrong-key) store never runs again for these characters.
        key = (characters, opposite)
        if key not in cache:
            cache[key] = until_pattern(characters, opposite)
        result: str = original(self, characters, opposite)
        return result

    chars_until.briefing_patched = True  # type: ignore[attr-defined]
    chars_until.__wrapped__ = original  # type: ignore[attr-defined]
    chars_until.__doc__ = original.__doc__
    stream.chars_until = chars_until
    return True


def until_pattern(characters: Any, opposite: bool) -> re.Pattern[str]:
    """The pattern tinyhtml5 2.1.0's chars_until() builds for ``characters`` (same text, same flags)."""
    escaped = "".join(f"\\x{ord(character):02x}" for character in characters)
    return re.compile(f"[{escaped}]+" if opposite else f"[^{escaped}]+")


class UnsizedArrays:
    """A cffi FFI whose ``new("T[n]", values)`` allocates ``T[]`` from the values: one C type
    for every length. Everything else goes to the FFI it wraps."""

    def __init__(self, ffi: Any) -> None:
        self.wrapped = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        """``ffi.new``, with the length of an initialised array taken from its values."""
        match = _SIZED.fullmatch(cdecl)
        if match is not None and init is not None:
            return self.wrapped.new(f"{match[1]}[]", init)
        return self.wrapped.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def _patch_weasyprint_subset_arrays() -> bool:
    installed = _installed("weasyprint")
    if installed is None or not installed.startswith(WEASYPRINT_SIZED_ARRAYS):
        return False
    from weasyprint.pdf import fonts

    if not isinstance(fonts.ffi, UnsizedArrays):
        fonts.ffi = UnsizedArrays(fonts.ffi)
    return True
