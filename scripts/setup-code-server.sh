#!/usr/bin/env bash
# Installs a real VS Code (code-server 4.100.3 = VS Code 1.100) from the npm registry into
# .cache/code-server, without the install steps that download binaries from the network:
# Debian's ripgrep stands in for @vscode/ripgrep's download. Cached between local runs;
# CI installs it fresh. Needs Debian packages ripgrep and libkrb5-dev (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/.cache/code-server"
VERSION=4.100.3
STAMP="$ROOT/.installed-$VERSION"
if [ -f "$STAMP" ]; then
  echo "code-server $VERSION already installed in $ROOT"
  exit 0
fi
command -v rg >/dev/null || { echo "setup-code-server: ripgrep (Debian package 'ripgrep') is required" >&2; exit 1; }
rm -rf "$ROOT"
mkdir -p "$ROOT"
cd "$ROOT"
echo '{"name":"code-server-host","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION"
VS="$ROOT/node_modules/code-server/lib/vscode"
(
  cd "$VS"
  npm install --no-audit --no-fund --omit=dev --ignore-scripts
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild
  [ -e node_modules.asar ] || ln -s node_modules node_modules.asar
  cd extensions
  npm install --no-audit --no-fund --omit=dev
)
(cd "$ROOT/node_modules/code-server" && npm rebuild argon2 || true)
cd "$ROOT" && npm rebuild argon2 || true
touch "$STAMP"
echo "code-server $VERSION installed in $ROOT"
