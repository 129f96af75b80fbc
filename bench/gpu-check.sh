#!/usr/bin/env bash
# GPU check for the CUDA layer (tensor module): kernel parity tests, then SGEMM GFLOPS at 4096^3
# for the PTX kernel, cuBLAS (if libcublas.so.12 loads) and PyTorch fp32 (if torch imports, TF32 off).
# Ends with a short table. Budget: < 3 minutes on an H100.
#
# Classpath: $CP if set; else the tensor module's classes + test-classes ($BUILD_DIR, default target)
# plus every jar in $LIB_DIR (if set) or the needed jars from ~/.m2.
#   e.g. mvn -o -pl tensor test-compile && bench/gpu-check.sh
#        JAVA=/opt/jre/bin/java LIB_DIR=/opt/lib BUILD_DIR=target-cuda bench/gpu-check.sh
# Output files go to $OUT_DIR (default /tmp/gpu-check).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
OUT_DIR=${OUT_DIR:-/tmp/gpu-check}
BUILD_DIR=${BUILD_DIR:-target}
SIZE=${SIZE:-4096}
mkdir -p "$OUT_DIR"

if [ -z "${CP:-}" ]; then
  CP="$ROOT/tensor/$BUILD_DIR/classes:$ROOT/tensor/$BUILD_DIR/test-classes"
  if [ -n "${LIB_DIR:-}" ]; then
    for j in "$LIB_DIR"/*.jar; do CP="$CP:$j"; done
  else
    M2=${M2_REPO:-$HOME/.m2/repository}
    for j in $(find "$M2/org/jcuda" "$M2/org/junit" "$M2/org/opentest4j" "$M2/org/apiguardian" -name '*.jar' 2>/dev/null \
               | grep -E 'jcuda-12|jcublas-12|jcuda-natives-12.*linux-x86_64|jcublas-natives-12.*linux-x86_64|junit-jupiter-api-5|opentest4j|apiguardian|junit-platform-commons-1' | sort); do
      CP="$CP:$j"
    done
  fi
fi

echo "== nvidia-smi"; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true) | tee "$OUT_DIR/gpu.txt"
echo "== java"; "$JAVA" -version 2>&1 | head -1

echo "== CUDA kernel parity tests"
timeout 150 "$JAVA" -Xmx4g -cp "$CP" io.medualtime.tensor.cuda.CudaTestMain 2>&1 | tee "$OUT_DIR/tests.txt"
TEST_RC=${PIPESTATUS[0]}

echo "== SGEMM benchmark (${SIZE}^3)"
timeout 120 "$JAVA" -Xmx4g -cp "$CP" io.medualtime.tensor.cuda.CudaBench "$SIZE" 10 2>&1 | tee "$OUT_DIR/bench.txt"

TORCH="n/a (torch not importable)"
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "== PyTorch fp32 matmul (${SIZE}^3, TF32 off)"
  TORCH=$(timeout 60 python3 - "$SIZE" <<'PY' 2>&1 | tail -1
import sys, torch
n = int(sys.argv[1])
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
a = torch.rand(n, n, device='cuda') - 0.5; b = torch.rand(n, n, device='cuda') - 0.5
for _ in range(3): a @ b
torch.cuda.synchronize()
s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
s.record()
for _ in range(10): c = a @ b
e.record(); torch.cuda.synchronize()
ms = s.elapsed_time(e) / 10
print(f"{ms:.3f} ms/iter, {2*n**3/(ms*1e-3)/1e9:.0f} GFLOPS")
PY
)
  echo "$TORCH"
fi

echo
echo "================ summary ================"
printf '%-28s %s\n' "GPU" "$(head -1 "$OUT_DIR/gpu.txt")"
printf '%-28s %s\n' "parity tests" "$(grep '^CUDA tests:' "$OUT_DIR/tests.txt" || echo "did not finish (rc $TEST_RC)")"
grep '^SGEMM' "$OUT_DIR/bench.txt" | while read -r _ eng var sz rest; do
  printf '%-28s %s\n' "SGEMM $eng $var $sz" "$rest"
done
grep -q '^SGEMM cuBLAS' "$OUT_DIR/bench.txt" || printf '%-28s %s\n' "SGEMM cuBLAS" "$(grep '^cuBLAS' "$OUT_DIR/bench.txt" | head -1)"
printf '%-28s %s\n' "PyTorch fp32 ${SIZE}^3" "$TORCH"
exit $TEST_RC
