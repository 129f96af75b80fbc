#!/usr/bin/env bash
# GPU check of the CUDA layer, run on the GPU machine from the repository root. Steps, each under its
# own timeout (a step that fails or hangs does not stop the others; the summary table always prints):
#   1. kernel tests     CounterRngTest, CudaRuntimeTest + CudaSgemmTest (every PTX kernel vs a CPU reference),
#                       PtxAssembleTest (skips without ptxas), the fused attention, attention softmax and
#                       gated prefix attention against the CPU (SelfAttentionTest, AttentionSoftmaxTest, GatedPrefixAttentionTest)
#   2. backend parity   CudaBackendTest: every PyTorch op-fixture case on Device.CUDA (1e-5), CPU-vs-CUDA
#                       checks (gelu_erf, clamp, abs, dropout masks bit-equal, strided/broadcast views,
#                       overlapping accumulation, every Backend primitive with offsets)
#   3. GPT-2 on CUDA    Gpt2CudaTest: tiny GPT-2 fixture moved to CUDA, logits/loss/grads vs PyTorch,
#                       padding mask, 10 AdamW steps; KvCacheTest: decoding on CUDA == CPU
#   4. MedualTime on CUDA: MedualTimeCudaTest (tiny fixture train/eval on CUDA vs PyTorch); then the kernel,
#                       backend and model parity tests again with -Dmedualtime.cuda.launchargs=arrays and =packed
#   5. host cost per launch (CudaBench --launches: LaunchArgs' arrays, direct and packed arguments), SGEMM GFLOPS at ${SIZE}^3: PTX kernel, cuBLAS (if libcublas.so.12 loads), PyTorch fp32 (if torch
#                       imports; TF32 off); then one MedualTime training step (GPT-2-small shapes) in Java on
#                       CUDA (each step in a TensorScope, as the trainers run it) and in PyTorch on the same GPU,
#                       alternated twice (the machine drifts between calls), PyTorch once more with
#                       torch.set_default_device as earlier runs had it, and its GPU busy time (torch.profiler);
#                       then Java with --no-scope (device memory back only through the GC) and with
#                       -Dmedualtime.cuda.splitk=off; the same Java steps on the CPU, whose losses must match the GPU's.
#                       A last Java run times every kernel between GPU events (-Dmedualtime.cuda.profile=events):
#                       an upper bound on the GPU's busy time, set against PyTorch's (torch.profiler).
#                       Before the step: SGEMM at the step's own shapes (STEP_SHAPES, count:TT:MxNxK, counted
#                       in one training step + one inference), PTX tiles alone / split along K / cuBLAS, and
#                       PyTorch on the same shapes.
#                       SKIP_BENCH=1 skips the benchmarks; PROFILE=1 also records a JFR host profile of the
#                       scoped Java step (medualtime-cuda.jfr in $OUT: read it here with `jfr print`).
# Logs: OUT_DIR; on the device they come back as gpu-check-logs.tar.gz beside summary.txt (the tool
# returns at most 8 files). Typical time on an H100/H200: about 2-3 minutes after the JVM starts; a hanging step is cut so that
# the whole script ends within BUDGET (520) seconds: use timeout_s=540 or more.
#
# The GPU machine may have no Java, Maven or network, so everything comes from .device-out/ (git-
# ignored), built HERE by bench/prepare-gpu-carry.sh (jlink'd JRE + jars; see its header):
#     bench/prepare-gpu-carry.sh                                        # here, 1-3 minutes
#     run(command="bash bench/gpu-check.sh", carry=[".device-out"], timeout_s=540)   # on the device
# Test fixtures are read from */src/test/resources (tracked files, they travel with the working tree).
#
# Overrides: JAVA (default .device-out/jre/bin/java, else java), LIB_DIR (default .device-out/lib),
# CP (complete classpath; then the console launcher is looked up in LIB_DIR or ~/.m2),
# BUILD_DIR (when LIB_DIR has no medualtime jars: use tensor|tensor-cuda|nn|medualtime|bench/$BUILD_DIR/{classes,test-classes}
# and jars from ~/.m2), OUT_DIR (logs, default /tmp/gpu-check; copied to $OUT when that is set), SIZE,
# JOPTS_EXTRA (more JVM options; a dry run here without a GPU: JOPTS_EXTRA=-Dmedualtime.cuda.emulate=always
# SKIP_BENCH=1 bash bench/gpu-check.sh runs steps 1-4 on the PTX emulator).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DOT=$ROOT/.device-out
if [ -z "${JAVA:-}" ]; then
  if [ -f "$DOT/jre.tar.xz" ]; then mkdir -p /tmp/gpu-jre && tar -C /tmp/gpu-jre -xJf "$DOT/jre.tar.xz"; JAVA=/tmp/gpu-jre/jre/bin/java
  elif [ -x "$DOT/jre/bin/java" ]; then JAVA=$DOT/jre/bin/java; else JAVA=java; fi
