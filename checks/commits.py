"""The `commits` check: is the PR small enough to review, and are its commits clean?

Size is the changed lines (additions + deletions) of the files a reviewer actually reads: lock
files, generated files, vendored trees, pure renames, recorded HTTP fixtures and snapshots,
translation catalogues, large data files and squashed migrations are not counted
(checks/uncounted.py); the summary says how many of each were left out. Spread is the number of
counted files and of top-level areas they sit in. Hygiene looks at each commit: autosquash and
work-in-progress commits, empty, one-word and over-long subjects, merges of the base branch into
the PR, and oversized commits. A diff-only snapshot (no commit data) is judged on size alone.

Choices worth knowing:
- Size labels use the prow/size-label-action buckets (see SIZE_LABELS); they are fixed so a
  label means the same in every repository.
- An area is a path's first folder (root files are one area, "(root)"); inside a monorepo
  container (`packages/`, `apps/`, `services/`, ... option `area_containers`) it is two folders.
- Merge commits are judged only on whether they merge the base branch in (git writes their
  subject). Without `base_ref`, main/master/develop/development/dev/trunk count as the base.
- `Revert "..."` / `Reapply "..."` subjects are git's, so their length is not held against them,
  nor is the " (#123)" GitHub appends when it squash-merges; a bare version ("1.4.0", as
  `npm version` writes) is not a one-word subject.
- A leading gitmoji shortcode (`:memo:`) is not a word, like the emoji it stands for; gitmoji's 🚧
  (`:construction:`) marks work in progress, and so does "wip" after a Conventional Commits type
  (`feat(ui): wip ...`).
- Commits by bots (`[bot]` accounts, Dependabot, Renovate) are skipped: their messages are
  generated and nobody on the team can reword them. Their files still count towards size.
- In a draft PR, WIP and autosquash commits are notices: unfinished work is expected there.
- A commit is judged on size only when its file list (if known) holds nothing but counted files,
  since a lock file or a moved file inside it cannot be subtracted from its line count; in a
  one-commit PR the PR's own size rule speaks instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from checks.lazyre import lazy_compile
from checks.model import (
    ChangedFile,
    Commit,
    Finding,
    Outcome,
    Severity,
    Snapshot,
    Status,
)
from checks.spec import CheckSpec, Option
from checks.uncounted import Uncounted, uncounted

# Size labels by changed lines, the buckets of Kubernetes' prow `size` plugin and of
# pascalgn/size-label-action (XS < 10, S < 30, M < 100, L < 500, XL < 1000, XXL >= 1000), so a
# team moving from either keeps its labels' meaning. Largest first.
SIZE_LABELS: tuple[tuple[int, str], ...] = (
    (1000, "XXL"), (500, "XL"), (100, "L"), (30, "M"), (10, "S"), (0, "XS"),
)

# Monorepo folders whose children are separate areas (npm/pnpm/yarn workspaces, Nx, Turborepo,
# Cargo workspaces, Terraform modules): `packages/ui/x.ts` is area `packages/ui`.
DEFAULT_CONTAINERS: tuple[str, ...] = (
    "apps", "packages", "libs", "services", "crates", "modules", "plugins",
)
ROOT_AREA = "(root)"

# Branch names taken for the base when the snapshot does not say (a local diff, an old payload).
DEFAULT_BASES = frozenset({"main", "master", "develop", "development", "dev", "trunk"})

# Past this many commit findings the rest are summarised in one: a 250-commit PR of "wip"
# commits needs one message, not 250 annotations.
MAX_COMMIT_FINDINGS = 50

HYGIENE_RULES: tuple[str, ...] = (
    "commit-fixup", "commit-wip", "commit-subject-empty", "commit-subject-one-word",
    "commit-subject-too-long", "commit-merge-from-base", "commit-too-large",
)

OPTIONS: Mapping[str, Option] = {
    "warn_lines": Option(400, "int", "warn when the PR changes more lines than this "
                         "(lock, generated, vendored and renamed files, recorded fixtures, "
                         "translation catalogues, large data files and squashed migrations not "
                         "counted; 0 = off)",
                         minimum=0),
    "fail_lines": Option(1000, "int", "fail when the PR changes more lines than this (0 = off)",
                         minimum=0),
    "warn_files": Option(50, "int", "warn when the PR touches more counted files than this "
                         "(0 = off)", minimum=0),
    "warn_areas": Option(6, "int", "warn when the PR touches more top-level areas than this "
                         "(0 = off)", minimum=0),
    "area_containers": Option(list(DEFAULT_CONTAINERS), "str_list",
                              "monorepo folders whose subfolders are areas of their own "
                              "(`services/billing`, `packages/ui`)"),
    "max_commit_lines": Option(500, "int", "flag a commit that changes more lines than this "
                               "(0 = off)", minimum=0),
    "max_subject_length": Option(72, "int", "flag commit subjects longer than this many "
                                 "characters (0 = off)", minimum=0),
    "hygiene_level": Option("warn", "choice", "severity of commit hygiene findings",
                            choices=("warn", "fail")),
    "hygiene": Option({rule: True for rule in HYGIENE_RULES}, "bool_map",
                      "turn single commit hygiene rules on or off by rule id"),
    "lenient_bots": Option(True, "bool", "skip commit hygiene for commits by bots "
                           "(dependabot[bot], renovate[bot], ...): their messages are generated"),
}


@dataclass(frozen=True)
class CommitsOptions:
    """The commits check's options; keys, defaults and docs are declared in `OPTIONS`."""

    warn_lines: int
    fail_lines: int
    warn_files: int
    warn_areas: int
    area_containers: tuple[str, ...]
    max_commit_lines: int
    max_subject_length: int
    hygiene_level: Severity
    hygiene: Mapping[str, bool]
    lenient_bots: bool


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- size and spread -------------------------------------------------------------------------


