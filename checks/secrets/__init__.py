"""The `secrets` check: credentials on the lines a PR adds, named by file and line, never echoed.

Provider rules (rules.py) match documented token shapes, the generic rule (generic.py) a random
literal under a secret-named key, pem.py private key blocks and urls.py passwords in connection
URLs. scan.py runs them all in one pass; quiet.py keeps placeholders and look-alikes out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checks.config import compile_globs
from checks.globs import Globs
from checks.lazyre import lazy_compile
from checks.mask import mask_secret
from checks.model import ChangedFile, Finding, Outcome, Severity, Snapshot, Status
from checks.paths import is_vendored
from checks.secrets import generic, pem, urls
from checks.secrets.catalog import PROVIDER_RULES
from checks.secrets.scan import Hit, find_secrets, scan_lines
from checks.spec import CheckSpec, Option

ALLOW_MARKER = lazy_compile(r"shipshape:allow[ \t]+secrets?\b[ \t:]*(?P<reason>.*)", re.IGNORECASE)
# Comment closers that follow a marker in HTML, C, Jinja and similar comments.
_COMMENT_END = lazy_compile(r"\s*(?:-->|\*/|#}|%>|\*\)|--%>)\s*$")

RULE_IDS: tuple[str, ...] = (
    *(rule.id for rule in PROVIDER_RULES), generic.AWS_SECRET_ID, pem.RULE_ID, urls.RULE_ID,
    generic.RULE_ID,
)

OPTIONS: Mapping[str, Option] = {
    "generic_level": Option(
        "fail", "choice", "severity of a generic-rule hit (a random literal under a secret-named "
        "key); provider tokens and private keys always fail", choices=("fail", "warn"),
    ),
    "allow_paths": Option(
        [], "glob_list", "paths whose secrets are reported as notices, not failures (test "
        "fixtures with throwaway keys); gitignore syntax",
    ),
    "rules": Option(
        dict.fromkeys(RULE_IDS, True), "bool_map", "turn single rules off by id, e.g. "
        "`rules: {jwt: false}`; see docs/secrets.md for every id",
    ),
}


def _allow_reason(text: str) -> str | None:
    """The reason of a `shipshape:allow secret <reason>` marker on the line, '' when none."""
    match = ALLOW_MARKER.search(text)
    if match is None:
        return None
    return _COMMENT_END.sub("", match.group("reason")).strip()


def _allow_reasons(files: Sequence[ChangedFile], hits: Sequence[Hit],
                   ) -> dict[tuple[str, int], str | None]:
    """The allow marker's reason on each line a hit (or the line above a key block) names.

    Each line is searched once, however many hits it holds: one long minified line with
    dozens of hits would otherwise be searched again for each.
    """
    wanted = {(h.path, h.line) for h in hits} | {(h.path, h.line - 1) for h in hits if h.end_line}
    paths = {path for path, _ in wanted}
    return {(f.path, line.number): _allow_reason(line.text) for f in files if f.path in paths
            for line in scan_lines(f) if (f.path, line.number) in wanted}


def _describe(hit: Hit) -> str:
    masked = mask_secret(hit.value)
    if hit.rule == generic.RULE_ID:
        return f"secret-looking literal {masked} assigned to `{hit.key}`"
    if hit.rule == pem.RULE_ID:
        span = f" (lines {hit.line}-{hit.end_line})" if hit.end_line else ""
        return f"{hit.name}{span}"
    return f"{hit.name} {masked}"


def _finding(hit: Hit, reasons: Mapping[tuple[str, int], str | None],
             allowed: Globs,
             generic_severity: Severity) -> Finding:
    what = _describe(hit)
    reason = reasons.get((hit.path, hit.line))
    if reason is None and hit.end_line:
        reason = reasons.get((hit.path, hit.line - 1))
    end = hit.end_line if hit.end_line and hit.end_line != hit.line else None
    if hit.checksum_mismatch:
        return Finding(f"Looks like {what}, but its checksum does not match: a made-up value or "
                       "a typo, not reported as a secret.", hit.path, hit.line, end, hit.rule,
                       Severity.NOTICE)
    if reason is not None:
        why = f": {reason}" if reason else " (no reason given)"
        return Finding(f"Allowed by an inline shipshape:allow marker{why}. {what}.",
                       hit.path, hit.line, end, hit.rule, Severity.NOTICE)
    if allowed.match_file(hit.path):
        return Finding(f"Allowed by secrets.allow_paths. {what}.", hit.path, hit.line, end,
                       hit.rule, Severity.NOTICE)
    severity = Severity.FAIL if hit.provider or hit.rule != generic.RULE_ID \
        else generic_severity
    advice = ("rotate it and load it from the environment or a secret store" if severity is
              Severity.FAIL else "load it from the environment or a secret store")
    return Finding(f"{what[0].upper()}{what[1:]} on an added line: {advice}.", hit.path,
                   hit.line, end, hit.rule, severity)


def _summary(findings: Sequence[Finding], skipped: int, mismatched: int = 0,
             vendored: int = 0) -> str:
    blocking = [f for f in findings if f.severity is not Severity.NOTICE]
    allowed = len(findings) - len(blocking) - mismatched
    files = len({f.path for f in blocking})
    if blocking:
        noun = "secret" if len(blocking) == 1 else "secrets"
        text = f"{len(blocking)} {noun} on added lines in {files} file{'s' if files != 1 else ''}"
    else:
        text = "No secrets on added lines"
    if allowed:
        text += f"; {allowed} allowed (shown as notices)"
    if mismatched:
        text += f"; {mismatched} with a checksum that does not match (notices)"
    if skipped:
        text += f"; {skipped} file{'s' if skipped != 1 else ''} without a patch not scanned"
    if vendored:
        text += f"; {vendored} vendored file{'s' if vendored != 1 else ''} not scanned"
    return text + "."


@dataclass(frozen=True)
class SecretsOptions:
    """The secrets check's options; keys, defaults and docs are declared in `OPTIONS`."""

    generic_level: Severity
    allow_paths: tuple[str, ...]
    rules: Mapping[str, bool]


