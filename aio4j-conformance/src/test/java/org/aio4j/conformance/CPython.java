package org.aio4j.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The outcomes of CPython's asyncio for a set of scenarios: from one {@code python3} process that
 * runs the Python interpreter ({@code asyncio_interpreter.py}) over all of them, or from a
 * recording of such a run ({@link Reference}).
 */
final class CPython {
    /** The CPython whose asyncio the scenarios are checked against: its semantics are the reference. */
    static final String REQUIRED_VERSION = "3.11";
    private static final long TIMEOUT_SECONDS = 90;

    private final Map<String, Object> results;
    private final String version;

    private CPython(Map<String, Object> results, String version) {
        this.results = results;
        this.version = version;
    }

    /** The raw outcome of {@code name} (null if Python did not run it). */
    @SuppressWarnings("unchecked")
    Map<String, Object> result(String name) {
        return (Map<String, Object>) results.get(name);
    }

    /** The names of the scenarios it has outcomes for. */
    java.util.Set<String> names() {
        return results.keySet();
    }

    /** The CPython's version, with "(recorded)" after it for a recording. */
    String version() {
        return version;
    }

    /** The outcomes of a recording ({@link Reference}) made by CPython {@code version}. */
    static CPython recorded(Map<String, Object> results, String version) {
        return new CPython(results, version + " (recorded)");
    }

    /**
     * Runs {@code script} over {@code scenarioDir}.
     *
     * @throws IllegalStateException with an explanation when python3 is missing, is not 3.11, or fails
     */
    static CPython runAll(String python, Path script, Path scenarioDir) throws IOException, InterruptedException {
        return runAll(python, script, List.of(), scenarioDir, TIMEOUT_SECONDS);
    }

    /**
     * {@link #runAll(String, Path, Path)} with options for the script (before the directory) and a time
     * limit for the Python process.
     */
    @SuppressWarnings("unchecked")
    static CPython runAll(String python, Path script, List<String> options, Path scenarioDir, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(script.toString());
        args.addAll(options);
        args.add(scenarioDir.toString());
        String stdout = exec(python, args, timeoutSeconds);
        Map<String, Object> doc = (Map<String, Object>) Json.parse(stdout);
        String version = (String) doc.get("python");
        if (!version.startsWith(REQUIRED_VERSION + ".")) {
            throw new IllegalStateException("'" + python + "' is Python " + version.split(" ")[0]
                    + ", but the scenarios' reference is asyncio of CPython " + REQUIRED_VERSION
                    + " (wait_for, uncancel and TaskGroup changed in 3.12 and 3.13). Point the suite at"
                    + " a 3.11 with -Daio4j.conformance.python=/path/to/python" + REQUIRED_VERSION + ".");
        }
        return new CPython((Map<String, Object>) doc.get("results"), version.split(" ")[0]);
    }

    /**
     * Runs {@code python args...} and returns its standard output.
     *
     * @throws IllegalStateException with an explanation when python3 is missing, or fails, or takes longer
     *                               than {@code timeoutSeconds}
     */
    static String exec(String python, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        File err = File.createTempFile("aio4j-conformance-python", ".stderr");
        File out = File.createTempFile("aio4j-conformance-python", ".json");
        List<String> command = new ArrayList<>();
        command.add(python);
        command.addAll(args);
        String what = "'" + String.join(" ", command) + "'";
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
            } catch (IOException e) {
                throw new IllegalStateException("The conformance suite needs CPython " + REQUIRED_VERSION
                        + " to run the scenarios on asyncio, but '" + python + "' could not be started (" + e.getMessage()
                        + "). Install python" + REQUIRED_VERSION + ", or point the suite at one with"
                        + " -Daio4j.conformance.python=/path/to/python" + REQUIRED_VERSION + ".", e);
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not finish within " + timeoutSeconds
                        + " s; stderr:\n" + Files.readString(err.toPath()));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "); stderr:\n"
                        + Files.readString(err.toPath()));
            }
            return Files.readString(out.toPath(), StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err.toPath());
            Files.deleteIfExists(out.toPath());
        }
    }
}