def size_label(lines: int) -> str:
    """Return the XS ... XXL label for a number of changed lines."""
    for floor, label in SIZE_LABELS:
        if lines >= floor:
            return label
    return SIZE_LABELS[-1][1]


def excluded_reason(changed: ChangedFile) -> Uncounted | None:
    """Say why a file does not count towards the PR's size, or None when it counts."""
    return uncounted(changed)


def area_of(path: str, containers: Iterable[str] = DEFAULT_CONTAINERS) -> str:
    """Return the top-level area of a path: its first folder, two inside a monorepo container."""
    return _area(path, _container_names(containers))


def _container_names(containers: Iterable[str]) -> frozenset[str]:
    return frozenset(c.strip("/").lower() for c in containers)


def _area(path: str, containers: frozenset[str]) -> str:
    parts = path.strip("/").split("/")
    if len(parts) == 1:
        return ROOT_AREA
    if len(parts) >= 3 and parts[0].lower() in containers:
        return f"{parts[0]}/{parts[1]}"
    return parts[0]


@dataclass(frozen=True)
class Size:
    """What the PR's counted files add up to."""

    lines: int
    files: int
    excluded: int
    area_lines: tuple[tuple[str, int], ...]  # most changed lines first
    # (why, files, changed lines) of what was left out, in Uncounted's order
    left_out: tuple[tuple[Uncounted, int, int], ...] = ()

    @property
    def label(self) -> str:
        """The XS ... XXL size label."""
        return size_label(self.lines)

    @property
    def areas(self) -> tuple[str, ...]:
        """Area names, most changed lines first."""
        return tuple(name for name, _ in self.area_lines)


def measure(files: Sequence[ChangedFile], containers: Iterable[str] = DEFAULT_CONTAINERS) -> Size:
    """Add up the changed lines, files and areas of the files that count."""
    names = _container_names(containers)
    counted: list[ChangedFile] = []
    left_files: Counter[Uncounted] = Counter()
    left_lines: Counter[Uncounted] = Counter()
    for changed in files:
        reason = excluded_reason(changed)
        if reason is None:
            counted.append(changed)
        else:
            left_files[reason] += 1
            left_lines[reason] += changed.additions + changed.deletions
    per_area: Counter[str] = Counter()
    for changed in counted:
        per_area[_area(changed.path, names)] += changed.additions + changed.deletions
    ordered = sorted(per_area.items(), key=lambda item: (-item[1], item[0]))
    lines = sum(f.additions + f.deletions for f in counted)
    left_out = tuple((reason, left_files[reason], left_lines[reason])
                     for reason in Uncounted if left_files[reason])
    return Size(lines, len(counted), len(files) - len(counted), tuple(ordered), left_out)


