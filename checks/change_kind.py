"""What a source file's edit does, read from its diff lines: used to decide whether it needs a test.

Real merged PRs are full of edits no test could pin down: deleting a dead field, rewriting import
paths after a module move, adding one struct field or constant. Those are told apart from edits
that change behaviour (new branches, calls, expressions) by the shape of the changed code lines.
A line is judged with the hunk around it: `Name string` is a field inside `type X struct {`, but
`name: value,` inside a call is an argument.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import chain, islice

from checks.lazyre import Pattern, lazy_compile
from checks.lineruns import LineRuns, joined_texts
from checks.model import ChangedFile, Hunk, Line
from checks.paths import language_family


class ChangeKind(enum.Enum):
    """What an edit does; the value says it in a summary's words."""

    DELETIONS = "only lines removed"
    REORDERED = "only whitespace or line order changed"
    TRAILING_COMMENTS = "only trailing comments changed"
    IMPORTS = "only imports or package paths changed"
    DECLARATIONS = "only fields, constants or enum members added"
    SCHEMA = "only model field or table options declared"
    PRESENTATION = "only static markup attributes changed"
    BEHAVIOUR = "code changed"


_LITERAL = (r"""(?:"[^"]*"|'[^']*'|`[^`]*`|-?\d[\w.]*|true|false|True|False|None|nil|null"""
            r"""|iota|auto\(\)|\[\]|\{\}|\(\))""")
# An UPPER_CASE constant bound to a literal, in any C-like, Python or Ruby syntax.
_CONSTANT = lazy_compile(
    r"^\s*(?:(?:export|pub(?:\(\w+\))?|public|private|protected|internal|static|final|readonly"
    r"|const|let|var|val)\s+)*(?:[\w<>\[\].?]+\s+)?[A-Z][A-Z0-9_]*\s*(?::\s*[^=]+)?=\s*"
    + _LITERAL + r"(?:\.freeze)?\s*[;,]?\s*$")
_GO_CONST = lazy_compile(r"^\s*const\s+\w+(?:\s+[\w.]+)?\s*=\s*" + _LITERAL + r"\s*$")
# Lines that open a block holding only declarations.
_DECL_OPENER = lazy_compile(
    r"\btype\s+\w+(?:\[[^\]]*\])?\s+(?:struct|interface)\s*\{\s*$|^\s*(?:const|var)\s*\(\s*$"
    r"|^\s*(?:export\s+)?(?:declare\s+)?(?:const\s+)?(?:interface|enum)\s+\w+[^{]*\{\s*$"
    r"|^\s*(?:export\s+)?type\s+\w+(?:<[^>]*>)?\s*=\s*\{\s*$"
    r"|^\s*(?:pub(?:\(\w+\))?\s+)?(?:struct|enum)\s+\w+[^{(]*\{\s*$"
    r"|^\s*class\s+\w+\s*(?:\((?:[\w.]*(?:Enum|TypedDict|NamedTuple|BaseModel|Protocol)"
    r"|[^)]*\bEnum)\)\s*)?:\s*$"
    r"|^\s*@dataclass")
# Inside a declaration block: a field, member or tag without calls or operators.
_MEMBER = lazy_compile(r"^\s*[\w\"'?.]+[\w\s,.:=\[\]<>*&|?\"'`/-]*[;,]?\s*$")
_MEMBER_NOT = lazy_compile(r"\b(?:return|if|for|while|go|defer|yield|raise|throw|await)\b|=>|->|:=")
# A method signature, a declaration only inside an interface: `Name(ctx Ctx) error`.
_SIGNATURE = lazy_compile(r"^\s*(?:readonly\s+)?\w+\??\s*(?:<[^>]*>)?\([^)]*\)"
                          r"\s*[\w.*\[\](),:<>| ]*;?\s*(?://.*)?$")
_INTERFACE = lazy_compile(r"\binterface\b[^{]*\{\s*$")
_CLOSER = lazy_compile(r"^\s*[)}\]]+[;,]?\s*$")

