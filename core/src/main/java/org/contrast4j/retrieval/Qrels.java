package org.contrast4j.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.contrast4j.internal.Checks;

/**
 * Relevance judgments ("qrels", as trec_eval and BEIR): for each query row a set of judged corpus rows with an
 * integer grade ≥ 0. A grade &gt; 0 is relevant (trec_eval's default relevance level 1); the grade is the gain of
 * nDCG. Unjudged rows count as grade 0. Immutable; build with {@link #builder(int, int)}.
 */
public final class Qrels {
    private final int queries;
    private final int corpusSize;
    private final int[][] docs;     // per query, sorted judged rows
    private final int[][] grades;   // aligned with docs
    private final int[] relevant;   // per query, how many grades > 0

    private Qrels(int queries, int corpusSize, int[][] docs, int[][] grades) {
        this.queries = queries;
        this.corpusSize = corpusSize;
        this.docs = docs;
        this.grades = grades;
        this.relevant = new int[queries];
        for (int q = 0; q < queries; q++) {
            for (int g : grades[q]) {
                if (g > 0) {
                    relevant[q]++;
                }
            }
        }
    }

    /** A builder for judgments of {@code queries} query rows over a corpus of {@code corpusSize} rows. */
    public static Builder builder(int queries, int corpusSize) {
        return new Builder(Checks.atLeast(queries, 0, "queries"), Checks.atLeast(corpusSize, 0, "corpusSize"));
    }

    /** Collects judgments; each (query, row) pair may be judged once. */
    public static final class Builder {
        private final int queries;
        private final int corpusSize;
        private final List<long[]> entries = new ArrayList<>();

        private Builder(int queries, int corpusSize) {
            this.queries = queries;
            this.corpusSize = corpusSize;
        }

        /**
         * Judges corpus row {@code row} for query {@code query} with {@code grade} ≥ 0.
         *
         * @throws IllegalArgumentException if an index is out of range or the grade negative
         */
        public Builder add(int query, int row, int grade) {
            Checks.index(query, queries, "query");
            Checks.index(row, corpusSize, "corpus row");
            Checks.argument(grade >= 0, "grade must be >= 0, was %d (query %d, corpus row %d)", grade, query, row);
            entries.add(new long[] {query, row, grade});
            return this;
        }

        /**
         * The judgments.
         *
         * @throws IllegalArgumentException if a (query, row) pair was judged twice (naming it)
         */
        public Qrels build() {
            long[][] all = entries.toArray(long[][]::new);
            Arrays.sort(all, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            int[] count = new int[queries];
            for (int i = 0; i < all.length; i++) {
                if (i > 0 && all[i][0] == all[i - 1][0] && all[i][1] == all[i - 1][1]) {
                    throw new IllegalArgumentException("query " + all[i][0] + " judges corpus row " + all[i][1]
                            + " twice (grades " + all[i - 1][2] + " and " + all[i][2] + ")");
                }
                count[(int) all[i][0]]++;
            }
            int[][] docs = new int[queries][];
            int[][] grades = new int[queries][];
            int at = 0;
            for (int q = 0; q < queries; q++) {
                docs[q] = new int[count[q]];
                grades[q] = new int[count[q]];
                for (int j = 0; j < count[q]; j++, at++) {
                    docs[q][j] = (int) all[at][1];
                    grades[q][j] = (int) all[at][2];
                }
            }
            return new Qrels(queries, corpusSize, docs, grades);
        }
    }

    public int queries() {
        return queries;
    }

    public int corpusSize() {
        return corpusSize;
    }

    /** The grade of corpus row {@code row} for {@code query}: 0 when unjudged. */
    public int grade(int query, int row) {
        Checks.index(query, queries, "query");
        int i = Arrays.binarySearch(docs[query], row);
        return i >= 0 ? grades[query][i] : 0;
    }

    /** How many corpus rows are relevant (grade &gt; 0) to {@code query}. */
    public int relevantCount(int query) {
        Checks.index(query, queries, "query");
        return relevant[query];
    }

    /** The grades &gt; 0 of {@code query}, in descending order (the ideal ranking of nDCG). */
    int[] positiveGradesDescending(int query) {
        int[] g = Arrays.stream(grades[query]).filter(x -> x > 0).sorted().toArray();
        for (int i = 0, j = g.length - 1; i < j; i++, j--) {
            int t = g[i];
            g[i] = g[j];
            g[j] = t;
        }
        return g;
    }

    /** Grade lookup without the index check (callers iterate over valid queries). */
    int gradeUnchecked(int query, int row) {
        if (row < 0) {
            return 0;
        }
        int i = Arrays.binarySearch(docs[query], row);
        return i >= 0 ? grades[query][i] : 0;
    }
}
