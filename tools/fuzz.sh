#!/usr/bin/env bash
# Fuzzes the file-format readers with Jazzer (the *FuzzTest classes; fuzz/ParserContract says what they check).
#   tools/fuzz.sh TARGET SECONDS    TARGET: a fuzz test class (e.g. SafetensorsFuzzTest), or 'all'
# Each target runs in its own JVM for SECONDS of fuzzing (plus start-up), with a 2 GB heap so that an input
# which makes a reader allocate without bound fails fast. A finding stops that target and is written next to
# its committed inputs (src/test/resources/.../<Class>Inputs/fuzz/crash-*, timeout-*): `mvn test` replays it
# from then on, so fix the reader or move the file out. The generated corpus grows in <module>/.cifuzz-corpus/
# (not committed). Prints executions per target, the findings, and 'fuzz: N passed, N failed'.
# Environment: FUZZ_RUNS=N stops each target after N inputs, from libFuzzer seed FUZZ_SEED (default 1): the same
# code then meets the same inputs, so a run that passed passes again (CI); MVN_FLAGS (e.g. -o); FUZZ_LOG (keep
# Maven's output there).
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: tools/fuzz.sh TARGET|all SECONDS"
target="${1:?$usage}"
seconds="${2:?$usage}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "error: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; }

findings() { find tensor nn medualtime -path '*/src/test/resources/*Inputs/fuzz/*' \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort; }
log="${FUZZ_LOG:-$(mktemp)}"
[ -n "${FUZZ_LOG:-}" ] || trap 'rm -f "$log"' EXIT
: >"$log"
before="$(findings)"
status=0 selected=0
for module in tensor nn medualtime; do
  classes=()
  for f in $(find "$module/src/test/java" -name '*FuzzTest.java' | sort); do
    c="$(basename "$f" .java)"
    if [ "$target" = all ] || [ "$target" = "$c" ]; then classes+=("$c"); fi
  done
  [ ${#classes[@]} -gt 0 ] || continue
  selected=$((selected + ${#classes[@]}))
  # one JVM per class (reuseForks=false): Jazzer fuzzes one test per JVM. JUnit's timeouts are off while fuzzing:
  # libFuzzer applies each test's @Timeout to every input instead (JUnit would count the whole run).
  env JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" ${FUZZ_RUNS:+JAZZER_MAX_EXECUTIONS=$FUZZ_RUNS} \
    mvn -B ${MVN_FLAGS:-} test -pl "$module" -am ${FUZZ_RUNS:+-Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-seed=${FUZZ_SEED:-1}} \
      -Dtest="$(IFS=,; echo "${classes[*]}")" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.hooks=true -DreuseForks=false -Djunit.jupiter.execution.timeout.mode=disabled -Dtest.jvm.extra=-Xmx2g \
      >>"$log" 2>&1 || status=$?
done
[ "$selected" -gt 0 ] || { echo "error: no fuzz test '$target' (see tools/fuzz.sh: *FuzzTest classes)" >&2; exit 2; }

# libFuzzer's closing line, e.g. "Done 123456 runs in 5 second(s)", follows each "Running <class>"
printf '%-24s %12s\n' "target (${seconds} s)" executions
awk '/Running io\.medualtime\..*FuzzTest/ { n = split($NF, p, "."); cls = p[n] }
     /Done [0-9]+ runs in/ && cls != "" { for (i = 1; i <= NF; i++) if ($i == "Done") printf "%-24s %12s\n", cls, $(i + 1); cls = "" }' "$log"
new="$(comm -13 <(echo "$before") <(findings) | sed '/^$/d')"
failed=0
if [ -n "$new" ]; then
  failed="$(echo "$new" | wc -l)"
  echo "findings (mvn test replays them until fixed):"
  sed 's/^/  /' <<<"$new"
  grep -aE '^(Caused by: |== Java Exception: )' "$log" | sort -u | head -40 || true
elif [ "$status" -ne 0 ]; then
  tail -60 "$log"; failed=$selected
fi
echo "fuzz: $((selected - failed)) passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