_IMPORT_BY_FAMILY: dict[str, Pattern] = {
    "python": lazy_compile(r"^\s*(?:from\s+[\w.]+\s+import\b|import\s+[\w.]+)"),
    # A bare quoted path (no comma) is only ever an item of Go's `import ( ... )` block.
    "go": lazy_compile(r"^\s*(?:import\s+(?:[\w.]+\s+)?\"|package\s+\w+\s*$"
                       r"|(?:[\w.]+\s+)?\"[^\"]+\"\s*$)"),
    "js": lazy_compile(r"^\s*(?:import\b.*\bfrom\s*['\"]|import\s+['\"]|export\s+(?:type\s+)?"
                       r"(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s*['\"]|\}\s*from\s*['\"]"
                       r"|(?:const|let|var)\s+[\w{}, ]+=\s*require\(['\"][^'\"]+['\"]\);?\s*$)"),
    "ruby": lazy_compile(r"^\s*require(?:_relative)?\s*\(?['\"]"),
    "jvm": lazy_compile(r"^\s*(?:import|package)\s+[\w.*]+(?:\s+as\s+\w+)?;?\s*$"),
    "dotnet": lazy_compile(r"^\s*(?:global\s+)?(?:using\s+(?:static\s+)?[\w.=\s]+|namespace\s+"
                           r"[\w.]+);\s*$"),
    "php": lazy_compile(r"^\s*(?:use\s+[\w\\]+(?:\s+as\s+\w+)?|namespace\s+[\w\\]+);\s*$"),
    "rust": lazy_compile(r"^\s*(?:pub(?:\(\w+\))?\s+)?(?:use\s+[\w:{}, *]+;?|mod\s+\w+;"
                         r"|extern\s+crate\s+\w+;)\s*$"),
    "elixir": lazy_compile(r"^\s*(?:alias|import|require)\s+[\w.]+"),
    "c": lazy_compile(r"^\s*#\s*include\s*[<\"]"),
    "swift": lazy_compile(r"^\s*(?:@testable\s+)?import\s+\w+"),
    "dart": lazy_compile(r"^\s*(?:import|export|part)\s+['\"]"),
}
# Lines opening a multi-line import list: `from x import (`, Go's `import (`, `import {`.
_IMPORT_OPENER = lazy_compile(r"^\s*(?:from\s+[\w.]+\s+import\s*\(|import\s*\("
                              r"|import\s+(?:type\s+)?\{[^}]*$|export\s+\{[^}]*$|use\s+[\w:]+::\{[^}]*$)")
_IMPORT_ITEM = lazy_compile(r"^\s*(?:[\w.]+|_)?\s*(?:\"[^\"]*\"|[\w.]+(?:\s+as\s+\w+)?)?\s*,?\s*$")


def is_import_line(path: str, text: str) -> bool:
    """True when `text` is an import, require or include line in `path`'s language."""
    pattern = _IMPORT_BY_FAMILY.get(language_family(path) or "")
    return pattern is not None and pattern.match(text) is not None


def _norm(text: str) -> str:
    return " ".join(text.split())


def _without_realigned(added: list[str], removed: list[str]) -> tuple[list[str], list[str]]:
    """Drop lines removed and added again with other spacing or in another place (gofmt)."""
    common = Counter(_norm(t) for t in added) & Counter(_norm(t) for t in removed)
    left = Counter(common)

    def keep(lines: list[str], budget: Counter[str]) -> list[str]:
        out = []
        for text in lines:
            key = _norm(text)
            if budget[key] > 0:
                budget[key] -= 1
            else:
                out.append(text)
        return out

    return keep(added, Counter(common)), keep(removed, left)


# A comment after code to the end of the line, holding no quote (so it cannot be the inside of a
# string literal: `"#fff"`, `"http://x"`). Type checkers' ignore codes, flake8's noqa markers,
# `// nolint` and `// eslint-disable-line` tune tools, never what the code does.
_TRAILING_BY_FAMILY: dict[str, Pattern] = {
    **dict.fromkeys(("python", "ruby"), lazy_compile(r"\s+#[^'\"`]*$")),
    **dict.fromkeys(("js", "go", "jvm", "dotnet", "rust", "swift", "dart", "c", "php"),
                    lazy_compile(r"\s+//[^'\"`]*$")),
}


def _only_trailing_comments(family: str, added: list[str], removed: list[str]) -> bool:
    """True when the added and removed lines are the same code once trailing comments go."""
    pattern = _TRAILING_BY_FAMILY.get(family)
    if pattern is None or not added:
        return False
    return (Counter(_norm(pattern.sub("", text)) for text in added)
            == Counter(_norm(pattern.sub("", text)) for text in removed))


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _enclosing(hunk: Hunk, index: int) -> str | None:
    """The nearest line above `index` (in the new file) that is indented less: its block.

    Above the hunk, git's function context (`@@ ... @@ const (`) names the block.
    """
    lines = hunk.lines
    own = _indent(lines[index].text)
    for line in reversed(lines[:index]):
        if line.kind != "-" and line.text.strip() and _indent(line.text) < own:
            return line.text
    return hunk.heading if own and hunk.heading else None


