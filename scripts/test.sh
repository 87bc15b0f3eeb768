#!/usr/bin/env bash
# Set up and run the whole test suite on a fresh machine: Debian's chromium (browser tests and
# PDF printing) and poppler-utils (reads the PDF report), installed with apt when missing; a
# virtualenv with the package and its test and dev extras; then the static checks (ruff,
# mypy, import-linter's layer contracts) and pytest. Extra arguments go to pytest.
# CI runs this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

install_if_missing() {  # install_if_missing COMMAND DEBIAN_PACKAGE
    command -v "$1" > /dev/null && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" > /dev/null
}

install_if_missing /usr/bin/chromium chromium
install_if_missing pdftotext poppler-utils
install_if_missing pdftoppm poppler-utils  # renders the PDF report's pages to PNG
python3 -m venv .venv
.venv/bin/pip install -q -e ".[dev]"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
