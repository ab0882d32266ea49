#!/usr/bin/env bash
# Installs what the integration and end-to-end tests need to run inside a real VS Code on a machine
# that reaches only the npm registry and Debian's archive: code-server (VS Code's server + web
# workbench) and playwright-core, in test/e2e's own package, plus Debian's Chromium.
# Idempotent and fast when everything is already in place. See
# /work/shared/design/testing-in-real-vscode.md for why each step exists.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
started=$(date +%s)
say() { printf '[setup:e2e] %s\n' "$*"; }

# --- apt: only when something is missing, because apt-get update alone costs ~10 s -------------
# chromium: the browser playwright-core drives; libkrb5-dev: GSSAPI headers for code-server's kerberos
# module, which builds from source; ripgrep: replaces @vscode/ripgrep's GitHub download; make, g++,
# python3: node-gyp builds for node-pty and kerberos (slim Debian images lack them); bubblewrap: the
# sandbox run_command uses where it exists, which its tests run for real.
apt_packages=(chromium libkrb5-dev ripgrep make g++ python3 bubblewrap)
missing=()
for package in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null; then as_root=(sudo); else
      say "missing apt packages: ${missing[*]} — install them as root (apt-get install ${missing[*]})"
      exit 1
    fi
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package lists may be absent on a fresh machine; update only then or when the install fails.
  if ! "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
    "${as_root[@]}" apt-get update
    "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
else
  say "apt packages present: ${apt_packages[*]}"
fi

# --- skip npm when node_modules was installed from exactly this lock file -----------------------
# The stamp records what the last successful install used; a different lock, package.json or Node
# major means native modules (node-pty, kerberos) may not match, so reinstall.
stamp_file="$here/node_modules/.holdfast-install-stamp"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
current_stamp=""
if [[ -f "$here/package-lock.json" ]]; then
  current_stamp="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1) node$node_major"
fi
if [[ -n "$current_stamp" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$current_stamp" \
      && -f "$here/node_modules/code-server/out/node/entry.js" ]]; then
  say "node_modules matches package-lock.json — nothing to install ($(( $(date +%s) - started )) s)"
  exit 0
fi

# --- @vscode/ripgrep: pre-seed its download cache with Debian's rg ------------------------------
# Its postinstall downloads a musl build from GitHub unless this exact tarball is in the cache.
tmp_root="${TMPDIR:-/tmp}"
ripgrep_cache="$tmp_root/vscode-ripgrep-cache-1.15.11"
ripgrep_tarball="$ripgrep_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$ripgrep_tarball" ]]; then
  say "seeding $ripgrep_tarball from $(command -v rg)"
  mkdir -p "$ripgrep_cache"
  staging="$(mktemp -d)"
  cp "$(command -v rg)" "$staging/rg"
  tar -czf "$ripgrep_tarball" -C "$staging" rg
  rm -rf "$staging"
fi

# --- npm: the three environment fixes, then a locked install -----------------------------------
export npm_config_yes=true          # node-pty's install runs `npx node-gyp`
export npm_config_unsafe_perm=true  # code-server's install refuses to run as root otherwise
export npm_config_nodedir=/usr      # node-gyp would otherwise download Node's headers
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

cd "$here"
if [[ -f package-lock.json ]]; then
  say "npm ci in $here"
  npm ci --no-audit --no-fund
else
  say "npm install in $here (first time: creates package-lock.json)"
  npm install --no-audit --no-fund
  current_stamp="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1) node$node_major"
fi

# Read the version from package.json: running code-server, even with --version, writes a config file
# into ~/.config.
version="$(node -p 'require("./node_modules/code-server/package.json").version')"
say "code-server $version installed"
printf '%s' "$current_stamp" >"$stamp_file"
say "done in $(( $(date +%s) - started )) s"