# One entry of a Django `choices` sequence: a (value, label) pair of a constant or literal and a
# literal label, translated or not. Django validates and displays a field's choices from this
# table, so an entry is what an enum member is elsewhere: `(TYPE_100GE_SFP112, 'SFP112'),`.
_CHOICE_PAIR = lazy_compile(
    r"""^\s*\(\s*(?:[A-Z][A-Z0-9_]*|"[^"]*"|'[^']*'|-?\d+)\s*,\s*"""
    r"""(?:(?:_|gettext_lazy|gettext|pgettext_lazy)\(\s*)?(?:"[^"]*"|'[^']*')\s*\)?\s*\),?\s*$""")
# Where choices live: a `*CHOICES = (` table, a `choices=[` argument, or a `...Choices` class
# (Django's TextChoices subclasses, NetBox's ChoiceSet) that git names in the hunk heading.
_CHOICES_CONTAINER = lazy_compile(r"\b[A-Z_]*CHOICES\s*=|\bchoices\s*=|\bclass\s+\w*Choices\b")


def _is_choice_entry(hunk: Hunk, index: int) -> bool:
    if not _CHOICE_PAIR.match(hunk.lines[index].text):
        return False
    return any(_CHOICES_CONTAINER.search(text)
               for text in chain(_ancestors(hunk, index), (hunk.heading,)))


def _is_declaration(hunk: Hunk, index: int) -> bool:
    text = hunk.lines[index].text
    if _CONSTANT.match(text) or _GO_CONST.match(text) or _DECL_OPENER.search(text):
        return True
    if _is_choice_entry(hunk, index):
        return True
    if _CLOSER.match(text):
        return True
    if _MEMBER_NOT.search(text):
        return False
    block = _enclosing(hunk, index)
    if block is None:
        return False
    if _MEMBER.match(text):
        return _DECL_OPENER.search(block) is not None
    return _SIGNATURE.match(text) is not None and _INTERFACE.search(block) is not None


_MEMBER_NAME = lazy_compile(r"^\s*(?:readonly\s+)?([\w\"']+)")


def _retyped_members(changed: ChangedFile, added: list[str], removed: list[str]) -> bool:
    """True when members of type-only blocks changed their type: `x?: T;` became `x?: T | null;`.

    Every removed member must come back under its name, and no line may carry a value: a
    changed constant or enum value is behaviour.
    """
    lines = [*added, *removed]
    if any("=" in text or _CONSTANT.match(text) for text in lines):
        return False
    names = {kind: {match[1] for text in texts if (match := _MEMBER_NAME.match(text))}
             for kind, texts in (("+", added), ("-", removed))}
    if not names["-"] <= names["+"]:
        return False
    return _all(changed, set(lines), "+-", _is_declaration)


# Schema declared in ORM models: a column or field (`birthday = db.Column(db.DateTime)`,
# `tag = models.ForeignKey(...)`) or a Django `Meta` option (`indexes = [...]`). Changing one
# goes with a migration and holds no logic of its own.
_SCHEMA_DECL = lazy_compile(
    r"^\s+\w+\s*(?::\s*[\w\[\]., ]+)?=\s*(?:db|models|sa|orm|fields|me|mapped_column|Column"
    r"|relationship)\b[\w.]*\("
    r"|^\s+(?:indexes|constraints|unique_together|index_together|ordering|db_table|permissions"
    r"|verbose_name|verbose_name_plural|get_latest_by|default_related_name|managed"
    r"|__table_args__|__tablename__)\s*=|^\s+class\s+Meta\s*:")


def _ancestors(hunk: Hunk, index: int) -> Iterator[str]:
    """The line itself, then each less indented line above it, on the same side of the diff."""
    lines = hunk.lines
    skip = "-" if lines[index].kind == "+" else "+"
    text = lines[index].text
    yield text
    level = _indent(text)
    for line in reversed(lines[:index]):
        if line.kind != skip and line.text.strip() and _indent(line.text) < level:
            level = _indent(line.text)
            yield line.text


