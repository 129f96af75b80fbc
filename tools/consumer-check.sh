#!/usr/bin/env bash
# The "use as a library" path of the README, checked from outside the repository: installs the jars into a private
# Maven repository, builds a consumer project that depends only on the published coordinates, runs the README's
# example on the tiny GPT-2 fixture and a tiny trained run, and compares its numbers with the CLI's
# (gpt2 score / generate; predict vs MedualTimeClassifier on every test record). Prints "consumer: ok" or fails.
# Usage: tools/consumer-check.sh [WORK_DIR]   (needs Maven Central or a populated ~/.m2; a few minutes)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
repo="$work/m2"
mkdir -p "$repo" "$work/consumer/src/main/java" "$work/consumer/models"
[ -d "$HOME/.m2/repository" ] && cp -r "$HOME/.m2/repository/." "$repo/" && rm -rf "$repo/io/medualtime"
(cd "$root" && mvn -B -q install -DskipTests -Dmaven.repo.local="$repo")
cd "$work/consumer"
cp -r "$root/nn/src/test/resources/fixtures/gpt2-tiny" models/gpt2
cat > pom.xml <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>consumer</artifactId><version>1</version>
  <properties><maven.compiler.source>17</maven.compiler.source><maven.compiler.target>17</maven.compiler.target></properties>
  <dependencies>
    <dependency><groupId>io.medualtime</groupId><artifactId>medualtime-model</artifactId><version>0.1.0-SNAPSHOT</version></dependency>
  </dependencies>
</project>
POM
# the README's example, as it is printed there
python3 - "$root/README.md" src/main/java/Example.java <<'PY'
import re, sys
m = re.search(r"```java\n(import io\.medualtime\.nn\.gpt2\.Gpt2Pipeline;.*?)\n```", open(sys.argv[1]).read(), re.S)
open(sys.argv[2], "w").write(m.group(1) + "\n")
PY
cat > src/main/java/Compare.java <<'JAVA'
import io.medualtime.data.DiskDataset;
import io.medualtime.data.EcgRecord;
import io.medualtime.data.Split;
import io.medualtime.train.MedualTimeClassifier;
import java.nio.file.Path;

public class Compare {
    public static void main(String[] args) throws Exception {
        MedualTimeClassifier m = MedualTimeClassifier.open(Path.of(args[0]));
        try (DiskDataset d = DiskDataset.open(Path.of(args[1]))) {
            for (EcgRecord r : d.records(Split.TEST)) {
                MedualTimeClassifier.Result x = m.classify(r.signal(), r.report());
                StringBuilder b = new StringBuilder(r.id()).append(',').append(x.className());
                for (double p : x.probabilities()) b.append(',').append((float) p);
                System.out.println(b);
            }
        }
    }
}
JAVA
mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmaven.repo.local="$repo"
# a CPU-only consumer pulls no CUDA: neither JCuda's jars and natives nor the CUDA backend module
if tr ':' '\n' < cp.txt | grep -Ei 'jcuda|tensor-cuda'; then echo "consumer: the classpath above pulls CUDA" >&2; exit 1; fi
run() { java --add-modules jdk.incubator.vector -cp "target/classes:$(cat cp.txt)" "$@" 2> >(grep -v "WARNING: Using incubator" >&2); }
cli() { java --add-modules jdk.incubator.vector -jar "$root/medualtime/target/medualtime-cli.jar" "$@" 2>/dev/null; }
cli data synthetic --out data --train 40 --val 20 --test 20 --hz 50 >/dev/null
cli train --data data --epochs 1 --out runs/ptbxl-dual --lm-width 32 --lm-layers 1 --lm-heads 2 --temenc-width 4 --adapter-tokens 2 >/dev/null
run Example > example.txt
cat example.txt
ppl_lib=$(sed -n 's/.*perplexity \([0-9.]*\).*/\1/p' example.txt)
ppl_cli=$(cli gpt2 score --model models/gpt2 --text "The heart rhythm is regular." --prepend-eos | sed -n 's/.*perplexity \([0-9.]*\)$/\1/p')
gen_cli=$(cli gpt2 generate --model models/gpt2 --prompt "The heart rhythm is" --max-new 5)
cli predict --run runs/ptbxl-dual --data data --split test --out pred.csv >/dev/null
run Compare runs/ptbxl-dual data > facade.csv
python3 - "$ppl_lib" "$ppl_cli" "$gen_cli" "$(sed -n 2p example.txt)" <<'PY'
import csv, sys
ppl_lib, ppl_cli, gen_cli, gen_lib = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
assert abs(ppl_lib - ppl_cli) <= 1e-4 * ppl_cli, ("perplexity", ppl_lib, ppl_cli)
assert gen_cli == "The heart rhythm is" + gen_lib, ("generation", gen_cli, gen_lib)
pred = {r["id"]: r for r in csv.DictReader(open("pred.csv"))}
rows = [l.strip().split(",") for l in open("facade.csv")]
assert len(rows) == len(pred) == 20, (len(rows), len(pred))
worst = 0.0
for f in rows:
    r = pred[f[0]]
    assert r["predicted"] == f[1], (f[0], r["predicted"], f[1])
    ps = [float(r[k]) for k in r if k.startswith("p_")]
    worst = max(worst, max(abs(a - float(b)) for a, b in zip(ps, f[2:])))
assert worst <= 1e-6, ("probabilities", worst)
print("consumer: ok (perplexity %.6g = CLI's, same generation, %d records: same classes, probabilities within %.1e of predict's)" % (ppl_lib, len(rows), worst))
PY
