#!/usr/bin/env bash
# Sets up a fresh machine for shoal: system packages, npm packages, the Rust addon and the TypeScript build.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nats-server >/dev/null 2>&1 || need_apt+=(nats-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

command -v cargo >/dev/null 2>&1 || { echo "setup: cargo (Rust) is required: https://rustup.rs" >&2; exit 1; }

# `npm install` (not `npm ci`): the lock file holds only this platform's entries of
# @napi-rs/cli's optional per-platform packages, which `npm ci` rejects as out of sync.
# It installs the locked versions all the same, then runs the package's `prepare`
# script: the napi-rs release build of bindings/ and tsc.
npm install --no-audit --no-fund

# NVRTC for the test that compiles the CUDA kernels without a GPU (scripts/nvrtc.sh).
./scripts/nvrtc.sh