def _is_schema_declaration(hunk: Hunk, index: int) -> bool:
    if _CLOSER.match(hunk.lines[index].text):
        return True
    if _annotates_field(hunk, index):
        return True
    return any(_SCHEMA_DECL.match(text) for text in _ancestors(hunk, index))


# A one-line annotation (Java, Kotlin, TypeScript decorators) or C# attribute list. On a field it
# declares the field's options (`@Size(max = N)`, `@Column(...)`, `[XmlIgnore]`), as an ORM column
# call does; on a method or class it may switch behaviour on (`@Transactional`), so only fields.
_ANNOTATION = lazy_compile(r"^\s*(?:@\w[\w.]*(?:\(.*\))?|\[\w[\w.]*(?:\(.*\))?"
                           r"(?:\s*,\s*\w[\w.]*(?:\(.*\))?)*\])\s*$")
# A field or property: a type and name (no parameter list before any initialiser), ending in
# `;` or a C# accessor list; or a Kotlin `val`/`var`.
_FIELD = lazy_compile(
    r"^\s*(?!(?:return|throw|yield|await|delete|new)\b)[\w$][\w<>\[\],.?!:|&\s\"']*?"
    r"(?:=(?!=).*;|;|\{\s*(?:get|set|init)\b[^}]*\}.*)\s*$"
    r"|^\s*(?:(?:private|protected|public|internal|override|lateinit|open)\s+)*(?:val|var)\s+\w+")
_NOT_CODE = lazy_compile(r"^\s*(?://|/\*|\*|$)")


def _annotates_field(hunk: Hunk, index: int) -> bool:
    """True when the line is an annotation and the declaration below it (same side) is a field."""
    lines = hunk.lines
    if not _ANNOTATION.match(lines[index].text):
        return False
    skip = "-" if lines[index].kind == "+" else "+"
    for line in lines[index + 1:]:
        if line.kind == skip or _NOT_CODE.match(line.text) or _ANNOTATION.match(line.text):
            continue
        return _FIELD.match(line.text) is not None
    return False


def _in_import_list(hunk: Hunk, index: int) -> bool:
    for line in reversed(hunk.lines[:index]):
        if _IMPORT_OPENER.match(line.text):
            return True
        if not _IMPORT_ITEM.match(line.text) and not _CLOSER.match(line.text):
            return False
    return _IMPORT_OPENER.match(hunk.heading) is not None


def _is_import(hunk: Hunk, index: int, pattern: Pattern) -> bool:
    text = hunk.lines[index].text
    if pattern.match(text) or _IMPORT_OPENER.match(text):
        return True
    return bool((_IMPORT_ITEM.match(text) or _CLOSER.match(text))
                and _in_import_list(hunk, index))


def _all(changed: ChangedFile, wanted: set[str], kinds: str,
         test: Callable[[Hunk, int], bool]) -> bool:
    """True when every changed line of `kinds` whose text is in `wanted` passes `test`."""
    for hunk in changed.hunks:
        for index, line in enumerate(hunk.lines):
            if line.kind in kinds and line.text in wanted and not test(hunk, index):
                return False
    return True


# Statements that only behaviour has: seeing one settles the kind without reading hunks, which
# keeps a 25 MB diff of new code cheap (bench/engine.py).
_STATEMENT = lazy_compile(
    r"^\s*(?:}\s*)?(?:if|else|elif|for|while|return|yield|raise|throw|try|catch|except|def|func"
    r"|function|fn|switch|case|await|async\s+def|do)\b")


# Lines read one at a time before a diff view's whole run is split: the first added statement
# and the first code line are nearly always among a file's first lines (bench/engine.py).
LEADING_LINES = 8
_WHOLE_LINE = 1 << 62  # a `head` cut no line reaches


def leading_first(lines: Sequence[Line], window: int = LEADING_LINES) -> Iterator[Line]:
    """Every line of `lines` in order; from a diff view, the first `window` without splitting
    the rest of their run (a new file's run is the whole file)."""
    if not isinstance(lines, LineRuns) or len(lines) <= window:
        yield from lines
        return
    yield from lines.head(window, _WHOLE_LINE)
    yield from islice(lines, window, None)


