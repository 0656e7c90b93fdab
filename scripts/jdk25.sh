# Sourced by ./contrast4j, scripts/test and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: $JAVA_HOME if it is 25+, then the newest JDK 25+ under /usr/lib/jvm. Exits 1 with advice if none.

c4j_java_major() { # prints the feature version of the java at $1/bin/java, or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

c4j_find_jdk25() {
  local v best="" best_v=0 d
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(c4j_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ -x "$JAVA_HOME/bin/javac" ]; then
      return 0
    fi
  fi
  for d in /usr/lib/jvm/*; do
    [ -d "$d" ] && [ -x "$d/bin/javac" ] || continue
    v=$(c4j_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then
      best="$d"; best_v="$v"
    fi
  done
  if [ -z "$best" ]; then
    echo "contrast4j needs a JDK 25 or newer, and none was found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm has" \
         "none). Install one (e.g. Temurin 25: apt-get install temurin-25-jdk from the Adoptium repository) and" \
         "set JAVA_HOME to it." >&2
    exit 1
  fi
  export JAVA_HOME="$best"
}

c4j_find_jdk25
export PATH="$JAVA_HOME/bin:$PATH"
