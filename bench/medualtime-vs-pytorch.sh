#!/usr/bin/env bash
# One supervised MedualTime training step (forward + backward + AdamW) and the inference of the same
# batch, ours (MedualTimeStepBench) against PyTorch (tools/reference/medualtime_bench.py, the code of
# the fixture reference), GPT-2 small shapes with random weights, B=8, 12 x 1000 signals, 48-token
# reports, M=11, K=5, cached text vectors; both on the same cores in the same run, one after the
# other. PyTorch's reference has no dropout, so ours runs with dropout 0 as well (--dropout 0).
# The cores may be shared with other work: compare the ratio from one run, and rerun when unsure.
#
#   bench/medualtime-vs-pytorch.sh            env: STEPS (5), WARMUP (2), THREADS (2), JAVA, JAVA_GC, PYTHON,
#                                                  BUILD_DIR (Maven output folder, default target),
#                                                  BUILD=1 to rebuild bench/$BUILD_DIR/benchmarks.jar
# PyTorch's BLAS: as in bench/gpt2-vs-pytorch.sh, Debian's torch uses the system libblas.so.3; OPENBLAS_DIR
# (default /tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread, see that script's header) puts
# OpenBLAS first, and OMP_WAIT_POLICY=PASSIVE keeps OpenMP from spinning on shared cores.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${STEPS:-5}; WARMUP=${WARMUP:-2}; THREADS=${THREADS:-2}
JAVA=${JAVA:-java}; PYTHON=${PYTHON:-/usr/bin/python3}
BUILD_DIR=${BUILD_DIR:-target}
JAR=bench/$BUILD_DIR/benchmarks.jar
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  mvn -q -o -Dbuild.dir.name="$BUILD_DIR" -pl bench -am package -DskipTests >&2
fi
openblas="${OPENBLAS_DIR:-/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread}"
if [ -f "$openblas/libblas.so.3" ]; then export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; PYBLAS="OpenBLAS ($openblas)"
else PYBLAS="the system libblas.so.3 (no OpenBLAS found: see the header)"; fi
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT

echo "== ours (Java) =="
# G1 with a fixed marking threshold: every op allocates its output, and with the adaptive threshold
# the churn of multi-MB activations kept G1 starting marking cycles (1-3 s of pauses per 5 steps;
# ParallelGC 2 s, this 1 s). Set JAVA_GC to compare others.
JAVA_GC=${JAVA_GC:-"-XX:+UseG1GC -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=85"}
"$JAVA" --add-modules jdk.incubator.vector -Xmx8g $JAVA_GC -Dmedualtime.threads="$THREADS" -cp "$JAR" \
  io.medualtime.bench.MedualTimeStepBench --warmup "$WARMUP" --steps "$STEPS" --dropout 0 2>&1 \
  | grep -v "incubator modules" | tee "$TMP/java.txt"
echo "== PyTorch (BLAS: $PYBLAS) =="
"$PYTHON" tools/reference/medualtime_bench.py --warmup "$WARMUP" --steps "$STEPS" --threads "$THREADS" | tee "$TMP/torch.txt"

read -r JS JI < <(awk '/^RESULT java/ {print $4, $6}' "$TMP/java.txt")
read -r PS PI < <(awk '/^RESULT torch/ {print $4, $6}' "$TMP/torch.txt")
echo
echo "== summary (median ms; ratio = PyTorch / ours, > 1 means we are faster) =="
printf "%-22s %10s %10s %8s %s\n" "" "ours" "PyTorch" "ratio" "target (ours)"
printf "%-22s %10s %10s %8.2f %s\n" "training step" "$JS" "$PS" "$(echo "$PS / $JS" | bc -l)" "<= 2400"
printf "%-22s %10s %10s %8.2f %s\n" "inference" "$JI" "$PI" "$(echo "$PI / $JI" | bc -l)" "<= 650"
uptime | sed 's/^/load during the run: /'
