#!/usr/bin/env bash
# One command for the side-by-side comparison with SPIN (see compare-spin.py for the flags).
# Needs spin and gcc: apt-get install -y spin gcc. Not part of the tests: figures depend on load.
exec python3 "$(dirname "$0")/compare-spin.py" "$@"
