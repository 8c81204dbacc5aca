package org.aio4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one measuring child process (a JVM in {@code --child} mode or a CPython script) and collects
 * the {@code RESULT <key> <value> <unit>} lines it prints.
 */
final class ChildProcess {
    /*
     * The child's stdout goes to a temporary file and its stderr is appended to the figure's log, so
     * that a chatty or hung child can neither block on a full pipe nor hold up the harness past the
     * timeout. Everything the child printed on stdout is appended to the log as well.
     */

    /** Longest a child may run: the slowest full-size one (CPython's 1M-task gather) takes ~1.5 min. */
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private ChildProcess() {}

    /**
     * Runs {@code command} to completion and returns its results by key.
     *
     * @param log file to which the child's output is appended
     * @throws IOException if the child cannot start, fails, times out or reports nothing; the message
     *     says which, with the last lines of its error output
     */
    static Map<String, Double> run(List<String> command, Path log) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("aio4j-bench-", ".out");
        try {
            Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(stdout.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            process.getOutputStream().close();
            boolean exited = process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(stdout, StandardCharsets.UTF_8);
            Files.writeString(log, output, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            if (!exited) {
                throw new IOException("timed out after " + TIMEOUT.toMinutes() + " min" + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IOException("exit status " + process.exitValue() + tail(log));
            }
            Map<String, Double> results = parse(output);
            if (results.isEmpty()) {
                throw new IOException("printed no RESULT line" + tail(log));
            }
            return results;
        } finally {
            Files.deleteIfExists(stdout);
        }
    }

    /** The values of the {@code RESULT <key> <value> <unit>} lines of {@code output}, by key. */
    static Map<String, Double> parse(String output) {
        Map<String, Double> results = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 3 && fields[0].equals("RESULT")) {
                results.put(fields[1], Double.parseDouble(fields[2]));
            }
        }
        return results;
    }

    /** The last non-empty line of {@code log}, to explain a failure in one line. */
    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("WARNING:"))
                .toList();
        return lines.isEmpty() ? "" : ": " + lines.getLast().trim();
    }
}
