#!/usr/bin/env bash
# Gradescope autograder setup (run once when the image is built): installs sockcheck's Debian/Ubuntu
# packages and builds it from /autograder/source/sockcheck. The autograder zip holds this file,
# run_autograder, the assignment file (lab.assignment), its suites, and a sockcheck checkout. Paths and
# commands come from variables so tests/grade-ci.sh can run it outside Gradescope.
set -euo pipefail
AUTOGRADER=${AUTOGRADER:-/autograder}
APT_GET=${APT_GET:-apt-get}
SOCKCHECK_CHECKOUT=${SOCKCHECK_CHECKOUT:-$AUTOGRADER/source/sockcheck}
"$APT_GET" update -qq
"$APT_GET" install -y -qq --no-install-recommends build-essential cmake pkg-config libpcap-dev libjansson-dev \
	libarchive-dev python3 iproute2
cmake -S "$SOCKCHECK_CHECKOUT" -B "$SOCKCHECK_CHECKOUT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$SOCKCHECK_CHECKOUT/build" -j "$(nproc)" --target sockcheck
