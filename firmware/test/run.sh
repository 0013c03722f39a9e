#!/usr/bin/env bash
# `npm run test:firmware`: the firmware's host unit tests, then the host gate against the built app
# (`npm run build` first; `npm test` does). Without a C++ toolchain, OpenSSL headers or doctest the
# firmware suites are left out with a warning; with CI=true that is an error instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
[ -f /usr/include/doctest/doctest.h ] || missing+=(doctest-dev)
if [ ${#missing[@]} -gt 0 ]; then
	msg="firmware tests need: ${missing[*]} (apt-get install ${missing[*]})"
	if [ "${CI:-}" = true ]; then echo "CI=true: $msg" >&2; exit 1; fi
	echo "warning: $msg: the firmware suites are left out" >&2
	exit 0
fi
make -C firmware -j2 test
node --test --test-reporter=spec firmware/test/integration/gate.test.ts
