#!/usr/bin/env bash
# Set up and run the whole test suite on a fresh machine: Debian's chromium (for the browser
# tests, installed with apt when missing), a virtualenv with the package and its test extras,
# then pytest. Extra arguments go to pytest. CI runs this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq chromium > /dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq chromium > /dev/null
    fi
fi
if ! command -v pdftotext > /dev/null; then  # poppler-utils: reads the PDF report in tests
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq poppler-utils > /dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq poppler-utils > /dev/null
    fi
fi
python3 -m venv .venv
.venv/bin/pip install -q -e ".[test]"
.venv/bin/python -m pytest "$@"
