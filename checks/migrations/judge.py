"""Judge code migrations (Ruby, JS/TS, PHP, C#, Elixir) by the rules every code framework shares.

Down step empty or refusing, a missing down, the irreversible commands of an auto-reversible
`change`, and the hunk rule: a step is judged only when both its ends are visible and the PR
touched it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checks.lazyre import Pattern
from checks.migrations.base import MigrationContext, Segment, finding
from checks.migrations.lexer import Code, Lang
from checks.migrations.matcher import Block, is_blank, skip_space
from checks.model import ChangedFile, FileStatus, Finding


@dataclass(frozen=True)
class Irreversible:
    """One command of an auto-reversible step that cannot invert itself."""

    offset: int
    command: str
    why: str


@dataclass(frozen=True)
class Style:
    """How one framework writes migrations in code: its steps, refusals, no-ops and rule ids.

    `refusal` matches (at the start of the masked down body, after idle calls are removed) a
    statement that raises instead of reverting; its group 1 names what is raised. `idle`
    blanks statements that do nothing (`return;`, a platform guard, an empty generator stub).
    `change` lists the commands of an auto-reversible step that cannot invert themselves.
    """

    framework: str
    rule: str
    lang: Lang
    steps: Callable[[Code], list[Block]]
    refusal: Pattern
    idle: Callable[[str], str] = lambda body: body
    change: Callable[[Code, Block], list[Irreversible]] | None = None
    refusing_rule: str = "refusing-down"
    # Rails and Phinx run `change` when a class defines it, and never `up`/`down` beside it.
    change_wins: bool = False
    # True for an up step (raw text: SQL strings included) that only moves data (UPDATE/INSERT,
    # model updates): an empty down then says there is nothing to undo.
    data_only: Callable[[str], bool] | None = None

    def rule_id(self, defect: str) -> str:
        """The rule id of `defect` (`empty-down`, ...) for this framework."""
        return f"{self.rule}-{defect}"


def _by_name(blocks: list[Block]) -> dict[str, Block]:
    out: dict[str, Block] = {}
    for block in blocks:
        out.setdefault(block.name, block)
    return out


def down_verdict(code: Code, block: Block, style: Style) -> tuple[str, str] | None:
    """('empty-down', '') or (refusing rule, what is raised) for a closed down step; else None."""
    body = style.idle(block.body(code))
    if is_blank(body):
        return "empty-down", ""
    first = skip_space(body, 0)
    m = style.refusal.match(body, first)
    if m is None:
        return None
    group = next((g for g in range(1, (m.re.groups or 0) + 1) if m.group(g) is not None), 0)
    start, end = m.span(group)
    raw = code.raw[block.start + start:block.start + end]
    raised = " ".join(raw.split())[:80] or m.group(0).strip()
    return style.refusing_rule, raised


def judge_whole(code: Code, style: Style, path: str) -> list[Finding]:
    """Judge a migration whose whole text is visible (a new file)."""
    steps = _by_name(style.steps(code))
    down, up, change = steps.get("down"), steps.get("up"), steps.get("change")
    if change is not None and style.change_wins:
        return _change_findings(code, change, style, path, None)
    if down is not None:
        if not down.closed:
            return []
        verdict = down_verdict(code, down, style)
        if verdict is None:
            return []
        if verdict[0] == "empty-down" and up is not None and up.closed and is_blank(
                style.idle(up.body(code))):
            return []  # nothing to undo: an empty up with an empty down
        if (verdict[0] == "empty-down" and up is not None and up.closed
                and style.data_only is not None and style.data_only(code.raw[up.start:up.end])):
            return []  # a data migration: nothing in the schema to undo
        return [_finding(style, verdict, path, code.line_of(down.head))]
    if change is not None:
        return _change_findings(code, change, style, path, None)
    if up is not None and up.closed and not is_blank(style.idle(up.body(code))):
        return [finding(style.rule_id("missing-down"), path, code.line_of(up.head))]
    return []


def _finding(style: Style, verdict: tuple[str, str], path: str, line: int) -> Finding:
    rule, raised = verdict
    return finding(style.rule_id(rule), path, line, raised=raised)


def _change_findings(code: Code, block: Block, style: Style, path: str,
                     touched: frozenset[int] | None) -> list[Finding]:
    if style.change is None:
        return []
    out = []
    for item in style.change(code, block):
        line = code.line_of(item.offset)
        if touched is None or line in touched:
            out.append(finding(style.rule_id("irreversible-change"), path, line,
                               command=item.command, why=item.why))
    return out


def judge_hunks(ctx: MigrationContext, change: ChangedFile, style: Style) -> list[Finding]:
    """Judge what the hunks of a modified migration show: touched down and change steps only."""
    out: list[Finding] = []
    reversals = 0  # a down or change step the head still shows
    for seg in ctx.head_view(change).segments:
        code = Code.of(seg.text, style.lang, seg.start)
        for block in style.steps(code):
            reversals += block.name in ("down", "change")
            out.extend(_judge_visible(code, block, style, change.path, seg))
    if not reversals:
        out.extend(_removed_downs(ctx, change, style))
    return out


def _judge_visible(code: Code, block: Block, style: Style, path: str,
                   seg: Segment) -> list[Finding]:
    head_line = code.line_of(block.head)
    if block.name == "change":
        return _change_findings(code, block, style, path, seg.touched)
    if block.name != "down" or block.end is None:
        return []
    if not seg.is_touched(head_line, code.line_of(block.end)):
        return []
    verdict = down_verdict(code, block, style)
    return [] if verdict is None else [_finding(style, verdict, path, head_line)]


def _removed_downs(ctx: MigrationContext, change: ChangedFile, style: Style) -> list[Finding]:
    """A down step that the base shows in full and the PR removes line by line."""
    gone = _removed_lines(change)
    for seg in ctx.base_view(change).segments:
        code = Code.of(seg.text, style.lang, seg.start)
        for block in style.steps(code):
            if block.name != "down" or block.end is None:
                continue
            first, last = code.line_of(block.head), code.line_of(block.end)
            if all(n in gone for n in range(first, last + 1)) and down_verdict(
                    code, block, style) is None:
                line = _head_line_at(change, first)
                return [finding(style.rule_id("missing-down"), change.path, line)]
    return []


def _removed_lines(change: ChangedFile) -> frozenset[int]:
    return frozenset(line.number for line in change.removed)


def _head_line_at(change: ChangedFile, old_line: int) -> int:
    """The head line where base line `old_line` was (the next line the head still has)."""
    for hunk in change.hunks:
        last_new = max(hunk.new_start, 1)
        for hl in hunk.lines:
            if hl.new is not None:
                last_new = hl.new
            if hl.old == old_line:
                return last_new
    return 1


def judge_files(ctx: MigrationContext, style: Style,
                pick: Callable[[MigrationContext, ChangedFile], bool]) -> list[Finding]:
    """Judge every changed file `pick` accepts as this framework's migration."""
    out: list[Finding] = []
    for change in ctx.files:
        if change.status is FileStatus.REMOVED or change.binary or change.patch_missing:
            continue
        if change.is_pure_rename or not pick(ctx, change):
            continue
        view = ctx.head_view(change)
        if view.whole:
            code = Code.of(view.text, style.lang, 1)
            # A new file with no step at all (a helper, an index of migrations) is no migration.
            if style.steps(code) and ctx.claim(change.path, style.framework):
                out.extend(judge_whole(code, style, change.path))
        elif ctx.claim(change.path, style.framework):
            out.extend(judge_hunks(ctx, change, style))
    return out


def head_text(ctx: MigrationContext, change: ChangedFile) -> str:
    """The head lines the diff shows of `change` (the whole file when it is new)."""
    return "\n".join(seg.text for seg in ctx.head_view(change).segments)
