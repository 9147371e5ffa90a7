#!/usr/bin/env bash
# Compiles tests/pcap/gen_fixtures.c against the built core library: build_gen.sh BUILD_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
lib=$build/harness/wire/libsockcheck_wire.a
[ -f "$lib" ] || { echo "build_gen: $lib missing (build first)" >&2; exit 2; }
cc -std=gnu11 -Wall -Wextra -Werror -O1 -I "$here/../../harness/wire" -o "$build/gen_fixtures" \
  "$here/gen_fixtures.c" "$lib" $(pkg-config --cflags --libs libpcap jansson)
