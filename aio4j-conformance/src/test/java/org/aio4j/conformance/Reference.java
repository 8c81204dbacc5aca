package org.aio4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the suite's CPython outcomes come from: a live CPython 3.11, or the recordings of one in
 * {@code src/test/resources/recordings} (written by {@code src/test/python/record.py}), so that
 * the test suite needs only a JDK.
 *
 * <p>{@code -Daio4j.conformance.reference=auto} (the default) runs the live comparison when the
 * interpreter of {@code -Daio4j.conformance.python} (default {@code python3}) is a CPython 3.11,
 * and uses the recordings otherwise, saying why once on the console and in the skip message of
 * {@code RecordingsTest}; {@code live} insists on a CPython 3.11 (a clear failure without one);
 * {@code recorded} never starts a Python.
 */
final class Reference {
    /** The command that re-records, for the messages. */
    static final String RERECORD = "python3.11 aio4j-conformance/src/test/python/record.py";

    enum Source { LIVE, RECORDED }

    private static Reference instance;

    private final Source source;
    private final String python;
    /** Why the recordings are used (null when live). */
    private final String why;
    private final Map<String, Map<String, Object>> recordings = new LinkedHashMap<>();

    private Reference(Source source, String python, String why) {
        this.source = source;
        this.python = python;
        this.why = why;
    }

    /** The reference of this run, decided once. */
    static synchronized Reference get() {
        if (instance == null) {
            instance = decide(System.getProperty("aio4j.conformance.python", "python3"),
                    System.getProperty("aio4j.conformance.reference", "auto").trim());
            if (instance.source == Source.RECORDED && instance.why != null) {
                System.out.println("aio4j conformance: comparing against the recorded CPython outcomes: " + instance.why);
            }
        }
        return instance;
    }

    private static Reference decide(String python, String mode) {
        switch (mode) {
            case "recorded":
                return new Reference(Source.RECORDED, python, null);
            case "live", "auto":
                break;
            default:
                throw new IllegalArgumentException("-Daio4j.conformance.reference=" + mode
                        + " is not a reference: use auto (the default), live or recorded");
        }
        String problem = probe(python);
        if (problem == null) {
            return new Reference(Source.LIVE, python, null);
        }
        if (mode.equals("live")) {
            throw new IllegalStateException(problem + " (-Daio4j.conformance.reference=live needs one; drop it to"
                    + " compare against the recordings)");
        }
        return new Reference(Source.RECORDED, python, problem);
    }

    /** Null if {@code python} is a CPython 3.11, else what it is instead. */
    private static String probe(String python) {
        Process p;
        try {
            p = new ProcessBuilder(python, "-c", "import sys, platform; print(platform.python_implementation(),"
                    + " sys.version.split()[0])").redirectErrorStream(true).start();
        } catch (IOException e) {
            return "no Python at '" + python + "' (" + e.getMessage() + "); the live comparison needs CPython "
                    + CPython.REQUIRED_VERSION + " (-Daio4j.conformance.python=/path/to/python" + CPython.REQUIRED_VERSION + ")";
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "'" + python + "' did not answer within 60 s";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String[] words = out.split("\\s+");
            if (p.exitValue() != 0 || words.length != 2) {
                return "'" + python + "' does not run as a Python (exit " + p.exitValue() + "): " + out;
            }
            if (!words[0].equals("CPython") || !words[1].startsWith(CPython.REQUIRED_VERSION + ".")) {
                return "'" + python + "' is " + words[0] + " " + words[1] + ", but the scenarios' reference is asyncio"
                        + " of CPython " + CPython.REQUIRED_VERSION + " (wait_for, uncancel and TaskGroup changed in 3.12"
                        + " and 3.13); point the suite at a 3.11 with -Daio4j.conformance.python=/path/to/python"
                        + CPython.REQUIRED_VERSION + " for the live comparison";
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking '" + python + "' for its version", e);
        }
    }

    Source source() {
        return source;
    }

    /** The Python command of a live run. */
    String python() {
        return python;
    }

    /** Why this run compares against the recordings (null when live, or when asked to). */
    String why() {
        return why;
    }

    /**
     * The recording {@code name} ({@code scenarios.json}, {@code deliberate.json},
     * {@code random_programs.json}), parsed.
     */
    @SuppressWarnings("unchecked")
    synchronized Map<String, Object> recording(String name) throws IOException {
        Map<String, Object> r = recordings.get(name);
        if (r == null) {
            Path file;
            try {
                file = ConformanceTest.resource("recordings/" + name);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            r = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            String version = (String) r.get("python");
            if (!version.startsWith(CPython.REQUIRED_VERSION + ".")) {
                throw new IllegalStateException("recordings/" + name + " was written by Python " + version
                        + ", not CPython " + CPython.REQUIRED_VERSION + "; re-record: " + RERECORD);
            }
            recordings.put(name, r);
        }
        return r;
    }

    /** The outcomes of recording {@code name}, as a {@link CPython} run. */
    @SuppressWarnings("unchecked")
    CPython recorded(String name) throws IOException {
        Map<String, Object> r = recording(name);
        return CPython.recorded((Map<String, Object>) r.get("results"), ((String) r.get("python")).split(" ")[0]);
    }

    /**
     * The inputs of recording {@code name} whose content is no longer what it was recorded from (a
     * path relative to the module, or "missing" and the path), so its outcomes may be stale.
     */
    @SuppressWarnings("unchecked")
    List<String> staleInputs(String name) throws IOException {
        Map<String, Object> inputs = (Map<String, Object>) recording(name).get("inputs");
        return inputs.entrySet().stream()
                .filter(e -> !e.getValue().equals(sha256(e.getKey())))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Whether the scenario file {@code file} (relative to the scenario directory) is as recorded in {@code name}. */
    @SuppressWarnings("unchecked")
    boolean fileIsAsRecorded(String name, String file) throws IOException {
        Map<String, Object> inputs = (Map<String, Object>) recording(name).get("inputs");
        String key = "src/test/resources/scenarios/" + file.replace('\\', '/');
        return inputs.containsKey(key) && inputs.get(key).equals(sha256(key));
    }

    /** The hex SHA-256 of a file of the module, or "missing". */
    static String sha256(String relative) {
        Path p = moduleDir().resolve(relative);
        try {
            byte[] bytes = Files.readAllBytes(p);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.nio.file.NoSuchFileException e) {
            return "missing";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The conformance module's directory (the pom passes it). */
    static Path moduleDir() {
        return Path.of(System.getProperty("aio4j.conformance.basedir", "."));
    }
}