def _left_out_text(size: Size) -> str:
    """`2 lock files, 600 lines; 12 recorded fixtures, 96424 lines`: what was left out, why."""
    parts = []
    for reason, files, lines in size.left_out:
        parts.append(_plural(files, reason.value) + (f", {_plural(lines, 'line')}" if lines
                                                     else ""))
    return "; ".join(parts)


def _largest_areas(size: Size, limit: int = 3) -> str:
    parts = [f"{name} ({lines})" for name, lines in size.area_lines[:limit]]
    return ", ".join(parts)


def _size_findings(size: Size, options: CommitsOptions) -> list[Finding]:
    warn, fail = options.warn_lines, options.fail_lines
    where = f" Most changed lines: {_largest_areas(size)}." if size.area_lines else ""
    if fail and size.lines > fail:
        return [Finding(f"This PR changes {size.lines} lines, over the {fail}-line limit; "
                        f"split it into PRs that can be reviewed on their own.{where}",
                        rule="pr-too-large", severity=Severity.FAIL)]
    if warn and size.lines > warn:
        return [Finding(f"This PR changes {size.lines} lines, over {warn}; large PRs get "
                        f"shallower reviews, consider splitting it.{where}",
                        rule="pr-large", severity=Severity.WARN)]
    return []


def _spread_findings(size: Size, options: CommitsOptions) -> list[Finding]:
    findings = []
    max_files, max_areas = options.warn_files, options.warn_areas
    if max_files and size.files > max_files:
        findings.append(Finding(f"This PR touches {size.files} files, over {max_files}; "
                                "consider splitting it.", rule="pr-many-files",
                                severity=Severity.WARN))
    if max_areas and len(size.areas) > max_areas:
        names = ", ".join(size.areas[:10]) + (", ..." if len(size.areas) > 10 else "")
        findings.append(Finding(f"This PR touches {len(size.areas)} areas, over {max_areas} "
                                f"({names}); one PR per area is easier to review and revert.",
                                rule="pr-many-areas", severity=Severity.WARN))
    return findings


# --- commit hygiene --------------------------------------------------------------------------

# git's autosquash markers (`git commit --fixup/--squash`, `--fixup=amend:` writes `amend!`).
_AUTOSQUASH = lazy_compile(r"^(fixup|squash|amend)!")
# Work in progress: at the start ("WIP", "[WIP] x", "wip: x"), bracketed anywhere ("x (WIP)"),
# or after a separator at the end ("parser: wip"). Word boundaries keep "Wipe cache" out.
_WIP = lazy_compile(
    r"^\W*wip\b|[\[(]\s*wip\s*[\])]|[:\-–]\s*wip\W*$", re.IGNORECASE
)
# "tmp" / "temp commit" as the whole subject, or as a prefix: "tmp: try cache", "[temp] x".
_TEMP = lazy_compile(r"^\W*(tmp|temp)(\s+commit)?\W*$|^(tmp|temp)(:|\s+-\s)|^[\[(](tmp|temp)[\])]",
                     re.IGNORECASE)
_DO_NOT_MERGE = lazy_compile(r"^\W*(do not merge|dnm)\b", re.IGNORECASE)
# Gitmoji's "work in progress" emoji, as the character or the shortcode.
_CONSTRUCTION = lazy_compile(r"^\W*(\U0001f6a7|:construction:)")
# What may open a subject before the words: gitmoji shortcodes (`:sparkles:`) and a
# Conventional Commits type (`feat(ui)!:`); "feat: wip" is as unfinished as "wip".
_SHORTCODES = lazy_compile(r"^(?:\s*:[a-z0-9_+-]+:)+")
_LEAD = lazy_compile(r"^(?:\W*:[a-z0-9_+-]+:)*\W*(?:[a-z]+(?:\([^)]*\))?!?:\s+)?", re.IGNORECASE)
# GitHub appends the PR number when it squash-merges (" (#123)"): not the author's characters.
_SQUASH_SUFFIX = lazy_compile(r"\s+\(#[0-9]+\)$")
# A message whose first line is a trailer has no subject (`git commit -s --allow-empty-message`).
_TRAILER = lazy_compile(r"^(signed-off-by|co-authored-by|change-id|reviewed-by|acked-by):",
                        re.IGNORECASE)
