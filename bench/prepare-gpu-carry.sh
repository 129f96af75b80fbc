#!/usr/bin/env bash
# Builds .device-out/ (git-ignored): everything bench/gpu-check.sh needs on a GPU machine that has no
# Java, no Maven and no network. Run it HERE (Maven + a populated ~/.m2), then on the device:
#     run(command="bash bench/gpu-check.sh", carry=[".device-out"], timeout_s=540)
#
#   .device-out/jre/  jlink'd Java 17: java.base, java.logging, java.management, java.xml, java.sql,
#                     jdk.unsupported, jdk.incubator.vector (compressed, no debug info)
#   .device-out/lib/  medualtime-tensor / -tensor-cuda / -nn / -model / -bench jars and their test classes (the
#                     PTX emulator is tensor-cuda's; WITHOUT test fixtures: those
#                     are tracked files and travel with the working tree; gpu-check.sh puts
#                     */src/test/resources on the classpath), the runtime dependencies (jcuda, jcublas,
#                     jackson, jtokkit), junit-platform-console-standalone; the JCuda natives jar is
#                     stripped to libJCudaDriver + libJCudaRuntime (the NVRTC / nvPTXCompiler libraries
#                     are 24 MB and unused), so the folder stays far below the 64 MiB carry limit.
# Env: BUILD_DIR_NAME (Maven output folder, default target-gpucarry). Takes 1-3 minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD_DIR_NAME:-target-gpucarry}
OUT=$ROOT/.device-out
M2=${M2_REPO:-$HOME/.m2/repository}
CONSOLE_VER=1.11.4
CONSOLE=$M2/org/junit/platform/junit-platform-console-standalone/$CONSOLE_VER/junit-platform-console-standalone-$CONSOLE_VER.jar
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$OUT.new"' EXIT

echo "== build tensor, tensor-cuda, nn, medualtime, bench (-Dbuild.dir.name=$BUILD)"
# one reactor run, nothing installed into ~/.m2; every module writes its class path to cp.txt, bench (the last) stays
mvn -q -o -Dbuild.dir.name="$BUILD" -pl tensor,tensor-cuda,nn,medualtime,bench -DskipTests package \
  dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$TMP/cp.txt"
[ -f "$CONSOLE" ] || mvn -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$CONSOLE_VER

echo "== jars"
LIB=$OUT.new/lib
rm -rf "$OUT.new"
mkdir -p "$LIB"
jar cf "$LIB/medualtime-tensor.jar" -C "tensor/$BUILD/classes" .
jar cf "$LIB/medualtime-tensor-tests.jar" -C "tensor/$BUILD/test-classes" io
jar cf "$LIB/medualtime-tensor-cuda.jar" -C "tensor-cuda/$BUILD/classes" .          # includes kernels/*.ptx
jar cf "$LIB/medualtime-tensor-cuda-tests.jar" -C "tensor-cuda/$BUILD/test-classes" io -C "tensor-cuda/$BUILD/test-classes" META-INF   # the emulator and its service entry
jar cf "$LIB/medualtime-nn.jar" -C "nn/$BUILD/classes" .
jar cf "$LIB/medualtime-nn-tests.jar" -C "nn/$BUILD/test-classes" io
jar cf "$LIB/medualtime-model.jar" -C "medualtime/$BUILD/classes" .
jar cf "$LIB/medualtime-model-tests.jar" -C "medualtime/$BUILD/test-classes" io
jar cf "$LIB/medualtime-bench.jar" -C "bench/$BUILD/classes" .
for j in $(tr ':' '\n' < "$TMP/cp.txt"); do
  case "$j" in
    "$ROOT"/*|*/io/medualtime/*|*/org/junit/*|*/org/opentest4j/*|*/org/apiguardian/*) ;;  # ours / inside the console jar
    *) cp "$j" "$LIB/" ;;
  esac
done
cp "$CONSOLE" "$LIB/"
for j in "$LIB"/jcuda-natives-*.jar; do
  zip -q -d "$j" 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' || true
done

echo "== jlink (uncompressed image, then xz: 13 MB instead of 40 MB, so tree + carry stay under 64 MiB)"
jlink --add-modules java.base,java.logging,java.management,java.xml,java.sql,jdk.unsupported,jdk.incubator.vector,jdk.management,jdk.jfr \
      --strip-debug --no-header-files --no-man-pages --compress=0 --output "$TMP/jre"
"$TMP/jre/bin/java" -version 2>&1 | head -1
tar -C "$TMP" -cJf "$OUT.new/jre.tar.xz" jre

rm -rf "$OUT"
mv "$OUT.new" "$OUT"
ls -la "$OUT/lib"
du -sh "$OUT" "$OUT/jre.tar.xz" "$OUT/lib"
