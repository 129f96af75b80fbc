#!/usr/bin/env bash
# GPT-2 124M training step (random init, B=4, T=64, AdamW on all weights, llm.c's setup):
# Java (bench/.../Gpt2TrainStepBench) and PyTorch (tools/reference/gpt2_bench.py) in the same run,
# then both medians and the ratio.
#
#   bench/gpt2-vs-pytorch.sh [--warmup 2] [--steps 5]      (options go to both sides)
#
# Environment: BUILD_DIR (Maven output folder name, default target), JAVA_OPTS (default -Xmx8g),
# OPENBLAS_DIR: a folder with OpenBLAS's libblas.so.3 for PyTorch. Debian's torch 1.13 is built with
# BLAS_INFO=generic and uses whatever libblas.so.3 the system has; with the reference (netlib) BLAS
# a step takes minutes, which is no fair baseline. Without OPENBLAS_DIR the script looks in
# /tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread, which this gets you (no root change):
#   mkdir -p /tmp/openblas && cd /tmp/openblas && apt-get download libopenblas0-pthread && dpkg-deb -x libopenblas0-pthread_*.deb root
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-target}"
jar="$root/bench/$build/benchmarks.jar"
if [ ! -f "$jar" ]; then
  echo "[gpt2-bench] building $jar ..." >&2
  (cd "$root" && mvn -q -o -B -Dbuild.dir.name="$build" -DskipTests -pl bench -am install) >&2
fi
openblas="${OPENBLAS_DIR:-/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread}"
# OpenMP threads that spin while waiting are ruinous when the 2 cores are shared (measured: 19 s
# instead of 6.4 s per step with other jobs running); PASSIVE makes them sleep, as Java's pool does.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(java -version 2>&1 | head -1); OMP_WAIT_POLICY=$OMP_WAIT_POLICY; python $(/usr/bin/python3 -c 'import torch,sys; print(sys.version.split()[0], "torch", torch.__version__)')"
echo "== Java"
java --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xss8m ${JAVA_OPTS:--Xmx8g} \
  -cp "$jar" io.medualtime.bench.Gpt2TrainStepBench "$@" 2> >(grep -v "WARNING: Using incubator modules" >&2) | tee /tmp/gpt2-bench-java.$$
if [ -f "$openblas/libblas.so.3" ]; then
  echo "== PyTorch (BLAS: OpenBLAS from $openblas)"
  LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" /usr/bin/python3 "$root/tools/reference/gpt2_bench.py" "$@" | tee /tmp/gpt2-bench-py.$$
else
  echo "== PyTorch (BLAS: the system libblas.so.3; see the header of this script for OpenBLAS)"
  /usr/bin/python3 "$root/tools/reference/gpt2_bench.py" "$@" | tee /tmp/gpt2-bench-py.$$
fi
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
j=$(sed -n 's/^RESULT java step_ms_median \([0-9.]*\).*/\1/p' /tmp/gpt2-bench-java.$$)
p=$(sed -n 's/^RESULT pytorch step_ms_median \([0-9.]*\).*/\1/p' /tmp/gpt2-bench-py.$$)
jm=$(sed -n 's/^RESULT java .* min \([0-9.]*\).*/\1/p' /tmp/gpt2-bench-java.$$)
pm=$(sed -n 's/^RESULT pytorch .* min \([0-9.]*\).*/\1/p' /tmp/gpt2-bench-py.$$)
jc=$(sed -n 's/^RESULT java process_cpu_ms_median \([0-9.]*\).*/\1/p' /tmp/gpt2-bench-java.$$)
pc=$(sed -n 's/^RESULT pytorch process_cpu_ms_median \([0-9.]*\).*/\1/p' /tmp/gpt2-bench-py.$$)
rm -f /tmp/gpt2-bench-java.$$ /tmp/gpt2-bench-py.$$
awk -v j="$j" -v p="$p" -v jm="$jm" -v pm="$pm" 'BEGIN { printf "== SUMMARY step median: java %.0f ms, pytorch %.0f ms, java/pytorch %.2f (fastest step: java %.0f, pytorch %.0f, ratio %.2f)\n", j, p, j / p, jm, pm, jm / pm }'
awk -v j="$jc" -v p="$pc" 'BEGIN { printf "== SUMMARY process CPU per step (contention-robust): java %.0f ms, pytorch %.0f ms, java/pytorch %.2f\n", j, p, j / p }'
