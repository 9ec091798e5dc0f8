"""Plain records: our frozen dataclasses as dicts of strings, numbers, lists and None, and back.

What the Dask engine sends between tasks and the reading cache keeps on disk, so that neither
pickles pipeline objects: a record is JSON as it is, and ``from_record`` rebuilds the dataclass
from the field types (tuples, nested dataclasses, dates, optional values).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

Record = dict[str, Any]
T = TypeVar("T")


def to_record(value: Any) -> Any:
    """A frozen dataclass (and what it holds) as plain data: dicts, lists, str, numbers, None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_record(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_record(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(to_record(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_record(cls: type[T], record: Record) -> T:
    """The dataclass ``cls`` back from ``to_record``'s plain data."""
    values: dict[str, Any] = {}
    for name, convert in _fields(cls):
        if name in record:
            raw = record[name]
            values[name] = raw if convert is None or raw is None else convert(raw)
    return cls(**values)


Converter = Callable[[Any], Any] | None
_FIELDS: dict[type, list[tuple[str, Converter]]] = {}


def _fields(cls: type) -> list[tuple[str, Converter]]:
    """Each field of ``cls`` and how to convert its plain value back (None: as it is)."""
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        _FIELDS[cls] = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls)]
    return _FIELDS[cls]


def _converter(hint: Any) -> Converter:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        one = _converter(inner[0]) if len(inner) == 1 else None
        return None if one is None else (lambda raw: None if raw is None else one(raw))
    if origin in (tuple, frozenset):
        homogeneous = origin is frozenset or (len(args) == 2 and args[1] is Ellipsis)
        if homogeneous:
            item = _converter(args[0])
            if item is None:
                return origin  # type: ignore[no-any-return]
            return lambda raw: origin(item(v) for v in raw)
        items = [_converter(a) for a in args]
        return lambda raw: tuple(v if c is None else c(v) for c, v in zip(items, raw, strict=True))
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return lambda raw: from_record(hint, raw)
    if hint is dt.date:
        return dt.date.fromisoformat
    if hint is float:
        return float
    return None