def check(snapshot: Snapshot, options: SecretsOptions) -> Outcome:
    """Find credentials on the PR's added lines; fail on provider tokens and private keys."""
    allowed = compile_globs(options.allow_paths)
    generic_severity = options.generic_level
    # Vendored trees (`.yarn/releases/*.cjs`, `vendor/`, `public/libs/`) are someone else's
    # code: classified by checks.paths, as the tests and commits checks do.
    files = [f for f in snapshot.files if not is_vendored(f.path)]
    vendored = len(snapshot.files) - len(files)
    hits = [h for h in find_secrets(files) if options.rules.get(h.rule, True)]
    unique = _dedupe(hits)
    reasons = _allow_reasons(snapshot.files, unique)
    findings = tuple(_finding(h, reasons, allowed, generic_severity) for h in unique)
    mismatched = sum(1 for h in unique if h.checksum_mismatch)
    skipped = sum(1 for f in snapshot.files if f.patch_missing)
    severities = {f.severity for f in findings}
    status = (Status.FAIL if Severity.FAIL in severities
              else Status.WARN if Severity.WARN in severities else Status.PASS)
    return Outcome(status, _summary(findings, skipped, mismatched, vendored), findings,
                   stats={"secrets": sum(1 for f in findings if f.severity is not
                                         Severity.NOTICE)})


def _dedupe(hits: Sequence[Hit]) -> list[Hit]:
    seen: set[tuple[str, int, str]] = set()
    out = []
    for hit in hits:
        key = (hit.path, hit.line, hit.value)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


CHECK = CheckSpec(
    id="secrets",
    title="No hardcoded secrets",
    run=check,
    options_type=SecretsOptions,
    rules=RULE_IDS,
    options=OPTIONS,
    description="Credentials on added lines: provider tokens, private keys, passwords in "
    "connection URLs and random literals under secret-named keys; values are always masked.",
)
