package org.aio4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential conformance suite: every scenario under {@code src/test/resources/scenarios} runs
 * on CPython 3.11's asyncio (one {@code python3} process for all of them, on a virtual-time loop,
 * or its recording)
 * and on aio4j (a virtual clock), and the two outcomes must be the same: the event trace with the
 * virtual time of each event, the main task's result, and the final state of every task.
 *
 * <p>One dynamic test per scenario, grouped by file. By default the whole trace is compared in
 * global order (asyncio's FIFO scheduling is deterministic); a scenario marked
 * {@code "order": "per_task"} compares each task's own sequence instead (for scenarios where asyncio
 * iterates a set, as TaskGroup does when it cancels its children). Where aio4j deliberately differs,
 * the scenario's {@code aio4j_expected} block (with its {@code why}) replaces the parts of the
 * CPython outcome it names; a scenario with {@code "python": false} (API CPython 3.11 lacks) has
 * only that block.
 *
 * <p>A scenario marked {@code "known_discrepancy": "..."} records an aio4j bug found by this suite
 * and not fixed yet: while aio4j still differs it is reported as skipped, with the diff; once aio4j
 * matches, it fails until the marker is removed.
 *
 * <p>CPython's outcomes come from a live CPython 3.11 when one is found, else from the recording
 * in {@code src/test/resources/recordings} ({@link Reference}).
 *
 * <p>Run one scenario: {@code -Daio4j.conformance.only=name1,name2}.
 */
class ConformanceTest {
    /** A scenario runs in milliseconds; a stuck one (a deadlock on the aio4j side) fails after this. */
    private static final Duration PER_SCENARIO_LIMIT = Duration.ofSeconds(20);

    /** A scenario and the file it comes from. */
    record Scenario(String file, Map<String, Object> spec) {
        String name() {
            return (String) spec.get("name");
        }
    }

