#!/usr/bin/env bash
# Compares our CPU SGEMM (io.medualtime.tensor.cpu.Sgemm) with OpenBLAS (numpy float32 matmul),
# both on all cores, in the same run. The cores may be shared with other work, so the two are
# run alternately for ROUNDS rounds and the best GFLOPS of each is kept.
#
#   bench/compare-openblas.sh [shape ...]      shape = MxNxK or MxNxKxBATCH
# env: ROUNDS (3), SECONDS (1.0, timed per shape and round), JAVA (java; e.g. a JDK 25 bin/java),
#      JOPTS (extra JVM options for ours, e.g. "-Dmedualtime.sgemm.mc=480 -Dmedualtime.sgemm.nc=1536"
#      to compare the cache-derived block sizes with the old fixed ones; the choice is printed),
#      PYTHON (python3), BUILD=1 to force a rebuild of bench/target-gemm/benchmarks.jar,
#      CPUTIME=1 to compare ONE thread each, timed by the thread's CPU time (per-core speed; far
#      less disturbed when other processes share the cores)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}; SECONDS_PER=${SECONDS:-1.0}; JAVA=${JAVA:-java}; PYTHON=${PYTHON:-python3}
JAR=bench/target-gemm/benchmarks.jar
SHAPES=("$@")
[ ${#SHAPES[@]} -eq 0 ] && SHAPES=(1024x768x768 1024x3072x768 1024x768x3072 2048x2048x2048
                                   4096x768x768 256x256x64x48 256x64x256x48)

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  mvn -q -o -Dbuild.dir.name=target-gemm -pl bench -am package -DskipTests >&2
fi

TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cat > "$TMP/np_gemm.py" <<'PY'
import sys, time, ctypes, glob, os
import numpy as np
def blas_info():
    info = "numpy " + np.__version__
    try:
        import threadpoolctl
        for p in threadpoolctl.threadpool_info():
            if p.get("user_api") == "blas":
                return info + f", {p.get('internal_api')} {p.get('version')} core={p.get('architecture')} threads={p.get('num_threads')} (threadpoolctl)"
    except ImportError:
        pass
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for pre in ("scipy_openblas_", "openblas_"):
            for suf in ("64_", ""):
                try:
                    f = getattr(lib, pre + "get_config" + suf); f.restype = ctypes.c_char_p
                    g = getattr(lib, pre + "get_corename" + suf); g.restype = ctypes.c_char_p
                    t = getattr(lib, pre + "get_num_threads" + suf); t.restype = ctypes.c_int
                    return info + f", {f().decode().strip()} core={g().decode()} threads={t()}"
                except AttributeError:
                    pass
    return info + ", BLAS: " + str(np.show_config(mode="dicts")["Build Dependencies"]["blas"].get("name"))
seconds = float(sys.argv[1])
clock = time.thread_time if os.environ.get("CPUTIME") == "1" else time.perf_counter
if sys.argv[2] == "--info":
    print("INFO", blas_info()); sys.exit()
rng = np.random.default_rng(1)
for s in sys.argv[2:]:
    d = [int(x) for x in s.split("x")]
    m, n, k = d[:3]; b = d[3] if len(d) > 3 else 1
    shp = (b,) if b > 1 else ()
    A = rng.random(shp + (m, k), dtype=np.float32) - 0.5
    B = rng.random(shp + (k, n), dtype=np.float32) - 0.5
    C = np.empty(shp + (m, n), np.float32)
    def timed(sec):
        t0 = clock(); it = 0
        while True:
            np.matmul(A, B, out=C); it += 1
            t = clock() - t0
            if t >= sec: return t / it
    timed(0.5)
    best = max(2.0 * m * n * k * b / timed(seconds / 5) for _ in range(5))
    print(f"RESULT {s} {best / 1e9:.1f}")
PY

# numpy/OpenBLAS runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (its own CPU detection)
NPENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE); JOPT=()
if [ "${CPUTIME:-0}" = 1 ]; then NPENV+=(OPENBLAS_NUM_THREADS=1 CPUTIME=1); JOPT=(--cputime); fi
run_np() { "${NPENV[@]}" "$PYTHON" "$TMP/np_gemm.py" "$@"; }
read -r -a XOPTS <<< "${JOPTS:-}"
run_java() { "$JAVA" --add-modules jdk.incubator.vector "${XOPTS[@]}" -cp "$JAR" io.medualtime.bench.SgemmGflops \
               --seconds "$SECONDS_PER" "${JOPT[@]}" "$@" 2>/dev/null; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "java:    $("$JAVA" -version 2>&1 | head -1)  ($(run_java --warmup 0 --seconds 0 1x1x1 | sed -n 's/^# kernel=/kernel=/p'))"
echo "sgemm:   $(run_java --warmup 0 --seconds 0 1x1x1 | sed -n 's/^# blocking: //p')"
echo "load:    $(uptime | sed 's/.*load average/load average/')"
echo "blas:    $(run_np 0 --info | sed 's/^INFO //')"
echo "rounds:  $ROUNDS (alternating ours / OpenBLAS; best of rounds kept)"
[ "${CPUTIME:-0}" = 1 ] && echo "mode:    CPUTIME=1: one thread each, GFLOPS per second of thread CPU time"
for r in $(seq "$ROUNDS"); do
  run_java "${SHAPES[@]}" | awk '/^RESULT/ {print "ours", $2, $3}' >> "$TMP/all"
  run_np "$SECONDS_PER" "${SHAPES[@]}" | awk '/^RESULT/ {print "blas", $2, $3}' >> "$TMP/all"
done
echo
printf '| %-16s | %12s | %16s | %6s |\n' "shape MxNxK[xB]" "ours GFLOPS" "OpenBLAS GFLOPS" "ratio"
printf '|%s|%s|%s|%s|\n' "------------------" "-------------:" "-----------------:" "-------:"
for s in "${SHAPES[@]}"; do
  o=$(awk -v s="$s" '$1=="ours" && $2==s && $3>b {b=$3} END {print b+0}' "$TMP/all")
  n=$(awk -v s="$s" '$1=="blas" && $2==s && $3>b {b=$3} END {print b+0}' "$TMP/all")
  printf '| %-16s | %12.1f | %16.1f | %6.2f |\n' "$s" "$o" "$n" "$(awk -v o="$o" -v n="$n" 'BEGIN {print (n > 0 ? o / n : 0)}')"
done
