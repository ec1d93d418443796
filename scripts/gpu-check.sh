#!/usr/bin/env bash
# Runs the CUDA tests and the GPU throughput figures on a machine with an NVIDIA GPU, from a
# Rust test binary built elsewhere (that machine may have no Rust or registry):
#
#   here:  cargo test -p shoal-kernels --release --features cuda --no-run
#          (prints "Executable unittests src/lib.rs (target/release/deps/shoal_kernels-…)")
#   there: scripts/gpu-check.sh target/release/deps/shoal_kernels-…
#
# cudarc (built for CUDA 12.8) opens libcuda.so.1 and, by name, libnvrtc and libcublas. On a
# CUDA 13 image those exist only as .so.13 (toolkit or pip wheels), so this links them under
# the unversioned names in a scratch folder; cudarc loads each function on first use, and the
# ones shoal calls exist in both versions.
set -euo pipefail
bin="${1:?usage: scripts/gpu-check.sh PATH_TO_shoal_kernels_TEST_BINARY}"
libs="$(mktemp -d)"
dirs=""
for name in nvrtc cublas cublasLt; do
  found="$(find /usr/local/cuda*/lib64 /usr/local/cuda*/targets/*/lib /usr/lib/x86_64-linux-gnu /opt /usr/local/lib \
    -name "lib$name.so*" -not -name "*alt*" 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$found" ]; then
    echo "gpu-check: lib$name.so was not found; the GPU tests will say so" >&2
    continue
  fi
  ln -sf "$found" "$libs/lib$name.so"
  dirs="$dirs:$(dirname "$found")"
  echo "gpu-check: lib$name.so -> $found"
done
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
export LD_LIBRARY_PATH="$libs$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
"$bin" cuda:: --include-ignored --nocapture --test-threads=1
