#!/usr/bin/env bash
# Is any CPU kernel running the Vector API's scalar fallback inside a real training step? On JDK 17
# C2 sometimes gives up a vector intrinsic in a large compilation (inlining too deep, a node-count
# cutoff, a species or operator it cannot prove constant: see -XX:+PrintIntrinsics' "missing
# constant" lines), and the kernel then boxes every vector and runs ~10x slower - in a model step
# only, never in isolation. This runs MedualTimeStepBench under JFR and prints, for the second half
# of the run (after warm-up and compilation), the share of CPU samples per kernel, those in the
# fallback marked, and the vector objects allocated per kernel (a compiled kernel allocates none).
#
#   bench/vector-fallback.sh [extra JVM options, e.g. -XX:MaxInlineLevel=25]
# env: JAVA (java), PYTHON (python3), STEPS (8), BUILD_DIR (target), BUILD=1 to rebuild the jar
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}; PYTHON=${PYTHON:-python3}; STEPS=${STEPS:-8}; BUILD_DIR=${BUILD_DIR:-target}
JAR=bench/$BUILD_DIR/benchmarks.jar
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ]; then
  echo "building $JAR ..." >&2
  mvn -q -o -Dbuild.dir.name="$BUILD_DIR" -pl bench -am package -DskipTests >&2
fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA" -version 2>&1 | head -1); JVM options: ${*:-none}"
"$JAVA" --add-modules jdk.incubator.vector -Xmx8g "$@" -XX:StartFlightRecording=filename="$TMP/step.jfr",settings=profile \
  -cp "$JAR" io.medualtime.bench.MedualTimeStepBench --warmup 3 --steps "$STEPS" --dropout 0 2>&1 | grep '^RESULT'
jfr print --events jdk.ExecutionSample --stack-depth 12 "$TMP/step.jfr" > "$TMP/exec.txt"
jfr print --events jdk.ObjectAllocationSample --stack-depth 12 "$TMP/step.jfr" > "$TMP/alloc.txt"
"$PYTHON" - "$TMP" <<'PY'
import collections, re, sys
tmp = sys.argv[1]
def events(path, kind):
    for e in open(path).read().split(kind)[1:]:
        t = re.search(r'startTime = ([\d:.]+)', e)
        frames = re.findall(r'^\s+([\w.$]+)\(.*?\)\s+line:\s*(\d+)', e, re.M)
        cls = re.search(r'objectClass = ([\w.$]+)', e)
        w = re.search(r'weight = ([\d.]+) (\w+)', e)
        yield (t.group(1) if t else ''), frames, (cls.group(1) if cls else ''), w
exe = list(events(f'{tmp}/exec.txt', 'jdk.ExecutionSample'))
times = sorted(t for t, *_ in exe if t)
cut = times[len(times) // 2]
def own(frames):   # the innermost frame of ours: the kernel
    return next((f[0].split('.')[-1] for f in frames if f[0].startswith('io.medualtime')), '(other)')
samples, total = collections.Counter(), 0
for t, frames, _, _ in exe:
    if t < cut or not frames: continue
    total += 1
    samples[own(frames) + ('  <- FALLBACK' if frames[0][0].startswith('jdk.incubator.vector') or frames[0][0].startswith('jdk.internal.vm.vector') else '')] += 1
fallback = sum(v for k, v in samples.items() if 'FALLBACK' in k)
print(f'CPU samples in the second half: {total}; in the Vector API fallback: {fallback} ({100.0 * fallback / max(1, total):.1f} %)')
for k, v in samples.most_common(16): print(f'  {100.0 * v / total:5.1f} %  {k}')
unit = {'bytes': 1, 'kB': 1e3, 'MB': 1e6, 'GB': 1e9}
boxed = collections.Counter()
for t, frames, cls, w in events(f'{tmp}/alloc.txt', 'jdk.ObjectAllocationSample'):
    if t >= cut and 'incubator.vector' in cls and w: boxed[own(frames)] += float(w.group(1)) * unit.get(w.group(2), 1)
print('vector objects allocated in the second half (JFR estimate): ' + (', '.join(f'{k} {v / 1e6:.0f} MB' for k, v in boxed.most_common(8)) or 'none'))
PY