# `npm version`, `cargo release` and friends commit with the bare version as the subject.
_VERSION = lazy_compile(r"^v?\d+(\.\d+)+([-+.][0-9A-Za-z.-]+)?$")
# Subjects git writes itself when reverting; their length is not the author's choice.
_GENERATED_SUBJECT = lazy_compile(r'^(Revert|Reapply) "')
_CJK = lazy_compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Short CJK subjects are words ("修复" is "fix"); longer ones are sentences without spaces.
_CJK_ONE_WORD_MAX = 3
_BOT_AUTHOR = lazy_compile(r"\[bot\]$|^(dependabot|renovate|pre-commit-ci|github-actions)\b"
                           r"|\bbot$", re.IGNORECASE)
# The subjects git, GitHub ("Update branch"), GitLab and people write when merging a branch in.
_MERGE_SUBJECT = lazy_compile(
    r"^Merged? (?P<remote>remote-tracking )?(?:branch )?'?(?P<source>[^'\s]+)'?"
    r"(?: of \S+)?(?: into .+)?$",
    re.IGNORECASE,
)
_REMOTES = frozenset({"origin", "upstream"})
_SUBJECT_SHOWN = 72


def commit_subject(message: str) -> str:
    """The commit's subject: its first non-blank line, empty when that line is a trailer."""
    for line in message.splitlines():
        if line.strip():
            return "" if _TRAILER.match(line.strip()) else line.strip()
    return ""


def is_bot(author: str | None) -> bool:
    """True for authors that are bots (GitHub App `[bot]` accounts, Dependabot, Renovate)."""
    return bool(author and _BOT_AUTHOR.search(author.strip()))


def _words(subject: str) -> list[str]:
    subject = _SHORTCODES.sub("", subject)  # a leading `:memo:` is gitmoji's "📝", not a word
    return [token for token in subject.split() if any(ch.isalnum() for ch in token)]


def is_one_word(subject: str) -> bool:
    """True when a subject is a single word, like "fix" or "update" (not a bare version)."""
    words = _words(subject)
    if len(words) != 1 or _VERSION.match(words[0]):
        return False
    return not (_CJK.search(words[0]) and len(words[0]) > _CJK_ONE_WORD_MAX)


def wip_kind(subject: str) -> str | None:
    """Say how a subject marks unfinished work ("work in progress", ...), or None."""
    lead = _LEAD.match(subject)  # matches every subject: each part of it is optional
    bare = subject[lead.end():] if lead else subject
    if _DO_NOT_MERGE.match(subject) or _DO_NOT_MERGE.match(bare):
        return "marked do-not-merge"
    if _WIP.search(subject) or _WIP.match(bare) or _CONSTRUCTION.match(subject):
        return "marked work in progress"
    if _TEMP.match(subject) or _TEMP.match(bare):
        return "a temporary commit"
    return None


