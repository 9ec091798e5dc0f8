"""Join PDFs that WeasyPrint wrote for parts of one document into the PDF of the whole (pypdf).

A plain concatenation (qpdf --pages) keeps the pages and loses the rest: bookmarks, named
destinations (every internal link of WeasyPrint's is a ``/Dest`` naming one), page labels and
document metadata. This keeps them: each part's pages in order (its seam pages left out),
every named destination defined on a kept page (so a link into another part resolves to its
real target), the bookmarks of kept pages as one outline, and the first part's catalog entries
(language, page labels) and information dictionary.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

# Catalog entries taken from the first part as they are (they describe the whole document).
CATALOG_KEYS = ("/Lang", "/PageLabels", "/ViewerPreferences", "/MarkInfo")


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """One part's PDF and the pages of it the whole document keeps."""

    pdf: bytes
    keep: range  # page indices


@dataclass(frozen=True, slots=True, kw_only=True)
class _Mark:
    """A bookmark: title, where it points and the bookmarks under it."""

    title: str
    page: int  # index in the joined document
    left: float
    top: float
    children: tuple[_Mark, ...]


def join(parts: Sequence[Part]) -> bytes:
    """The parts' kept pages as one PDF, with their links, bookmarks, labels and metadata."""
    readers = [PdfReader(io.BytesIO(part.pdf)) for part in parts]
    writer = PdfWriter()
    writer.pdf_header = readers[0].pdf_header
    where: dict[tuple[int, int], int] = {}  # (part, page object number) -> page index in the whole
    for n, (part, reader) in enumerate(zip(parts, readers, strict=True)):
        for index in part.keep:
            page = reader.pages[index]
            where[(n, _idnum(page.indirect_reference))] = len(writer.pages)
            writer.add_page(page)
    pages = [page.indirect_reference for page in writer.pages]
    _copy_destinations(writer, readers, where, pages)
    marks = [mark for n, reader in enumerate(readers) for mark in _marks(reader, reader.outline, n, where)]
    if marks:
        writer.root_object[NameObject("/Outlines")] = _outline(writer, marks, pages)
    first: DictionaryObject = readers[0].root_object
    for key in CATALOG_KEYS:
        if key in first:
            writer.root_object[NameObject(key)] = first[key].clone(writer)
    info = readers[0].metadata
    if info is not None:
        writer.add_metadata({key: info[key] for key in sorted(info)})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _idnum(reference: IndirectObject | None) -> int:
    """The object number of a page read from a PDF (pages read from a file always have one)."""
    if reference is None:  # pragma: no cover - a page of a parsed file is an indirect object
        raise ValueError("a page with no object number")
    return int(reference.idnum)


def _copy_destinations(
    writer: PdfWriter, readers: Sequence[PdfReader], where: dict[tuple[int, int], int], pages: list[Any]
) -> None:
    """Every named destination on a kept page, pointing at that page of the whole, sorted by name
    (a name tree's keys must be); the first part defining a name wins."""
    kept: dict[str, ArrayObject] = {}
    for n, reader in enumerate(readers):
        root: Any = reader.root_object
        names = root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
        for name, destination in zip(names[::2], names[1::2], strict=True):
            array = destination.get_object()
            index = where.get((n, array[0].idnum))
            if index is None or str(name) in kept:
                continue
            kept[str(name)] = ArrayObject([pages[index], *array[1:]])
    if not kept:
        return
    flat = ArrayObject()
    for name in sorted(kept):
        flat.extend([TextStringObject(name), kept[name]])
    names_dict = DictionaryObject({NameObject("/Dests"): DictionaryObject({NameObject("/Names"): flat})})
    writer.root_object[NameObject("/Names")] = names_dict


def _marks(reader: PdfReader, items: list[Any], n: int, where: dict[tuple[int, int], int]) -> list[_Mark]:
    """The bookmarks of kept pages, nested as in ``items`` (pypdf's list: an item, then a list of
    its children); a bookmark on a dropped page is dropped with its children."""
    marks: list[_Mark] = []
    for position, item in enumerate(items):
        if isinstance(item, list):
            continue
        after = items[position + 1] if position + 1 < len(items) else None
        children = _marks(reader, after, n, where) if isinstance(after, list) else []
        index = where.get((n, item.page.idnum)) if isinstance(item.page, IndirectObject) else None
        if index is None:
            continue
        marks.append(
            _Mark(
                title=str(item.title),
                page=index,
                left=float(item.left or 0),
                top=float(item.top or 0),
                children=tuple(children),
            )
        )
    return marks


def _outline(writer: PdfWriter, marks: list[_Mark], pages: list[Any]) -> IndirectObject:
    """The outline dictionary, written as WeasyPrint writes one: explicit /XYZ destinations,
    every item open, /Count the number of its descendants."""
    root = DictionaryObject()
    reference = writer._add_object(root)
    first, last, count = _items(writer, marks, pages, reference)
    root.update(
        {
            NameObject("/Count"): NumberObject(count),
            NameObject("/First"): first,
            NameObject("/Last"): last,
        }
    )
    return reference


def _items(
    writer: PdfWriter, marks: Sequence[_Mark], pages: list[Any], parent: IndirectObject
) -> tuple[IndirectObject, IndirectObject, int]:
    """Write ``marks`` under ``parent``: the first and last item and how many items in all."""
    references: list[IndirectObject] = []
    items: list[DictionaryObject] = []
    count = len(marks)
    for mark in marks:
        item = DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(mark.title),
                NameObject("/Dest"): ArrayObject(
                    [
                        pages[mark.page],
                        NameObject("/XYZ"),
                        FloatObject(mark.left),
                        FloatObject(mark.top),
                        NumberObject(0),
                    ]
                ),
                NameObject("/Parent"): parent,
            }
        )
        reference = writer._add_object(item)
        if mark.children:
            first, last, below = _items(writer, mark.children, pages, reference)
            item.update(
                {
                    NameObject("/First"): first,
                    NameObject("/Last"): last,
                    NameObject("/Count"): NumberObject(below),
                }
            )
            count += below
        else:
            item[NameObject("/Count")] = NumberObject(0)
        if references:
            item[NameObject("/Prev")] = references[-1]
            items[-1][NameObject("/Next")] = reference
        references.append(reference)
        items.append(item)
    return references[0], references[-1], count
