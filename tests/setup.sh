#!/usr/bin/env bash
# Installs what the test suite needs beyond Python: Debian's chromium (browser tests),
# a Java runtime (the Nu HTML Checker) and the npm checkers pinned in tests/tools.
# Safe to run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core
fi
(cd tests/tools && npm ci --no-audit --no-fund --loglevel=error)