def _branch(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/remotes/"):
        if ref.startswith(prefix):
            return ref[len(prefix):]
    return ref


def merged_branch(subject: str) -> str | None:
    """The local name of the branch a merge subject says was merged in, when it says one."""
    match = _MERGE_SUBJECT.match(subject)
    if not match or match.group("source").lower() in ("pull", "tag", "commit"):
        return None
    source = _branch(match.group("source"))
    head, _, rest = source.partition("/")
    if rest and (match.group("remote") or head in _REMOTES):
        return rest
    return source


def _shown(subject: str) -> str:
    if len(subject) <= _SUBJECT_SHOWN:
        return subject
    return subject[: _SUBJECT_SHOWN - 1] + "…"


# eq=False: what one run's commit rules read, never compared.
@dataclass(frozen=True, eq=False)
class HygieneContext:
    """What the per-commit rules need beside the commit itself."""

    bases: frozenset[str]
    max_commit_lines: int
    max_subject_length: int
    counted_paths: frozenset[str]
    single_commit: bool


Problem = tuple[str, str]  # (rule id, what is wrong, without the commit's name)


def _merge_problems(subject: str, ctx: HygieneContext) -> list[Problem]:
    source = merged_branch(subject)
    if source is None or source not in ctx.bases:
        return []
    return [("commit-merge-from-base", f"merges the base branch {source} into this branch; "
             f"rebase onto {source} instead so the history stays linear")]


def _subject_problems(subject: str) -> list[Problem]:
    marker = _AUTOSQUASH.match(subject)
    if marker:
        return [("commit-fixup", f"an autosquash commit ({marker.group(0)}); fold it in with "
                 "git rebase -i --autosquash before merging")]
    kind = wip_kind(subject)
    if kind:
        return [("commit-wip", f"{kind}; squash it into a finished commit or reword it")]
    if not _words(subject):
        return [("commit-subject-empty", "has no subject; say what the commit changes")]
    if is_one_word(subject):
        return [("commit-subject-one-word", "a one-word subject says little; say what changed "
                 "and why (\"Fix rounding of invoice totals\")")]
    return []


def _length_problems(subject: str, ctx: HygieneContext) -> list[Problem]:
    limit = ctx.max_subject_length
    subject = _SQUASH_SUFFIX.sub("", subject)
    if not limit or len(subject) <= limit or _GENERATED_SUBJECT.match(subject):
        return []
    if _AUTOSQUASH.match(subject):
        return []  # the subject goes away when the commit is folded in
    return [("commit-subject-too-long", f"the subject is {len(subject)} characters, over "
             f"{limit}; git log and GitHub cut it off, move the detail to the body")]


def _size_problems(commit: Commit, ctx: HygieneContext) -> list[Problem]:
    lines = commit.changed_lines
    if not ctx.max_commit_lines or lines is None or lines <= ctx.max_commit_lines:
        return []
    if ctx.single_commit:
        return []  # the PR's own size rule already speaks for a one-commit PR
    if commit.files is not None and not set(commit.files) <= ctx.counted_paths:
        return []  # it also touches lock/generated/vendored/moved/ignored files: can't split it
    return [("commit-too-large", f"changes {lines} lines, over {ctx.max_commit_lines}; smaller "
             "commits are easier to review, bisect and revert")]


def commit_problems(commit: Commit, ctx: HygieneContext) -> list[Problem]:
    """Return the (rule, message) hygiene problems of one commit."""
    subject = commit_subject(commit.message)
    if commit.is_merge:
        return _merge_problems(subject, ctx)
    problems = _subject_problems(subject)
    if not any(rule == "commit-fixup" for rule, _ in problems):
        problems += _length_problems(subject, ctx)
    return problems + _size_problems(commit, ctx)


def _message(commit: Commit, text: str) -> str:
    subject = commit_subject(commit.message)
    short = commit.sha[:7] or "(no sha)"
    if not subject:
        return f"Commit {short} {text}."
    return f'Commit {short} "{_shown(subject)}": {text}.'


# Unfinished work is expected while a PR is a draft: say it, don't hold the PR to it yet.
_DRAFT_NOTICE_RULES = frozenset({"commit-fixup", "commit-wip"})


def _severity_for(rule: str, snapshot: Snapshot, options: CommitsOptions) -> Severity:
    if snapshot.draft and rule in _DRAFT_NOTICE_RULES:
        return Severity.NOTICE
    return options.hygiene_level


def _bases(base_ref: str) -> frozenset[str]:
    return frozenset({_branch(base_ref)}) if base_ref else DEFAULT_BASES


def _context(snapshot: Snapshot, commits: Sequence[Commit], options: CommitsOptions,
             ) -> HygieneContext:
    # Head paths only: a commit read with `git log --no-renames --numstat` (the CLI) lists a
    # moved file's old path too and counts the whole file out and in, so it is not judged.
    counted = frozenset(f.path for f in snapshot.files if excluded_reason(f) is None)
    non_merges = [c for c in commits if not c.is_merge]
    return HygieneContext(
        bases=_bases(snapshot.base_ref),
        max_commit_lines=options.max_commit_lines,
        max_subject_length=options.max_subject_length,
        counted_paths=counted,
        single_commit=len(non_merges) <= 1,
    )


def hygiene_findings(snapshot: Snapshot, options: CommitsOptions) -> list[Finding]:
    """Return the hygiene findings of every commit, oldest first."""
    commits = snapshot.commits or ()
    ctx = _context(snapshot, commits, options)
    skip_bots = options.lenient_bots
    findings = []
    for commit in commits:
        if skip_bots and is_bot(commit.author):
            continue
        for rule, text in commit_problems(commit, ctx):
            if options.hygiene.get(rule, True):
                findings.append(Finding(_message(commit, text), rule=rule,
                                        severity=_severity_for(rule, snapshot, options)))
    return findings


def _capped(findings: list[Finding]) -> list[Finding]:
    if len(findings) <= MAX_COMMIT_FINDINGS:
        return findings
    rest = len(findings) - MAX_COMMIT_FINDINGS
    more = Finding(f"{rest} more commit hygiene findings not listed.", rule="commit-more",
                   severity=Severity.NOTICE)
    return [*findings[:MAX_COMMIT_FINDINGS], more]


# --- the check -------------------------------------------------------------------------------


def _status(findings: Iterable[Finding]) -> Status:
    severities = {f.severity for f in findings}
    if Severity.FAIL in severities:
        return Status.FAIL
    return Status.WARN if Severity.WARN in severities else Status.PASS


def _size_summary(size: Size, options: CommitsOptions) -> str:
    text = (f"{size.label}: {_plural(size.lines, 'changed line')} in "
            f"{_plural(size.files, 'file')} across {_plural(len(size.areas), 'area')}")
    fail, warn = options.fail_lines, options.warn_lines
    if fail and size.lines > fail:
        text += f", over the {fail}-line limit"
    elif warn and size.lines > warn:
        text += f", over {warn}"
    if size.excluded:
        text += f" (not counted: {_left_out_text(size)})"
    return text


def _hygiene_summary(snapshot: Snapshot, findings: Sequence[Finding],
                     options: CommitsOptions) -> str:
    if snapshot.commits is None:
        return "size only: no commit data"
    counted = [f for f in findings if f.severity is not Severity.NOTICE]
    noted = len(findings) - len(counted)
    word = "problem" if options.hygiene_level is Severity.FAIL else "warning"
    if counted:
        text = _plural(len(counted), f"commit hygiene {word}")
    else:
        text = f"{_plural(len(snapshot.commits), 'commit')} clean" if snapshot.commits else (
            "no commits")
    return text + (f" ({_plural(noted, 'draft notice')})" if noted else "")


def check(snapshot: Snapshot, options: CommitsOptions) -> Outcome:
    """Judge the PR's size and spread, and the hygiene of each of its commits."""
    size = measure(snapshot.files, options.area_containers)
    hygiene = hygiene_findings(snapshot, options) if snapshot.commits else []
    findings = _size_findings(size, options) + _spread_findings(size, options) + _capped(hygiene)
    summary = f"{_size_summary(size, options)}; {_hygiene_summary(snapshot, hygiene, options)}"
    stats = {
        "size_label": size.label,
        "changed_lines": size.lines,
        "files_counted": size.files,
        "areas": len(size.areas),
        "area_names": list(size.areas),
        "excluded_files": size.excluded,
        "excluded": {reason.name.lower(): {"files": files, "lines": lines}
                     for reason, files, lines in size.left_out},
    }
    return Outcome(_status(findings), summary, tuple(findings), stats=stats)


CHECK = CheckSpec(
    id="commits",
    title="Small PR, clean commits",
    run=check,
    options_type=CommitsOptions,
    rules=("pr-too-large", "pr-large", "pr-many-files", "pr-many-areas", *HYGIENE_RULES,
           "commit-more"),
    options=OPTIONS,
    description="PR size and spread with an XS-XXL label, and per-commit hygiene.",
)
