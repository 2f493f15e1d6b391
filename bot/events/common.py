"""Reading the few payload keys the handlers need, leniently (real payloads drift)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def installation_id(data: Mapping[str, Any]) -> int | None:
    """The installation the delivery came through, if any."""
    inst = data.get("installation")
    value = inst.get("id") if isinstance(inst, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def repo_name(data: Mapping[str, Any]) -> str | None:
    """`owner/name` of the repository."""
    repo = data.get("repository")
    name = repo.get("full_name") if isinstance(repo, Mapping) else None
    return name if isinstance(name, str) and "/" in name else None


def text(mapping: Any, *keys: str) -> str:
    """A nested string value, or '' when any key is missing."""
    for key in keys:
        mapping = mapping.get(key) if isinstance(mapping, Mapping) else None
    return mapping if isinstance(mapping, str) else ""


def objects(mapping: Any, key: str) -> list[Mapping[str, Any]]:
    """The objects in the list at `mapping[key]`; [] when it is missing or not a list."""
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
