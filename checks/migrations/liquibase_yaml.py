"""Liquibase changelogs in YAML and JSON (JSON is YAML), read as PyYAML's node tree for lines.

A module of its own so that PyYAML, ~12 ms of start-up, is imported only when a PR has a YAML
or JSON changelog to read.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from checks.migrations.liquibase import ChangeSet


def changesets(text: str, start: int) -> Iterator[ChangeSet]:
    """The changeSets of a YAML (or JSON) changelog; `start` is the number of its first line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return
    for item in _yaml_items(root):
        node = _yaml_get(item, "changeSet")
        if isinstance(node, yaml.MappingNode):
            yield _yaml_changeset(node, item, start)


def _yaml_items(root: yaml.Node | None) -> list[yaml.Node]:
    if isinstance(root, yaml.MappingNode):
        root = _yaml_get(root, "databaseChangeLog")
    return list(root.value) if isinstance(root, yaml.SequenceNode) else []


def _yaml_get(node: yaml.Node, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
            return v
    return None


def _yaml_changeset(node: yaml.MappingNode, item: yaml.Node, start: int) -> ChangeSet:
    """Build a changeSet from its node; `item` is the list item holding it (for line numbers)."""
    changes = _yaml_get(node, "changes")
    names: list[str] = []
    if isinstance(changes, yaml.SequenceNode):
        for change in changes.value:
            if isinstance(change, yaml.MappingNode):
                names.extend(k.value for k, _ in change.value if isinstance(k, yaml.ScalarNode))
    ident_node, author_node = _yaml_get(node, "id"), _yaml_get(node, "author")
    ident = (f"{getattr(ident_node, 'value', '?')}::{getattr(author_node, 'value', '?')}")
    line = start + item.start_mark.line
    end = item.end_mark
    last = start + end.line - (1 if end.column == 0 else 0)
    return ChangeSet(ident, line, last, tuple(names), _yaml_get(node, "rollback") is not None)
