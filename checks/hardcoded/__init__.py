"""The `hardcoded` check: no URLs, hosts, paths or switches of one environment in code.

Reads the lines a PR adds to application code (files.py says which files, and why tests, docs,
examples, tool configs and deployment manifests are left alone), finds hosts that belong to one
environment (hosts.py), one person's home folders, debug switches left on in settings modules,
and resource names hardcoded beside environment reads (scan.py), and reports each as a finding
on its line with the rule id and fix of rules.py. Default level: warn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checks.config import compile_globs
from checks.hardcoded import rules
from checks.hardcoded.files import is_application_code, role_of
from checks.hardcoded.model import Hit, Tuning
from checks.hardcoded.scan import Anchors, file_hits, looks_generated
from checks.model import Finding, Outcome, Severity, Snapshot, Status
from checks.spec import CheckSpec, Option

# Past this many findings in one file the rest are summarised: a generated client with 300
# staging URLs needs one message, not 300 annotations.
MAX_FINDINGS_PER_FILE = 20

OPTIONS: Mapping[str, Option] = {
    "allow_hosts": Option(
        [], "str_list", "hosts (and the hosts under them) that may appear in code, e.g. "
        "`acme.corp` for an on-premises product's documented default"),
    "env_words": Option(
        [], "str_list", "more host name words that name an environment, beside staging, "
        "stage, stg, dev, develop, development, qa, uat, preprod, nonprod (e.g. `perf`, "
        "`canary`)"),
    "ignore_paths": Option(
        [], "glob_list", "paths this check does not read (gitignore syntax), beside tests, "
        "docs, examples, tool configs and deployment manifests"),
    "rules": Option(
        dict.fromkeys(rules.RULE_IDS, True), "bool_map", "turn single rules on or off by id"),
}

_WHAT = {
    rules.LOCAL_URL: "URL to this machine",
    rules.LOCAL_PORT: "local service address",
    rules.PRIVATE_IP: "private IP address",
    rules.INTERNAL_HOST: "internal host",
    rules.ENV_HOST: "host of one environment",
    rules.USER_PATH: "path on one person's machine",
    rules.DEBUG_ON: "debug switch on",
    rules.ENV_LITERAL: "resource name hardcoded beside environment reads",
}


@dataclass(frozen=True)
class HardcodedOptions:
    """The hardcoded check's options; keys, defaults and docs are declared in `OPTIONS`."""

    allow_hosts: tuple[str, ...]
    env_words: tuple[str, ...]
    ignore_paths: tuple[str, ...]
    rules: Mapping[str, bool]


def _finding(path: str, hit: Hit) -> Finding:
    what = _WHAT[hit.rule]
    if hit.rule == rules.ENV_LITERAL:
        text = (f"`{hit.what}` is set to a literal while this file reads its other settings "
                f"from the environment: {rules.FIXES[hit.rule]}.")
    else:
        text = f"Hardcoded {what} (`{hit.what}`): {rules.FIXES[hit.rule]}."
    return Finding(text, path, hit.line, rule=hit.rule, severity=Severity.FAIL)


def _file_findings(path: str, hits: Sequence[Hit]) -> list[Finding]:
    seen: set[tuple[int, str]] = set()
    unique = []
    for hit in hits:
        if (hit.line, hit.rule) not in seen:
            seen.add((hit.line, hit.rule))
            unique.append(hit)
    findings = [_finding(path, hit) for hit in unique[:MAX_FINDINGS_PER_FILE]]
    if len(unique) > MAX_FINDINGS_PER_FILE:
        rest = len(unique) - MAX_FINDINGS_PER_FILE
        findings.append(Finding(f"... and {rest} more hardcoded values in this file.", path,
                                unique[MAX_FINDINGS_PER_FILE].line, rule=unique[
                                    MAX_FINDINGS_PER_FILE].rule, severity=Severity.FAIL))
    return findings


def _summary(findings: Sequence[Finding], read: int) -> str:
    if not findings:
        noun = "file" if read == 1 else "files"
        return f"No hardcoded URLs or environment values on added lines ({read} code {noun} read)."
    by_rule = Counter(f.rule for f in findings)
    files = len({f.path for f in findings})
    kinds = ", ".join(f"{count} {rule}" for rule, count in by_rule.most_common())
    noun = "value" if len(findings) == 1 else "values"
    return (f"{len(findings)} hardcoded environment {noun} on added lines in {files} "
            f"file{'s' if files != 1 else ''} ({kinds}).")


def check(snapshot: Snapshot, options: HardcodedOptions) -> Outcome:
    """Report URLs, hosts, paths and switches of one environment on the PR's added lines."""
    ignored = compile_globs(options.ignore_paths)
    tuning = Tuning(tuple(h.lower().strip(".") for h in options.allow_hosts),
                    frozenset(w.lower() for w in options.env_words))
    anchors = Anchors(sorted(tuning.env_words))
    findings: list[Finding] = []
    read = 0
    for changed in snapshot.files:
        if not changed.added or changed.binary:
            continue
        role = role_of(changed.path)
        if role is None or (options.ignore_paths and ignored.match_file(changed.path)):
            continue
        read += 1
        hits = [h for h in file_hits(changed, role, anchors, tuning)
                if options.rules.get(h.rule, True)]
        # Asked only of the few files with hits: classifying every file's path costs.
        if hits and is_application_code(changed.path, role) and not looks_generated(changed):
            findings += _file_findings(changed.path, hits)
    status = Status.FAIL if findings else Status.PASS
    return Outcome(status, _summary(findings, read), tuple(findings),
                   stats={"hardcoded": len(findings)})


CHECK = CheckSpec(
    id="hardcoded",
    title="No hardcoded URLs or environment values",
    run=check,
    options_type=HardcodedOptions,
    options=OPTIONS,
    rules=rules.RULE_IDS,
    rule_docs=rules.RULE_DOCS,
    default_level="warn",
    description="URLs, hosts, paths and switches of one environment on lines added to "
    "application code: localhost and private addresses, internal and staging hosts, home "
    "folders, DEBUG left on, resource names beside environment reads.",
)
