#!/usr/bin/env bash
# Run `shipshape check --format github` on base...head: annotations on stdout, the checklist
# appended to $GITHUB_STEP_SUMMARY, the exit code as the step's (and the output `exit-code`).
set -uo pipefail

if [ "${GITHUB_JOB:-}" = "shipshape" ]; then
  echo "::warning title=shipshape action::this job's id is 'shipshape': give it another name: so its check run is never mistaken for the App's required 'shipshape' check"
fi
if [ -z "${SHIPSHAPE_BASE:-}" ] || [ -z "${SHIPSHAPE_HEAD:-}" ]; then
  echo "::error title=shipshape action::no range to check: run on pull_request events or set the base and head inputs"
  exit 2
fi
for rev in "$SHIPSHAPE_BASE" "$SHIPSHAPE_HEAD"; do
  if ! git cat-file -e "${rev}^{commit}" 2>/dev/null; then
    echo "::error title=shipshape action::commit ${rev} is not in this checkout: use actions/checkout with fetch-depth: 0"
    exit 2
  fi
done

args=(check --base "$SHIPSHAPE_BASE" --head "$SHIPSHAPE_HEAD" --format github)
[ -n "${SHIPSHAPE_CONFIG:-}" ] && args+=(--config "$SHIPSHAPE_CONFIG")
[ -n "${SHIPSHAPE_ONLY:-}" ] && args+=(--only "$SHIPSHAPE_ONLY")
[ -n "${SHIPSHAPE_TITLE:-}" ] && args+=(--title "$SHIPSHAPE_TITLE")
[ -n "${SHIPSHAPE_BODY+set}" ] && [ -n "${SHIPSHAPE_TITLE:-}" ] && args+=(--body "$SHIPSHAPE_BODY")
[ -n "${SHIPSHAPE_BRANCH:-}" ] && args+=(--branch "$SHIPSHAPE_BRANCH")
[ -n "${SHIPSHAPE_NUMBER:-}" ] && args+=(--number "$SHIPSHAPE_NUMBER")

shipshape "${args[@]}"
status=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$status" >> "$GITHUB_OUTPUT"
fi
exit "$status"
