#!/usr/bin/env bash
# The Rust suites: the workspace as the addon builds it, then the CUDA module with the `cuda`
# feature, which builds without a GPU; with NVRTC from scripts/nvrtc.sh on the library path
# its kernels are compiled to PTX, and on a machine with a GPU they also run against the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --release --quiet
nvrtc="$(ls -d target/nvrtc/venv/lib/python3*/site-packages/nvidia/cuda_nvrtc/lib 2>/dev/null | head -n 1 || true)"
LD_LIBRARY_PATH="${nvrtc:+$PWD/$nvrtc:}${LD_LIBRARY_PATH:-}" \
  cargo test -p shoal-kernels --release --quiet --features cuda cuda:: -- --nocapture
