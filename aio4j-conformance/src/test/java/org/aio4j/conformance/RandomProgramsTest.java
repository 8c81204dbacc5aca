package org.aio4j.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Seeded random programs ({@code src/test/python/random_programs.py}): tasks, cancellation, timeouts,
 * the waiting functions and every primitive and queue, mixed. Programs {@code seed .. seed+N-1} are
 * generated when the test runs, run on CPython 3.11 (once, in one process, with aio4j's deliberate
 * differences patched in: {@code aio4j_reference.py}) and on aio4j, and compared exactly as the
 * hand-written scenarios are ({@link ConformanceTest#check}): in global order, or per task when
 * CPython's own runs of the program disagree with each other.
 *
 * <p>A program that differs is compared once more, against the reference with the known aio4j bugs
 * emulated ({@code aio4j_reference.py}'s {@code KNOWN_BUGS}, each with a hand-written
 * {@code known_discrepancy} scenario): if aio4j matches that, the program is reported as skipped with
 * the bug's name and the diff; any other difference fails.
 *
 * <p>{@code -Daio4j.conformance.random=N} (default {@value #DEFAULT_COUNT}) and
 * {@code -Daio4j.conformance.seed=S} (default {@value #DEFAULT_SEED}; {@code random}: a new one each
 * run, printed) scale and replay it: a failure names its program's seed and prints its JSON, and
 * {@code -Daio4j.conformance.random=1 -Daio4j.conformance.seed=<that seed>} runs that program alone.
 * {@code -Daio4j.conformance.random=0} turns the family off;
 * {@code -Daio4j.conformance.random.file=F} runs the programs of scenario file {@code F} instead (a
 * failing program cut down by hand, say).
 */
class RandomProgramsTest {
    static final int DEFAULT_COUNT = 400;
    static final long DEFAULT_SEED = 1;

    private String python;
    private Path reference;
    /** name -> description of the known aio4j bugs the reference can emulate (read when first needed). */
    private Map<String, String> knownBugs;

    @TestFactory
    Stream<DynamicNode> randomPrograms() throws Exception {
        int count = Integer.getInteger("aio4j.conformance.random", DEFAULT_COUNT);
        String seedProperty = System.getProperty("aio4j.conformance.seed", "").trim();
        long seed = seedProperty.isEmpty() ? DEFAULT_SEED
                : seedProperty.equals("random") ? System.currentTimeMillis() % 1_000_000_000L
                : Long.parseLong(seedProperty);
        String file = System.getProperty("aio4j.conformance.random.file", "").trim();
        if (count <= 0 && file.isEmpty()) {
            return Stream.empty();
        }
        Reference source = Reference.get();
        if (source.source() == Reference.Source.RECORDED) {
            return recordedPrograms(source, count, seed, seedProperty, file);
        }
        python = source.python();
        reference = ConformanceTest.resource("python/aio4j_reference.py");
        Path dir = Files.createTempDirectory("aio4j-random-programs");
        try {
            long limit = timeLimit(count);
            if (file.isEmpty()) {
                CPython.exec(python, List.of(generator().toString(), Long.toString(seed), Integer.toString(count),
                        "--out", dir.toString()), limit);
            } else {
                Files.copy(Path.of(file), dir.resolve("programs.json"));
            }
            List<ConformanceTest.Scenario> programs = ConformanceTest.load(dir);
            CPython cpython = CPython.runAll(python, reference, List.of(), dir, limit);
            List<DynamicNode> tests = new ArrayList<>();
            for (ConformanceTest.Scenario p : programs) {
                tests.add(DynamicTest.dynamicTest(p.name(), () -> check(p, cpython)));
            }
            String label = !file.isEmpty() ? "programs of " + file
                    : "random programs " + seed + ".." + (seed + count - 1)
                            + (seedProperty.equals("random") ? " (seed chosen at random)" : "");
            System.out.println("RandomProgramsTest: " + label);
            return Stream.of(DynamicContainer.dynamicContainer(label, tests));
        } finally {
            deleteDirectory(dir);
        }
    }

    /**
     * The default programs and their outcomes from the recording, when no CPython 3.11 is at hand;
     * other programs need one, and say so in a skipped test.
     */
    @SuppressWarnings("unchecked")
    private Stream<DynamicNode> recordedPrograms(Reference source, int count, long seed, String seedProperty,
                                                 String file) throws IOException {
        Map<String, Object> recording = source.recording("random_programs.json");
        long recordedSeed = ((Number) recording.get("seed")).longValue();
        int recordedCount = ((Number) recording.get("count")).intValue();
        String label = "random programs " + recordedSeed + ".." + (recordedSeed + recordedCount - 1) + " (recorded)";
        if (!file.isEmpty() || seedProperty.equals("random") || seed != recordedSeed || count > recordedCount) {
            String why = "these programs need a CPython " + CPython.REQUIRED_VERSION + " to generate and run them ("
                    + (source.why() != null ? source.why() : "-Daio4j.conformance.reference=recorded")
                    + "); the recording holds programs " + recordedSeed + ".." + (recordedSeed + recordedCount - 1);
            return Stream.of(DynamicTest.dynamicTest(label, () -> Assumptions.abort(why)));
        }
        List<String> stale = source.staleInputs("random_programs.json");
        CPython cpython = source.recorded("random_programs.json");
        knownBugs = new LinkedHashMap<>();
        ((Map<String, Object>) recording.get("known_bugs")).forEach((k, v) -> knownBugs.put(k, (String) v));
        List<DynamicNode> tests = new ArrayList<>();
        for (Object o : ((List<Object>) recording.get("programs")).subList(0, count)) {
            ConformanceTest.Scenario p = new ConformanceTest.Scenario("random_programs.json", (Map<String, Object>) o);
            tests.add(DynamicTest.dynamicTest(p.name(), () -> {
                if (!stale.isEmpty()) {
                    fail("the recording of the random programs is stale (" + String.join(", ", stale)
                            + " changed) and no CPython " + CPython.REQUIRED_VERSION + " is at hand; re-record: "
                            + Reference.RERECORD);
                }
                check(p, cpython);
            }));
        }
        System.out.println("RandomProgramsTest: " + label);
        return Stream.of(DynamicContainer.dynamicContainer(label, tests));
    }

    /**
     * The hand-written scenarios of aio4j's deliberate differences that the reference does not model
     * (random_programs.py keeps their patterns out of the programs), with why.
     */
    static final Map<String, String> NOT_MODELLED = Map.of(
            "uncancel_pending_cancel_dropped", "no uncancel() in random programs",
            "cancel_message_propagates_through_chain", "one consumer per task",
            "gather_cancelled_fail_ok_return_exceptions", "no return_exceptions",
            "gather_fail_cancelled_ok_return_exceptions", "no return_exceptions",
            "gather_of_cancelled_child_return_exceptions", "no return_exceptions",
            "gather_ok_cancelled_ok_return_exceptions", "no return_exceptions",
            "queue_negative_maxsize", "maxsize >= 0",
            "agen_athrow_ended", "no async generators in random programs",
            "agen_asend_value_to_fresh", "no async generators in random programs",
            "agen_anext_after_cancelled_aclose", "no async generators in random programs");

    /**
     * The reference of the random programs, run over the hand-written scenarios of aio4j's deliberate
     * differences, gives their {@code aio4j_expected} outcomes: its patches say what aio4j does. A new
     * deliberate difference fails here until aio4j_reference.py models it, or random_programs.py keeps
     * it out and {@link #NOT_MODELLED} says so.
     */
    @Test
    void referenceHasTheDeliberateDifferences() throws Exception {
        List<ConformanceTest.Scenario> deliberate = ConformanceTest.load(ConformanceTest.resource("scenarios"))
                .stream()
                .filter(s -> s.spec().get("aio4j_expected") != null && !Boolean.FALSE.equals(s.spec().get("python")))
                .toList();
        Path dir = Files.createTempDirectory("aio4j-deliberate");
        List<String> wrong = new ArrayList<>();
        try {
            StringJoiner json = new StringJoiner(", ", "{\"scenarios\": [", "]}");
            deliberate.forEach(s -> json.add(Json.write(s.spec())));
            Files.writeString(dir.resolve("deliberate.json"), json.toString(), StandardCharsets.UTF_8);
            Reference source = Reference.get();
            CPython ref = source.source() == Reference.Source.RECORDED ? source.recorded("deliberate.json")
                    : CPython.runAll(source.python(), ConformanceTest.resource("python/aio4j_reference.py"), List.of(),
                            dir, 90);
            for (ConformanceTest.Scenario s : deliberate) {
                boolean global = !"per_task".equals(s.spec().getOrDefault("order", "global"));
                @SuppressWarnings("unchecked")
                Outcome expected = ConformanceTest.merge(Outcome.fromJson(ref.result(s.name())),
                        (Map<String, Object>) s.spec().get("aio4j_expected"));
                Outcome got = Outcome.fromJson(ref.result(s.name()));
                boolean same = expected.render(global).equals(got.render(global));
                if (same == NOT_MODELLED.containsKey(s.name())) {
                    wrong.add(s.name() + (same ? ": the reference now models it; remove it from NOT_MODELLED"
                            : ": aio4j_reference.py does not model it (or keep it out of random programs and add"
                                    + " it to NOT_MODELLED)\n" + LineDiff.diff(expected.render(global), got.render(global))));
                }
            }
        } finally {
            deleteDirectory(dir);
        }
        if (!wrong.isEmpty()) {
            fail("aio4j_reference.py and the deliberate differences disagree:\n" + String.join("\n", wrong));
        }
    }

    /** For each of the two Python steps: 2,000 programs take about 5 s on a slow machine. */
    private static long timeLimit(int count) {
        return 90 + count / 50;
    }

    /**
     * {@link ConformanceTest#check}, after choosing the order: global, or per task when CPython's runs
     * differ. A difference that a known aio4j bug explains is reported as skipped; a failure or a skip
     * names the seed and carries the program.
     */
    @SuppressWarnings("unchecked")
    private void check(ConformanceTest.Scenario p, CPython cpython) throws Exception {
        Map<String, Object> raw = cpython.result(p.name());
        try {
            if (raw != null && raw.get("error") != null) {
                fail("scenario '" + p.name() + "': CPython cannot run it: " + raw.get("error") + "\nThe generated"
                        + " programs end by construction (random_programs.py, \"Termination\"): a deadlock or a broken"
                        + " scenario here is a bug of the generator, not of aio4j.");
            }
            if (raw != null && Boolean.TRUE.equals(raw.get("unstable"))) {
                Outcome first = Outcome.fromJson(raw);
                Outcome rerun = Outcome.fromJson((Map<String, Object>) raw.get("rerun"));
                if (!first.render(false).equals(rerun.render(false))) {
                    Assumptions.abort("CPython's outcome of this program is not deterministic even per task, so it"
                            + " is no reference:\n" + LineDiff.diff(first.render(false), rerun.render(false)));
                }
                p.spec().put("order", "per_task");
            }
            try {
                ConformanceTest.check(p, cpython);
            } catch (AssertionFailedError difference) {
                String bug = knownBug(p);
                if (bug == null && python == null && !knownBugs.isEmpty()) {
                    throw new AssertionFailedError(difference.getMessage() + "\n(the known aio4j bugs "
                            + knownBugs.keySet() + " might explain it; emulating them needs a live CPython "
                            + CPython.REQUIRED_VERSION + ")");
                }
                if (bug == null) {
                    throw difference;
                }
                Assumptions.abort("known aio4j bug: aio4j matches CPython with " + bug + " emulated"
                        + " (aio4j_reference.py, KNOWN_BUGS).\n" + difference.getMessage());
            }
        } catch (AssertionFailedError e) {
            throw new AssertionFailedError(e.getMessage() + replay(p)); // no cause: it would print the diff twice
        } catch (TestAbortedException e) {
            throw new TestAbortedException(e.getMessage() + replay(p));
        }
    }

    /**
     * The known bug (or bugs) whose emulation in the reference makes CPython's outcome of {@code p}
     * aio4j's, or null: each one alone first, then all of them together.
     */
    @SuppressWarnings("unchecked")
    private String knownBug(ConformanceTest.Scenario p) throws Exception {
        if (python == null) { // a recording: emulating the known bugs needs a live CPython
            return null;
        }
        synchronized (this) {
            if (knownBugs == null) {
                String out = CPython.exec(python, List.of(reference.toString(), "--list-known-bugs"), 60);
                knownBugs = new LinkedHashMap<>();
                ((Map<String, Object>) Json.parse(out)).forEach((k, v) -> knownBugs.put(k, (String) v));
            }
        }
        if (knownBugs.isEmpty()) {
            return null;
        }
        List<String> tries = new ArrayList<>(knownBugs.keySet());
        if (tries.size() > 1) {
            tries.add("all");
        }
        Path dir = Files.createTempDirectory("aio4j-random-program");
        try {
            Files.writeString(dir.resolve("program.json"), "{\"scenarios\": [" + Json.write(p.spec()) + "]}",
                    StandardCharsets.UTF_8);
            for (String bug : tries) {
                CPython emulated = CPython.runAll(python, reference, List.of("--known-bugs=" + bug), dir, 60);
                try {
                    ConformanceTest.check(p, emulated);
                } catch (AssertionFailedError | TestAbortedException stillDifferent) {
                    continue;
                }
                return bug.equals("all") ? "all the known bugs " + knownBugs.keySet()
                        : bug + " (" + knownBugs.get(bug) + ")";
            }
            return null;
        } finally {
            deleteDirectory(dir);
        }
    }

    private static String replay(ConformanceTest.Scenario p) {
        String seed = p.name().substring(p.name().lastIndexOf('_') + 1);
        String json = "\nProgram: " + Json.write(p.spec()) + "\n";
        if (!p.name().startsWith("random_") || !seed.chars().allMatch(Character::isDigit)) {
            return json;
        }
        return "\nReplay: -Daio4j.conformance.random=1 -Daio4j.conformance.seed=" + seed
                + " (read it: python3 src/test/python/random_programs.py " + seed + " --pretty)" + json;
    }

    /** random_programs.py, in the module's sources (the pom passes their place). */
    private static Path generator() {
        Path dir = Path.of(System.getProperty("aio4j.conformance.sources", "src/test/python"));
        Path script = dir.resolve("random_programs.py");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("random_programs.py not found at " + script.toAbsolutePath()
                    + "; set -Daio4j.conformance.sources=<aio4j-conformance>/src/test/python");
        }
        return script;
    }

    private static void deleteDirectory(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
