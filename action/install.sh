#!/usr/bin/env bash
# Install the light shipshape package (command line and engine, no server dependencies) into a
# virtual environment of the runner's temporary directory and put it on the job's PATH.
set -euo pipefail
venv="${RUNNER_TEMP:?RUNNER_TEMP is not set: run this as a GitHub Actions step}/shipshape-venv"
"${SHIPSHAPE_PYTHON:-python3}" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${GITHUB_ACTION_PATH:?}"
echo "$venv/bin" >> "${GITHUB_PATH:?}"
