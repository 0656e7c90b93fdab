package org.contrast4j.cli;

import static org.contrast4j.cli.CliTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.contrast4j.io.Npy;
import org.contrast4j.linalg.Matrix;
import org.contrast4j.text.adapter.Adapter;
import org.contrast4j.text.adapter.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code embed --adapter DIR --side S}: the rows written are the adapter's output on the frozen encoder's rows. The
 * second run reads the frozen rows from the cache the first wrote, so both see the same bits and the comparison with
 * {@link Adapter#apply} is exact.
 */
class EmbedAdapterTest {
    @TempDir
    Path dir;

    @Test
    void theAdapterMapsTheFrozenRows() throws IOException {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, String.join("\n", EmbedCommandTest.LINES) + "\n", StandardCharsets.UTF_8);
        Path cache = dir.resolve("cache");
        Path frozen = dir.resolve("frozen.npy");
        run("embed", "--text", text.toString(), "--out", frozen.toString(), "--threads", "1", "--cache",
                cache.toString()).assertOk();
        Path adapterDir = dir.resolve("adapter");
        Adapter.linear(384, 16, false).save(adapterDir);   // per side: the first 16 coordinates, renormalised
        Path adapted = dir.resolve("adapted.npy");
        CliTesting.Run r = run("embed", "--text", text.toString(), "--out", adapted.toString(), "--threads", "1",
                "--cache", cache.toString(), "--adapter", adapterDir.toString(), "--side", "document");
        r.assertOk();
        assertTrue(r.out().contains("document side (linear, 384 → 16)"), r.out());
        Matrix a = Npy.readMatrix(adapted);
        assertEquals(16, a.cols());
        assertArrayEquals(Adapter.load(adapterDir).apply(Npy.readMatrix(frozen), Side.DOCUMENT).data(), a.data());
    }

    @Test
    void badAdapterOptionsAreOneLineErrors() throws IOException {
        Path text = dir.resolve("t.txt");
        Files.writeString(text, "a line\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("e.npy");
        run("embed", "--text", text.toString(), "--out", out.toString(), "--side", "query")
                .assertBadInput("--side needs --adapter");
        Path small = dir.resolve("small");
        Adapter.linear(8, 8, false).save(small);
        run("embed", "--text", text.toString(), "--out", out.toString(), "--adapter", small.toString())
                .assertBadInput("--adapter needs --side query or --side document");
        run("embed", "--text", text.toString(), "--out", out.toString(), "--adapter", small.toString(), "--side",
                "left").assertBadInput("--side must be query or document, was 'left'");
        run("embed", "--text", text.toString(), "--out", out.toString(), "--adapter", small.toString(), "--side",
                "query").assertBadInput("takes embeddings of dimension 8, the model's are 384");
        run("embed", "--text", text.toString(), "--out", out.toString(), "--adapter", dir.toString(), "--side",
                "query").assertBadInput("not an adapter directory (no adapter.json)");
        assertFalse(Files.exists(out));
    }
}