    @TestFactory
    Stream<DynamicNode> scenarios() throws Exception {
        Path dir = resource("scenarios");
        List<Scenario> all = load(dir);
        String only = System.getProperty("aio4j.conformance.only", "");
        if (!only.isBlank()) {
            Set<String> names = Set.of(only.split(","));
            all = all.stream().filter(s -> names.contains(s.name())).toList();
        }
        Reference reference = Reference.get();
        boolean live = reference.source() == Reference.Source.LIVE;
        CPython python = live ? CPython.runAll(reference.python(), resource("python/asyncio_interpreter.py"), dir)
                : reference.recorded("scenarios.json");
        Map<String, List<DynamicNode>> byFile = new LinkedHashMap<>();
        for (Scenario s : all) {
            byFile.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(DynamicTest.dynamicTest(s.name(), () -> {
                if (!live && !Boolean.FALSE.equals(s.spec().get("python"))
                        && !reference.fileIsAsRecorded("scenarios.json", s.file())) {
                    fail(header(s, python) + s.file() + " changed since CPython's outcomes were recorded, and no"
                            + " CPython " + CPython.REQUIRED_VERSION + " is at hand to run it live; re-record: "
                            + Reference.RERECORD);
                }
                check(s, python);
            }));
        }
        return byFile.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(), e.getValue()));
    }

    /**
     * Compares the outcome of {@code s} on aio4j with CPython's ({@code python}, which ran it), as
     * the scenario's flags say; fails (or aborts, for a skip or a known discrepancy) with the diff.
     */
    @SuppressWarnings("unchecked")
    static void check(Scenario s, CPython python) {
        Map<String, Object> spec = s.spec();
        if (spec.get("skip") != null) {
            Assumptions.abort("skipped: " + spec.get("skip"));
        }
        boolean global = !"per_task".equals(spec.getOrDefault("order", "global"));
        Map<String, Object> override = (Map<String, Object>) spec.get("aio4j_expected");
        if (override != null && !(override.get("why") instanceof String why && !why.isBlank())) {
            fail(header(s, python) + "its aio4j_expected block has no \"why\": every deliberate difference says why");
        }

        Outcome expected;
        String reference;
        if (Boolean.FALSE.equals(spec.get("python"))) {
            if (override == null || !override.containsKey("trace") || !override.containsKey("result")) {
                fail(header(s, python) + "\"python\": false needs an aio4j_expected block with the whole"
                        + " trace, result and tasks");
            }
            expected = Outcome.fromJson(override);
            reference = "the scenario's aio4j_expected (CPython 3.11 cannot run it: " + override.get("why") + ")";
        } else {
            Map<String, Object> raw = python.result(s.name());
            if (raw == null) {
                fail(header(s, python) + "the Python interpreter produced no outcome for it");
            }
            Outcome py = Outcome.fromJson(raw);
            if (py.error() != null) {
                fail(header(s, python) + "the scenario does not run on CPython: " + py.error());
            }
            if (Boolean.TRUE.equals(raw.get("unstable"))) {
                Outcome rerun = Outcome.fromJson((Map<String, Object>) raw.get("rerun"));
                if (global) {
                    fail(header(s, python) + "CPython's own trace is not deterministic for this scenario (asyncio"
                            + " iterates a set, e.g. TaskGroup cancelling its children); compare it per task with"
                            + " \"order\": \"per_task\". Two CPython runs:\n"
                            + LineDiff.diff(py.render(true), rerun.render(true)));
                }
                if (!py.render(false).equals(rerun.render(false))) {
                    fail(header(s, python) + "CPython's outcome is not deterministic even per task; the scenario"
                            + " cannot be a reference as it is. Two CPython runs:\n"
                            + LineDiff.diff(py.render(false), rerun.render(false)));
                }
            }
            if (override != null) {
                expected = merge(py, override);
                if (expected.render(global).equals(py.render(global))) {
                    fail(header(s, python) + "its aio4j_expected block says what CPython does anyway:"
                            + " the deliberate difference is gone; remove the block");
                }
                reference = "CPython " + python.version() + " asyncio, with the scenario's deliberate difference ("
                        + override.get("why") + ")";
            } else {
                expected = py;
                reference = "CPython " + python.version() + " asyncio";
            }
        }

        Outcome actual = assertTimeoutPreemptively(PER_SCENARIO_LIMIT, () -> new AioInterpreter(spec).run(),
                () -> header(s, python) + "aio4j did not finish within " + PER_SCENARIO_LIMIT.toSeconds()
                        + " s of real time (a deadlock?)");
        List<String> want = expected.render(global);
        List<String> got = actual.render(global);
        Object known = spec.get("known_discrepancy");
        if (!want.equals(got)) {
            String report = header(s, python) + "aio4j's outcome differs from " + reference + " (compared "
                    + (global ? "in global order" : "per task") + ").\n"
                    + "--- expected (" + (override == null ? "CPython" : "aio4j_expected over CPython")
                    + ")\n+++ actual (aio4j)\n" + LineDiff.diff(want, got) + "\n";
            if (known != null) {
                Assumptions.abort("known aio4j discrepancy, reported and not yet fixed: " + known + "\n" + report);
            }
            fail(report);
        }
        if (known != null) {
            fail(header(s, python) + "aio4j now matches; the known discrepancy (" + known + ") is fixed:"
                    + " remove \"known_discrepancy\" from the scenario");
        }
    }

    private static String header(Scenario s, CPython python) {
        Object doc = s.spec().get("doc");
        return "scenario '" + s.name() + "' (" + s.file() + ")" + (doc != null ? ": " + doc : "") + "\n";
    }

    /** The CPython outcome with the parts the override names replaced. */
    @SuppressWarnings("unchecked")
    static Outcome merge(Outcome py, Map<String, Object> override) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace", override.containsKey("trace") ? override.get("trace")
                : py.trace().stream().map(e -> (Object) List.of(e.time(), e.task(), e.what())).toList());
        m.put("result", override.containsKey("result") ? override.get("result") : py.result());
        Map<String, Object> tasks = new LinkedHashMap<>(py.tasks());
        if (override.containsKey("tasks")) {
            tasks.putAll((Map<String, Object>) override.get("tasks"));
        }
        m.put("tasks", tasks);
        return Outcome.fromJson(m);
    }

    /** Every scenario of the {@code *.json} files under {@code dir}; names must be unique. */
    @SuppressWarnings("unchecked")
    static List<Scenario> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        List<Scenario> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path f : files) {
            Object doc = Json.parse(Files.readString(f, StandardCharsets.UTF_8));
            List<Object> list = doc instanceof Map<?, ?> m ? (List<Object>) m.get("scenarios") : (List<Object>) doc;
            String file = dir.relativize(f).toString();
            for (Object o : list) {
                Map<String, Object> spec = (Map<String, Object>) o;
                if (!seen.add((String) spec.get("name"))) {
                    throw new IllegalStateException("scenario name '" + spec.get("name") + "' used twice (" + file + ")");
                }
                out.add(new Scenario(file, spec));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no scenarios found under " + dir);
        }
        return out;
    }

    static Path resource(String name) throws URISyntaxException {
        URL url = ConformanceTest.class.getClassLoader().getResource(name);
        if (url == null || !"file".equals(url.getProtocol())) {
            throw new IllegalStateException("test resource '" + name + "' not found as a file on the class path: " + url);
        }
        return Path.of(url.toURI());
    }
}
