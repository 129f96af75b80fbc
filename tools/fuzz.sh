#!/usr/bin/env bash
# Fuzzes the file-format readers with Jazzer (the *FuzzTest classes; ParserContract says what they check).
#   tools/fuzz.sh TARGET SECONDS    TARGET: a fuzz test class (e.g. SafetensorsFuzzTest), or 'all'
# Each target runs in its own JVM for SECONDS of fuzzing (plus ~10 s of start-up), with a 2 GB heap so that an
# input which makes a reader allocate without bound fails fast. A finding stops that target and is written next
# to its committed inputs (src/test/resources/.../<Class>Inputs/fuzz/crash-*): `mvn test` then replays it until
# the reader is fixed. The generated corpus grows in <module>/.cifuzz-corpus/ (not committed).
# Prints one line per target: executions, corpus size, findings.  Needs network once for Jazzer (Maven Central).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: tools/fuzz.sh TARGET|all SECONDS}"
seconds="${2:?usage: tools/fuzz.sh TARGET|all SECONDS}"

mapfile -t classes < <(find tensor nn medualtime -path '*/src/test/java/*' -name '*FuzzTest.java' | sort)
selected=()
for f in "${classes[@]}"; do
  c="$(basename "$f" .java)"
  if [ "$target" = all ] || [ "$target" = "$c" ]; then selected+=("$c"); fi
done
[ ${#selected[@]} -gt 0 ] || { echo "error: no fuzz test '$target'; known: $(printf '%s ' "${classes[@]##*/}" | sed 's/\.java//g')" >&2; exit 2; }

log="${FUZZ_LOG:-$(mktemp)}"
[ -n "${FUZZ_LOG:-}" ] || trap 'rm -f "$log"' EXIT
before="$(find . -path '*Inputs/fuzz/crash-*' -o -path '*Inputs/fuzz/timeout-*' -o -path '*Inputs/fuzz/oom-*' | sort)"
status=0
# one JVM per class (reuseForks=false): Jazzer fuzzes a single test per JVM. JUnit's own timeouts are off while
# fuzzing: libFuzzer enforces each test's @Timeout per input instead (JUnit would count the whole run).
JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" mvn -B ${MVN_FLAGS:-} test \
    -Dtest="$(IFS=,; echo "${selected[*]}")" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.hooks=true -DreuseForks=false -Djunit.jupiter.execution.timeout.mode=disabled -Dtest.jvm.extra=-Xmx2g \
    >"$log" 2>&1 || status=$?

# libFuzzer's closing line per target, e.g. "Done 123456 runs in 5 second(s)", in surefire's order of classes
mapfile -t done_lines < <(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "$log" || true)
mapfile -t ran < <(grep -aoE 'Running io\.medualtime\.[A-Za-z0-9_.]*FuzzTest' "$log" | sed 's/.*\.//' || true)
printf '%-24s %12s %s\n' target executions "(${seconds} s each)"
for i in "${!ran[@]}"; do
  printf '%-24s %12s\n' "${ran[$i]}" "$(echo "${done_lines[$i]:-}" | grep -oE '[0-9]+' | head -1)"
done
after="$(find . -path '*Inputs/fuzz/crash-*' -o -path '*Inputs/fuzz/timeout-*' -o -path '*Inputs/fuzz/oom-*' | sort)"
new="$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')"
if [ -n "$new" ]; then
  echo "findings (replayed by mvn test until fixed):"
  while read -r f; do echo "  $f"; done <<<"$new"
  grep -aE '^== Java Exception|^Caused by|^java\.|^io\.medualtime|^== libFuzzer crashing input' "$log" | head -40 || true
fi
if [ "$status" -ne 0 ] && [ -z "$new" ]; then tail -60 "$log"; fi
failed="$(echo "$new" | sed '/^$/d' | wc -l)"
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=${#selected[@]}
echo "fuzz: $(( ${#selected[@]} - failed )) passed, $failed failed"
exit "$status"
