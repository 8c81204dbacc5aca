package org.aio4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The repository the tests run in: its docs (fenced blocks between marker comments) and its
 * {@code aio4j} script, run as a user would.
 */
final class Repo {
    /*
     * Surefire runs a module's tests in the module's folder, so the repository is its parent. The
     * script runs with this JVM's JDK (JAVA_HOME) and with AIO4J_NO_BUILD set: the Maven build that
     * runs these tests has just written the jars and the class path, and a second build started
     * from inside it would work on the same target folders.
     */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private Repo() {}

    /** The text of {@code doc} (relative to the repository) between the two marker lines, each excluded. */
    static String between(String doc, String startMarker, String endMarker) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(doc), StandardCharsets.UTF_8);
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(startMarker)) {
                if (start >= 0) {
                    throw new AssertionError(doc + ": marker '" + startMarker + "' appears twice");
                }
                start = i;
            }
        }
        if (start < 0) {
            throw new AssertionError(doc + ": no line with the marker '" + startMarker + "'");
        }
        for (int i = start + 1; i < lines.size(); i++) {
            if (lines.get(i).contains(endMarker)) {
                return String.join("\n", lines.subList(start + 1, i)) + "\n";
            }
        }
        throw new AssertionError(doc + ": no '" + endMarker + "' after '" + startMarker + "'");
    }

    /**
     * The content of the one fenced code block between the markers (the fence lines dropped).
     * Fails if there is no block or more than one, so a doc edit cannot silently change what is tested.
     */
    static String fencedBlock(String doc, String startMarker, String endMarker) throws IOException {
        List<String> blocks = fencedBlocks(between(doc, startMarker, endMarker));
        if (blocks.size() != 1) {
            throw new AssertionError(doc + ": expected one fenced block after '" + startMarker + "', found " + blocks.size());
        }
        return blocks.get(0);
    }

    /** Every fenced block of {@code markdown}, in order, without its fence lines. */
    static List<String> fencedBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("```")) {
                if (current == null) {
                    current = new StringBuilder();
                } else {
                    blocks.add(current.toString());
                    current = null;
                }
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            throw new AssertionError("a fenced block is not closed: " + current);
        }
        return blocks;
    }

    /** What a finished process printed. */
    record Result(int exitCode, String stdout, String stderr) {
        Result assertSucceeded(String what) {
            assertThat(exitCode).as(what + " exit code; stderr:\n" + stderr + "\nstdout:\n" + stdout).isZero();
            return this;
        }
    }

    /** Runs {@code command} in {@code dir} with the script's environment; fails after {@code timeoutSeconds}. */
    static Result exec(Path dir, long timeoutSeconds, Map<String, String> env, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        pb.environment().put("AIO4J_NO_BUILD", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    /** Runs {@code ./aio4j args...} from {@code dir}. */
    static Result aio4j(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("aio4j").toString()));
        command.addAll(List.of(args));
        return exec(dir, timeoutSeconds, Map.of(), command);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
