#!/usr/bin/env bash
# Installs Debian's Chromium for the browser journeys in tests/e2e when it is missing.
# The journeys drive it headless through Playwright; no browser is downloaded at test time.
set -euo pipefail
CHROMIUM=${MATCHMAKER_CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
    echo "Chromium is installed: $CHROMIUM"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=sudo
else
    echo "Chromium is missing and installing it needs root: apt-get install -y chromium" >&2
    # Without it the browser journeys skip on a laptop; in CI they fail, so stop here.
    [ "${CI:-}" = "true" ] && exit 1
    exit 0
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
echo "Chromium is installed: $CHROMIUM"
