"""Run every registered check over one snapshot and assemble the report."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from checks.config import CheckConfig, Config, load_config
from checks.markers import may_hold_marker
from checks.model import (
    CheckResult,
    Finding,
    Outcome,
    Report,
    Severity,
    Snapshot,
    Status,
)
from checks.overrides import capped, judge
from checks.paths import is_generated
from checks.spec import CheckSpec
from checks.waivers import WAIVE_ALL, for_check
from checks.waivers import apply as apply_waivers

__all__ = ["WAIVE_ALL", "run_checks"]


def _run_one(spec: CheckSpec[Any], snapshot: Snapshot, options: Any) -> Outcome:
    try:
        return spec.run(snapshot, options)
    except Exception as exc:  # a bug in one check must not take the others down
        return Outcome(
            Status.WARN,
            f"The {spec.id} check could not finish ({type(exc).__name__}); the other checks ran.",
            (Finding(f"internal error in check {spec.id}: {type(exc).__name__}",
                     rule="internal-error", severity=Severity.WARN),),
        )


def _runner(spec: CheckSpec[Any], snapshot: Snapshot) -> Callable[[CheckConfig], Outcome]:
    """Run `spec` over `snapshot` with given settings, capped at their level."""
    def run(settings: CheckConfig) -> Outcome:
        return capped(_run_one(spec, snapshot, settings.options), settings.level)

    return run


def _kept_files(snapshot: Snapshot, config: Config) -> tuple[Snapshot, int]:
    generated = config.settings.ignore_generated
    kept = tuple(
        f for f in snapshot.files
        if not config.is_ignored(f.path) and not (generated and is_generated(f))
    )
    return replace(snapshot, files=kept), len(snapshot.files) - len(kept)


def run_checks(
    snapshot: Snapshot,
    registry: Sequence[CheckSpec[Any]],
    config: Config | None = None,
    only: Collection[str] | None = None,
) -> Report:
    """Run `registry` over `snapshot` with `config`; `only` limits which checks run."""
    if config is None:
        config = load_config({}, registry)
    judged, ignored = _kept_files(snapshot, config)
    results: list[CheckResult] = []
    stories: list[str] = []
    stats: dict[str, Any] = {
        "files": len(snapshot.files),
        "additions": sum(f.additions for f in snapshot.files),
        "deletions": sum(f.deletions for f in snapshot.files),
        "ignored_files": ignored,
    }
    for spec in registry:
        check_config = config.checks[spec.id]
        if only is not None and spec.id not in only:
            results.append(CheckResult(spec.id, spec.title, Status.SKIP, "Not selected."))
            continue
        judged_outcome = judge(spec.id, judged, check_config, config.overrides,
                               _runner(spec, judged))
        if judged_outcome is None:
            results.append(CheckResult(spec.id, spec.title, Status.SKIP,
                                       "Disabled in the configuration."))
            continue
        outcome = judged_outcome
        covered = apply_waivers(spec.id, outcome, for_check(spec.id, snapshot.waivers), judged)
        outcome = covered.outcome
        results.append(CheckResult(spec.id, spec.title, outcome.status, outcome.summary,
                                   tuple(outcome.findings), waived_by=covered.waived_by))
        stories.extend(s for s in outcome.stories if s not in stories)
        stats.update(outcome.stats)
    if any(may_hold_marker(f) for f in judged.files):
        from checks.suppressions import apply_markers  # parsing markers: rare, imported then

        results = apply_markers(results, judged.files, registry)
    status = Status.worst(r.status for r in results)
    return Report(status, tuple(results), tuple(stories), stats, snapshot.notes)