class _OldLines:
    """The removed lines, stripped, for `in` tests: most added statements are not in their
    joined text at all (made once per diff view, which api-docs reads too), so the set of
    every stripped line is built only when one is."""

    def __init__(self, removed: Sequence[Line]) -> None:
        self._removed = removed
        self._text: str | None = None
        self._stripped: set[str] | None = None

    def __contains__(self, stripped: str) -> bool:
        if self._text is None:
            self._text = joined_texts(self._removed)
        # A stripped line is part of its line, so of the joined text: absent there, absent.
        if stripped not in self._text:
            return False
        if self._stripped is None:
            self._stripped = {removed.text.strip() for removed in self._removed}
        return stripped in self._stripped


def _adds_statement(changed: ChangedFile, is_code: Callable[[str], bool]) -> bool:
    """True at the first added statement that is not an old line moved or re-indented."""
    old: _OldLines | None = None
    for line in leading_first(changed.added):
        text = line.text
        if _STATEMENT.match(text) and is_code(text):
            if old is None:
                old = _OldLines(changed.removed)
            if text.strip() not in old:
                return True
    return False


def classify_change(changed: ChangedFile, is_code: Callable[[str], bool]) -> ChangeKind:
    """Say what a source file's edit does; `is_code` tells code lines from comments."""
    if changed.patch_missing or changed.binary or _adds_statement(changed, is_code):
        return ChangeKind.BEHAVIOUR
    added = [line.text for line in changed.added if is_code(line.text)]
    removed = [line.text for line in changed.removed if is_code(line.text)]
    added, removed = _without_realigned(added, removed)
    if not added:
        return ChangeKind.DELETIONS if removed else ChangeKind.REORDERED
    family = language_family(changed.path) or ""
    if _only_trailing_comments(family, added, removed):
        return ChangeKind.TRAILING_COMMENTS
    if any(_STATEMENT.match(text) for text in chain(added, removed)):
        return ChangeKind.BEHAVIOUR
    pattern = _IMPORT_BY_FAMILY.get(family)
    if pattern is not None and _all(changed, {*added, *removed}, "+-",
                                    lambda hunk, i: _is_import(hunk, i, pattern)):
        return ChangeKind.IMPORTS
    if not removed and _all(changed, set(added), "+", _is_declaration):
        return ChangeKind.DECLARATIONS
    if _retyped_members(changed, added, removed):
        return ChangeKind.DECLARATIONS
    if _all(changed, {*added, *removed}, "+-", _is_schema_declaration):
        return ChangeKind.SCHEMA
    if _is_markup(changed.path) and all(_STATIC_ATTRIBUTE.match(t) for t in chain(added, removed)):
        return ChangeKind.PRESENTATION
    return ChangeKind.BEHAVIOUR


# Templates of components and pages, where a line may be one attribute of an element.
_MARKUP_EXTENSIONS = frozenset({"vue", "svelte", "astro", "html", "htm"})
# A static attribute (`class="mt-4 mb-4"`, `density="compact"`): presentation, no logic. Bound
# ones (`:to=`, `@click=`, `{...}` values), directives (Vue `v-if`, Alpine `x-show`, htmx
# `hx-get`, AngularJS `ng-if`) and inline handlers (`onclick=`) are code.
_STATIC_ATTRIBUTE = lazy_compile(r'^\s*(?!on|v-|x-|hx-|ng-)[a-zA-Z][\w-]*="[^"{}]*"\s*/?>?\s*$')


def _is_markup(path: str) -> bool:
    return path.rpartition(".")[2].lower() in _MARKUP_EXTENSIONS



_BRANCH = lazy_compile(r"^\s*(?:}\s*)?(?:if|elif|else|unless|switch|case|match|when|for|while"
                       r"|rescue|except|catch)\b|\?\s*[^:]+:|&&|\|\|")
_FUNCTION = lazy_compile(r"^\s*(?:export\s+|pub\s+|public\s+|private\s+|async\s+|static\s+)*"
                         r"(?:def|func|function|fn)\b")
_QUERY = lazy_compile(r"\b(?:SELECT|UPDATE|INSERT|DELETE)\b|\.(?:where|filter|objects|query)\b")


def behaviour_words(changed: ChangedFile, is_code: Callable[[str], bool]) -> str:
    """What a behaviour change adds, in a few words: "new branches", "new functions", ..."""
    if changed.patch_missing or changed.binary:
        return "lines not shown"
    added = [line.text for line in changed.added if is_code(line.text)]
    found = [words for words, pattern in (("new functions", _FUNCTION), ("branches", _BRANCH),
                                          ("queries", _QUERY))
             if any(pattern.search(text) for text in added)]
    return ", ".join(found) if found else "changed calls or expressions"
