# Sourced by the suites whose benchmark is a Java program in src/test/java/dev/ctrlplane/bench (deploy, health,
# events, docker): builds the test classes and the classpath once, runs the program in a JVM of its own with a
# deadline, prints its result lines and, with an output file, appends them tagged with the commit.
#
# run_java_bench SECONDS CLASS LINE_PATTERN OUT [ARGS...]
run_java_bench() {
  local limit=$1 class=$2 pattern=$3 out=$4
  shift 4
  cd "$(dirname "${BASH_SOURCE[0]}")/../.."
  mvn -B -q -o -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >/dev/null \
    || mvn -B -q -Dstyle.color=never -DskipTests test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt >/dev/null
  local results
  results=$(timeout "$limit" java -Xmx512m -XX:+UseParallelGC --add-opens java.base/java.lang=ALL-UNNAMED \
    -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
    "dev.ctrlplane.bench.$class" "$@" 2>/dev/null | grep -E "$pattern")
  echo "$results"
  if [[ -n "$out" ]]; then
    echo "$results" | sed "s/^/$(git rev-parse --short HEAD)\t/" >> "$out"
  fi
}
