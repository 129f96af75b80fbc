#!/usr/bin/env bash
# Load time and heap of a SYNTHETIC GPT-2 124M-shaped checkpoint (random F32, HF keys, ~498 MB).
#   bench/gpt2-load.sh [DIR] [--runs 5] [--map]   (DIR keeps the checkpoint between runs; default: a temp folder;
#   --map leaves the large weights read-only in the memory-mapped file, as the gpt2 CLI and frozen LMs load)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-target}"
jar="$root/bench/$build/benchmarks.jar"
if [ ! -f "$jar" ]; then
  (cd "$root" && mvn -q -o -B -Dbuild.dir.name="$build" -DskipTests -pl bench -am install) >&2
fi
echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
exec java --add-modules jdk.incubator.vector -XX:+UseParallelGC ${JAVA_OPTS:--Xmx2g} \
  -cp "$jar" io.medualtime.bench.Gpt2LoadBench "$@" 2> >(grep -v "WARNING: Using incubator modules" >&2)