fi
LIB_DIR=${LIB_DIR:-$DOT/lib}
OUT_DIR=${OUT_DIR:-${OUT:-/tmp/gpu-check}}     # straight into $OUT on the device: logs come back even after a timeout
# every step's timeout is cut to what is left of BUDGET seconds (default 520, under the device tool's
# 540-600 s per call), so that the summary always prints
DEADLINE=$(( $(date +%s) + ${BUDGET:-520} ))
limit() { local left=$(( DEADLINE - $(date +%s) )); [ "$left" -lt 5 ] && left=5; [ "$1" -lt "$left" ] && echo "$1" || echo "$left"; }
BUILD_DIR=${BUILD_DIR:-target}
SIZE=${SIZE:-4096}
M2=${M2_REPO:-$HOME/.m2/repository}
mkdir -p "$OUT_DIR"
JOPTS="-Xmx8g --add-modules jdk.incubator.vector ${JOPTS_EXTRA:-}"

CONSOLE=$(ls "$LIB_DIR"/junit-platform-console-standalone-*.jar 2>/dev/null | head -1)
[ -n "$CONSOLE" ] || CONSOLE=$(find "$M2/org/junit/platform/junit-platform-console-standalone" -name '*.jar' 2>/dev/null | head -1)
if [ -z "${CP:-}" ]; then
  CP="$ROOT/tensor/src/test/resources:$ROOT/tensor-cuda/src/test/resources:$ROOT/nn/src/test/resources:$ROOT/medualtime/src/test/resources"
  if ls "$LIB_DIR"/medualtime-tensor.jar >/dev/null 2>&1; then
    for j in "$LIB_DIR"/*.jar; do
      case "$j" in *junit-platform-console-standalone*) ;; *) CP="$CP:$j" ;; esac
    done
  else
    for m in tensor tensor-cuda nn medualtime bench; do CP="$CP:$ROOT/$m/$BUILD_DIR/classes:$ROOT/$m/$BUILD_DIR/test-classes"; done
    for j in $(find "$M2/org/jcuda" "$M2/com/fasterxml/jackson/core" "$M2/com/knuddels" "$M2/info/picocli" "$M2/org/apache/commons/commons-math3" -name '*.jar' 2>/dev/null \
               | grep -E 'jcuda-12|jcublas-12|jcuda-natives-12.*linux-x86_64|jcublas-natives-12.*linux-x86_64|jackson-(core|databind|annotations)-2|jtokkit|picocli-4|commons-math3-3' | sort); do
      CP="$CP:$j"
    done
  fi
fi

echo "== nvidia-smi"; (nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || true) | tee "$OUT_DIR/gpu.txt"
echo "== java: $JAVA"; "$JAVA" -version 2>&1 | head -1
echo "== console launcher: ${CONSOLE:-MISSING (run bench/prepare-gpu-carry.sh)}"

STEPS=()      # "name|result" rows for the summary
FAILED=0
# run_tests NAME TIMEOUT CLASS...: one JUnit console run; records passed/failed/skipped(aborted).
run_tests() {
  local name=$1 limit; limit=$(limit "$2"); shift 2
  local log="$OUT_DIR/$(echo "$name" | tr ' /' '__').txt" sel=() c t0 rc
  for c in "$@"; do sel+=(--select-class "$c"); done
  echo; echo "== $name (timeout ${limit}s)"
  t0=$(date +%s)
  if [ -z "$CONSOLE" ]; then
    echo "no junit-platform-console-standalone jar" > "$log"; rc=127
  else
    timeout "$limit" "$JAVA" $JOPTS -jar "$CONSOLE" execute --class-path "$CP" "${sel[@]}" \
      --details=tree --disable-banner --disable-ansi-colors > "$log" 2>&1
    rc=$?
  fi
  grep -E '✘|■|tests (successful|failed|aborted)|CUDA:' "$log" | grep -vE ' 0 tests (failed|aborted)' | head -60
  local ok fail skip res
  ok=$(grep -Eo '[0-9]+ tests successful' "$log" | grep -Eo '^[0-9]+')
  fail=$(grep -Eo '[0-9]+ tests failed' "$log" | grep -Eo '^[0-9]+')
  skip=$(grep -Eo '[0-9]+ tests aborted' "$log" | grep -Eo '^[0-9]+')
  if [ -z "$ok" ]; then
    res="DID NOT FINISH (rc $rc$([ $rc = 124 ] && echo ', timeout')) after $(( $(date +%s) - t0 ))s; see $log"
    tail -20 "$log"
    FAILED=1
  else
    res="$ok passed, ${fail:-0} failed, ${skip:-0} skipped ($(( $(date +%s) - t0 ))s)"
    [ "${fail:-0}" = 0 ] && [ $rc = 0 ] || FAILED=1
    [ "${fail:-0}" = 0 ] && [ $rc != 0 ] && res="$res, rc $rc"
  fi
  STEPS+=("$name|$res")
}

run_tests "kernel tests" 150 io.medualtime.tensor.cuda.CounterRngTest io.medualtime.tensor.cuda.CudaRuntimeTest \
  io.medualtime.tensor.cuda.CudaSgemmTest io.medualtime.tensor.cuda.PtxAssembleTest io.medualtime.tensor.AttentionSoftmaxTest io.medualtime.tensor.GatedPrefixAttentionTest \
  io.medualtime.tensor.SelfAttentionTest
run_tests "backend parity" 180 io.medualtime.tensor.cuda.CudaBackendTest
run_tests "GPT-2 on CUDA" 150 io.medualtime.nn.gpt2.Gpt2CudaTest io.medualtime.nn.gpt2.KvCacheTest
run_tests "MedualTime on CUDA" 150 io.medualtime.model.MedualTimeCudaTest
# the other argument paths (LaunchArgs: a Java array per argument; one packed block through `extra`) through every kernel again
JOPTS_PLAIN=$JOPTS
for mode in arrays packed; do
  JOPTS="$JOPTS_PLAIN -Dmedualtime.cuda.launchargs=$mode"
  run_tests "parity, $mode args" 180 io.medualtime.tensor.cuda.CudaRuntimeTest io.medualtime.tensor.cuda.CudaBackendTest \
    io.medualtime.tensor.SelfAttentionTest io.medualtime.tensor.GatedPrefixAttentionTest io.medualtime.model.MedualTimeCudaTest
done
JOPTS=$JOPTS_PLAIN

TORCH="skipped"
: > "$OUT_DIR/bench.txt"
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  echo; echo "== SGEMM benchmark (${SIZE}^3, timeout 120s)"
  timeout $(limit 120) "$JAVA" $JOPTS -cp "$CP" io.medualtime.tensor.cuda.CudaBench "$SIZE" 10 > "$OUT_DIR/bench.txt" 2>&1
  echo "rc $?" >> "$OUT_DIR/bench.txt"
  cat "$OUT_DIR/bench.txt"
  TORCH="n/a (torch not importable)"
  TORCH_OK=0
  timeout $(limit 30) python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null && TORCH_OK=1
  if [ $TORCH_OK = 1 ]; then
    echo "== PyTorch fp32 matmul (${SIZE}^3, TF32 off)"
    TORCH=$(timeout $(limit 60) python3 - "$SIZE" <<'PY' 2>&1 | tail -1
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
fi

# the products of one MedualTime training step + one inference (GPT-2-small shapes, B=8), those that
# take longest with 128 x 128 tiles alone; counted with the PTX SGEMM's shapes on the host-only driver.
# /8: TemEnc's conv weight gradients, a sum over the 8 samples (GemmBatchSum; per sample before)
STEP_SHAPES=${STEP_SHAPES:-"20:NN:704x768x3072 44:NN:13x1536x768 22:NT:13x768x1536 9:NT:704x768x3072 10:NT:704x768x2304 20:NN:704x3072x768 22:NN:704x2304x768 2:NT:128x640x1000/8 2:NT:128x384x1000/8 20:NN:704x768x768 9:NT:704x3072x768 9:NT:704x768x768 1:NT:128x896x1000/8 1:NT:64x320x1000/8"}
LAUNCH="skipped"
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  echo; echo "== host cost per launch, each argument path (timeout 60s)"
  timeout $(limit 60) "$JAVA" $JOPTS -cp "$CP" io.medualtime.tensor.cuda.CudaBench --launches 20000 > "$OUT_DIR/launches.txt" 2>&1
  cat "$OUT_DIR/launches.txt"
  LAUNCH=$(grep '^LAUNCH' "$OUT_DIR/launches.txt" | tail -6 | awk '{ for (i = 1; i <= NF; i++) if ($i == "host") h = $(i + 1)
      mode = $0 ~ /direct/ ? "direct" : $0 ~ /packed/ ? "packed" : "arrays"
      printf "%s%s %s: %s", (NR > 1 ? "; " : ""), ($3 == "5" || $4 == "5" ? "5 args" : "21 args"), mode, h }')
  [ -n "$LAUNCH" ] || LAUNCH="no result; see launches.txt"
fi

SHAPES_JAVA="skipped"; SHAPES_TORCH="skipped"
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  echo; echo "== SGEMM at the MedualTime step's shapes (timeout 120s)"
  timeout $(limit 120) "$JAVA" $JOPTS -cp "$CP" io.medualtime.tensor.cuda.CudaBench --shapes $STEP_SHAPES > "$OUT_DIR/step-shapes.txt" 2>&1
  cat "$OUT_DIR/step-shapes.txt"
  SHAPES_JAVA=$(grep '^TOTAL' "$OUT_DIR/step-shapes.txt" | sed 's/^TOTAL the shapes x counts: //' || true)
  [ -n "$SHAPES_JAVA" ] || SHAPES_JAVA="no result; see step-shapes.txt"
  SHAPES_TORCH="n/a (torch with CUDA not importable)"
  [ "${TORCH_OK:-0}" = 1 ] && SHAPES_TORCH=$(timeout $(limit 60) python3 - "$OUT_DIR/step-shapes-torch.txt" $STEP_SHAPES <<'PY' 2>&1 | tail -1
import sys, torch
torch.backends.cuda.matmul.allow_tf32 = False
total, log = 0.0, open(sys.argv[1], 'w')
for spec in sys.argv[2:]:
    count, tt, dims = spec.split(':')
    dims, _, over = dims.partition('/')           # /B: a sum over B products = one product of depth B*K
    m, n, k = map(int, dims.split('x'))
    k *= int(over or 1)
    a = torch.rand(k, m, device='cuda').t() if tt[0] == 'T' else torch.rand(m, k, device='cuda')
    b = torch.rand(n, k, device='cuda').t() if tt[1] == 'T' else torch.rand(k, n, device='cuda')
    for _ in range(3): a @ b
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    for _ in range(20): a @ b
    e.record(); torch.cuda.synchronize()
    us = s.elapsed_time(e) / 20 * 1e3
    total += int(count) * us / 1e3
    print(f"torch {spec}: {us:.1f} us", file=log)
print(f"{total:.2f} ms")
PY
)
  cat "$OUT_DIR/step-shapes-torch.txt" 2>/dev/null
  echo "PyTorch, same shapes x counts: $SHAPES_TORCH"
fi

# step_result KIND LOG TIMEOUT COMMAND...: runs one step benchmark into LOG; prints what its RESULT line
# says (or why there is none) - the value of the summary row
step_result() {
  local file=$2 log=$OUT_DIR/$2 t; t=$(limit "$3"); shift 3
  timeout "$t" "$@" > "$log" 2>&1
  tail -3 "$log" >&2
  local r; r=$(grep '^RESULT' "$log" | sed 's/^RESULT [a-z]* //')
  echo "${r:-no result; see $file}"
}
MT_JAVA="skipped"; MT_JAVA2="skipped"; MT_JAVA_NOSCOPE="skipped"; MT_JAVA_NOSPLIT="skipped"; MT_TORCH="skipped"; MT_TORCH2="skipped"
MT_TORCH_DD="skipped"; TORCH_BUSY="skipped"; LOSS_PARITY="skipped"
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  echo; echo "== MedualTime training step on the GPU (GPT-2-small shapes, random weights, B=8, dropout 0; Java and PyTorch alternated)"
  # small young generation: dead tensors' device memory returns promptly (see bin/medualtime)
  JSTEP="$JAVA $JOPTS -XX:+UseSerialGC -Xmn16m"
  JARGS="--device cuda --dropout 0 --warmup 3 --steps 10"
  TSTEP="python3 tools/reference/medualtime_bench.py --device cuda --warmup 3 --steps 10"
  JFR=""
  [ "${PROFILE:-0}" = 1 ] && JFR="-XX:StartFlightRecording=filename=$OUT_DIR/medualtime-cuda.jfr,settings=profile"
  MT_JAVA=$(step_result java medualtime-java.txt 120 $JSTEP $JFR -cp "$CP" io.medualtime.bench.MedualTimeStepBench $JARGS)
  # PyTorch without torch.set_default_device (whose per-call Python hook slowed the earlier runs' reference),
  # then one more round of each: the machine's own drift shows as the spread between rounds
  MT_TORCH=$(step_result torch medualtime-torch.txt 120 $TSTEP --cuda-profile)
  TORCH_BUSY=$(grep '^PROFILE' "$OUT_DIR/medualtime-torch.txt" | sed 's/^PROFILE torch //')
  MT_JAVA2=$(step_result java medualtime-java-2.txt 120 $JSTEP -cp "$CP" io.medualtime.bench.MedualTimeStepBench $JARGS)
  MT_TORCH2=$(step_result torch medualtime-torch-2.txt 120 $TSTEP)
  MT_TORCH_DD=$(step_result torch medualtime-torch-default-device.txt 120 $TSTEP --default-device)
  MT_JAVA_NOSCOPE=$(step_result java medualtime-java-noscope.txt 120 $JSTEP -cp "$CP" io.medualtime.bench.MedualTimeStepBench $JARGS --no-scope)
  # the same steps on the CPU: the losses must agree with the GPU's (run 0: the same weights, 1e-4
  # relative; later runs drift slowly through AdamW) - parity at the real shapes, where K is split
  step_result cpu medualtime-java-cpu.txt 120 "$JAVA" $JOPTS -cp "$CP" io.medualtime.bench.MedualTimeStepBench --device cpu --dropout 0 --warmup 2 --steps 5 >/dev/null
  LOSS_PARITY=$(awk '/^run [0-9]+.*loss/ { for (i = 1; i <= NF; i++) if ($i == "loss") v = $(i + 1); r = $2; sub(/:/, "", r)
                       if (FILENAME ~ /cpu/) c[r] = v; else g[r] = v }
      END { n = 0; worst = 0; for (r in c) if (r in g) { d = c[r] - g[r]; if (d < 0) d = -d; rel = d / (c[r] < 0 ? -c[r] : c[r]) + 0
                                                        if (r == 0) first = rel; if (rel > worst) worst = rel; n++ }
            if (n == 0) print "no losses to compare"; else printf "run 0 rel diff %.1e, worst of %d runs %.1e", first, n, worst }' \
      "$OUT_DIR/medualtime-java.txt" "$OUT_DIR/medualtime-java-cpu.txt")
  echo "loss, CPU vs CUDA: $LOSS_PARITY"
  # the same step with every product on whole-K tiles: what splitting K buys end to end
  MT_JAVA_NOSPLIT=$(step_result java medualtime-java-nosplit.txt 120 $JSTEP -Dmedualtime.cuda.splitk=off -cp "$CP" io.medualtime.bench.MedualTimeStepBench $JARGS)
  MT_JAVA_ARRAYS=$(step_result java medualtime-java-arrays.txt 120 $JSTEP -Dmedualtime.cuda.launchargs=arrays -cp "$CP" io.medualtime.bench.MedualTimeStepBench $JARGS)
  MT_JAVA_PACKED=$(step_result java medualtime-java-packed.txt 120 $JSTEP -Dmedualtime.cuda.launchargs=packed -cp "$CP" io.medualtime.bench.MedualTimeStepBench $JARGS)
  # where the GPU time goes: every kernel between two GPU events (no wait per launch) in 3 training
  # steps + 3 inferences, the first JIT-cold; the total bounds the GPU's busy time from above (an
  # interval also holds the GPU's wait for a launch when the host is behind). Should the event timer
  # fail, each launch synchronised and timed on the host instead (inflated by the launch latency)
  PROF_LOG="$OUT_DIR/medualtime-java-profile.txt"
  timeout $(limit 120) $JSTEP -Dmedualtime.cuda.profile=events -Dmedualtime.cuda.profile.sites=all \
    -cp "$CP" io.medualtime.bench.MedualTimeStepBench --device cuda --dropout 0 --warmup 1 --steps 2 > "$PROF_LOG" 2>&1
  if ! grep -q 'TOTAL' "$PROF_LOG"; then
    timeout $(limit 120) $JSTEP -Dmedualtime.cuda.profile=true -Dmedualtime.cuda.profile.sites=all \
      -cp "$CP" io.medualtime.bench.MedualTimeStepBench --device cuda --dropout 0 --warmup 1 --steps 2 > "$PROF_LOG" 2>&1
  fi
  echo "== per-kernel GPU time, 3 training steps + 3 inferences (medualtime-java-profile.txt)"
  grep -A24 'kernel profile' "$PROF_LOG" || tail -5 "$PROF_LOG"
  grep -A30 'call sites' "$PROF_LOG"      # where in the model; all 40 in the file
  JAVA_BUSY=$(awk '$1 == "TOTAL" { printf "%d launches/copies, <= %.1f ms GPU time per step + inference", $2 / 3, $3 * 1000 / 3 }' "$PROF_LOG")
fi

{
echo
echo "================ summary ================"
printf '%-28s %s\n' "GPU" "$(head -1 "$OUT_DIR/gpu.txt")"
for s in "${STEPS[@]}"; do printf '%-28s %s\n' "${s%%|*}" "${s#*|}"; done
if [ "${SKIP_BENCH:-0}" != 1 ]; then
  grep '^SGEMM' "$OUT_DIR/bench.txt" | while read -r _ eng var sz rest; do
    printf '%-28s %s\n' "SGEMM $eng $var $sz" "$rest"
  done
  grep -q '^SGEMM cuBLAS' "$OUT_DIR/bench.txt" || printf '%-28s %s\n' "SGEMM cuBLAS" "$(grep '^cuBLAS' "$OUT_DIR/bench.txt" | head -1)"
  grep -q '^SGEMM' "$OUT_DIR/bench.txt" || printf '%-28s %s\n' "SGEMM" "no result ($(tail -1 "$OUT_DIR/bench.txt"))"
fi
printf '%-28s %s\n' "PyTorch fp32 ${SIZE}^3" "$TORCH"
printf '%-28s %s\n' "SGEMM step shapes, Java" "$SHAPES_JAVA"
printf '%-28s %s\n' "SGEMM step shapes, PyTorch" "$SHAPES_TORCH"
printf '%-28s %s\n' "MedualTime step, Java CUDA" "$MT_JAVA"
printf '%-28s %s\n' "  second round" "$MT_JAVA2"
printf '%-28s %s\n' "  same, --no-scope" "$MT_JAVA_NOSCOPE"
printf '%-28s %s\n' "  same, split-K off" "$MT_JAVA_NOSPLIT"
printf '%-28s %s\n' "  same, array launch args" "${MT_JAVA_ARRAYS:-skipped}"
printf '%-28s %s\n' "  same, packed launch args" "${MT_JAVA_PACKED:-skipped}"
printf '%-28s %s\n' "host us per launch" "$LAUNCH"
printf '%-28s %s\n' "  GPU busy (events)" "${JAVA_BUSY:-skipped}"
printf '%-28s %s\n' "  loss vs the same on CPU" "$LOSS_PARITY"
printf '%-28s %s\n' "MedualTime step, PyTorch" "$MT_TORCH"
printf '%-28s %s\n' "  second round" "$MT_TORCH2"
printf '%-28s %s\n' "  set_default_device" "$MT_TORCH_DD"
printf '%-28s %s\n' "  GPU busy (profiler)" "$TORCH_BUSY"
} 2>&1 | tee "$OUT_DIR/summary.txt"
# the device tool returns at most 8 files: the logs travel as one archive beside the summary
if [ -n "${OUT:-}" ] && [ -d "${OUT:-}" ]; then
  (cd "$OUT_DIR" && tar -czf /tmp/gpu-check-logs.tar.gz --exclude summary.txt . ) && mv /tmp/gpu-check-logs.tar.gz "$OUT/"
  [ "$OUT_DIR" = "$OUT" ] && find "$OUT" -maxdepth 1 -type f ! -name summary.txt ! -name gpu-check-logs.tar.gz -delete
  [ "$OUT_DIR" != "$OUT" ] && cp "$OUT_DIR/summary.txt" "$OUT/"
fi
exit $FAILED
