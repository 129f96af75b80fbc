#!/usr/bin/env bash
# Runs the JMH benchmark of every CPU kernel family (SGEMM in all transposes and batched, layer norm,
# softmax, GELU fwd/bwd, attention, adapter attention, conv1d, AdamW, cross-entropy) and the roofline
# (measured FMA peak, STREAM copy/triad), and prints one table with each kernel's GFLOPS or GB/s and
# its fraction of the roofline (io.medualtime.bench.KernelsReport).
#
#   bench/kernels.sh [--long] [--cputime] [regex]
#     --long: 5 x 2 s measurements (default 3 x 0.5 s); regex: only matching benchmarks ('layerNorm|gelu')
#     --cputime (or CPUTIME=1): rates from the busiest thread's CPU time per call, not the wall time
#       (far less disturbed when other processes share the cores; both times are printed either way)
# env: JAVA (java), BUILD=1 to rebuild bench/target-gemm/benchmarks.jar,
#      THREADS (default: all cores) for the kernels' thread count (-Dmedualtime.threads)
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}; JAR=bench/target-gemm/benchmarks.jar
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  mvn -q -o -Dbuild.dir.name=target-gemm -pl bench -am package -DskipTests >&2
fi
JOPT=(--add-modules jdk.incubator.vector)
[ -n "${THREADS:-}" ] && JOPT+=("-Dmedualtime.threads=$THREADS")
ARGS=(); [ "${CPUTIME:-0}" = 1 ] && ARGS=(--cputime)
exec "$JAVA" "${JOPT[@]}" -cp "$JAR" io.medualtime.bench.KernelsReport --log bench/target-gemm/kernels-jmh.log "${ARGS[@]}" "$@" 2> >(grep -v "incubator modules" >&2)
