"""Typed option objects: a frozen dataclass built once from validated option values.

The `Option` table (checks/spec.py) is the one source of keys, defaults and docs; an options
dataclass only names each key's precise type. Values are converted by that type: lists become
tuples, choices become their enum, `bool_map`s read-only mappings, nested dataclasses sections.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
V = TypeVar("V")


class FrozenMap(Mapping[str, V]):
    """A read-only mapping that, unlike `MappingProxyType`, pickles (for a process pool)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, V]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """The options of a check that has none beyond `enabled` and `level`."""


def _field_types(cls: type[DataclassInstance]) -> Mapping[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def field_names(cls: type[DataclassInstance]) -> frozenset[str]:
    """The keys an options dataclass holds."""
    return frozenset(_field_types(cls))


def build_options(cls: type[T], values: Mapping[str, Any]) -> T:
    """Build `cls` from validated values (one per field), converting each to its field's type."""
    kwargs = {name: _convert(hint, values[name]) for name, hint in _field_types(cls).items()}
    return cast(T, cast(Any, cls)(**kwargs))


def _convert(hint: Any, value: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return tuple(_convert(args[0], item) for item in value)
    if origin is frozenset:
        return frozenset(_convert(args[0], item) for item in value)
    if origin is Mapping:
        return FrozenMap(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return build_options(hint, value)
    return value
