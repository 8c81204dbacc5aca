package org.aio4j.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The recordings of CPython's outcomes ({@link Reference}) stay true: they were made from the
 * scenario files and Python scripts as they are now, and, whenever a CPython 3.11 is at hand, a
 * live run gives the same outcomes. Either failure names the command that re-records.
 */
class RecordingsTest {
    private static final List<String> RECORDINGS = List.of("scenarios.json", "deliberate.json", "random_programs.json");

    @Test
    void recordingsWereMadeFromTheCurrentScenariosAndScripts() throws Exception {
        Reference reference = Reference.get();
        List<String> stale = new ArrayList<>();
        for (String name : RECORDINGS) {
            for (String input : reference.staleInputs(name)) {
                stale.add("recordings/" + name + ": " + input + " changed since it was recorded");
            }
        }
        List<String> current = new ArrayList<>();
        Path scenarios = ConformanceTest.resource("scenarios");
        try (Stream<Path> files = Files.walk(scenarios)) {
            files.filter(p -> p.toString().endsWith(".json"))
                    .map(p -> "src/test/resources/scenarios/" + scenarios.relativize(p)
                            .toString().replace('\\', '/'))
                    .forEach(current::add);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> inputs = (Map<String, Object>) reference.recording("scenarios.json").get("inputs");
        for (String file : current) {
            if (!inputs.containsKey(file)) {
                stale.add("recordings/scenarios.json: " + file + " is new since the recording");
            }
        }
        if (!stale.isEmpty()) {
            fail("the recorded CPython outcomes are stale:\n  " + String.join("\n  ", stale) + "\nre-record with "
                    + Reference.RERECORD + " and commit src/test/resources/recordings");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void recordingsAreWhatALiveCPython311Gives() throws Exception {
        Reference reference = Reference.get();
        Assumptions.assumeTrue(reference.source() == Reference.Source.LIVE, () -> "no live comparison: "
                + (reference.why() != null ? reference.why() : "-Daio4j.conformance.reference=recorded")
                + "; the suite compared aio4j against the recordings of CPython " + recordedVersion(reference));
        String python = reference.python();
        List<String> differ = new ArrayList<>();

        Path scenarios = ConformanceTest.resource("scenarios");
        CPython live = CPython.runAll(python, ConformanceTest.resource("python/asyncio_interpreter.py"), scenarios);
        compare("scenarios.json", resultsOf(reference, "scenarios.json"), live, differ);

        List<ConformanceTest.Scenario> deliberate = ConformanceTest.load(scenarios).stream()
                .filter(s -> s.spec().get("aio4j_expected") != null && !Boolean.FALSE.equals(s.spec().get("python")))
                .toList();
        Path dir = Files.createTempDirectory("aio4j-recordings");
        try {
            StringJoiner json = new StringJoiner(", ", "{\"scenarios\": [", "]}");
            deliberate.forEach(s -> json.add(Json.write(s.spec())));
            Files.writeString(dir.resolve("deliberate.json"), json.toString(), StandardCharsets.UTF_8);
            Path referenceScript = ConformanceTest.resource("python/aio4j_reference.py");
            compare("deliberate.json", resultsOf(reference, "deliberate.json"),
                    CPython.runAll(python, referenceScript, List.of(), dir, 90), differ);
            Files.delete(dir.resolve("deliberate.json"));

            Map<String, Object> recorded = reference.recording("random_programs.json");
            String generator = Reference.moduleDir().resolve("src/test/python/random_programs.py").toString();
            CPython.exec(python, List.of(generator, String.valueOf(recorded.get("seed")),
                    String.valueOf(recorded.get("count")), "--out", dir.toString()), 120);
            Map<String, Object> programs = (Map<String, Object>) Json.parse(
                    Files.readString(dir.resolve("random_programs.json"), StandardCharsets.UTF_8));
            if (!Objects.equals(programs.get("scenarios"), recorded.get("programs"))) {
                differ.add("random_programs.json: random_programs.py now generates other programs");
            }
            compare("random_programs.json", resultsOf(reference, "random_programs.json"),
                    CPython.runAll(python, referenceScript, List.of(), dir, 120), differ);
            Object knownBugs = Json.parse(CPython.exec(python, List.of(referenceScript.toString(), "--list-known-bugs"), 60));
            if (!Objects.equals(knownBugs, recorded.get("known_bugs"))) {
                differ.add("random_programs.json: aio4j_reference.py's KNOWN_BUGS changed");
            }
            Files.delete(dir.resolve("random_programs.json"));
        } finally {
            Files.delete(dir);
        }
        if (!differ.isEmpty()) {
            int shown = Math.min(differ.size(), 20);
            fail("the recordings differ from what CPython " + live.version() + " gives now (" + differ.size()
                    + " differences):\n  " + String.join("\n  ", differ.subList(0, shown))
                    + (shown < differ.size() ? "\n  ..." : "") + "\nre-record with " + Reference.RERECORD
                    + " and commit src/test/resources/recordings");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resultsOf(Reference reference, String name) throws Exception {
        return (Map<String, Object>) reference.recording(name).get("results");
    }

    /** Adds to {@code differ} each scenario whose recorded outcome is not the live one (a rerun's trace aside). */
    @SuppressWarnings("unchecked")
    private static void compare(String name, Map<String, Object> recorded, CPython live, List<String> differ) {
        Map<String, Object> liveResults = new LinkedHashMap<>();
        for (String scenario : recorded.keySet()) {
            if (live.result(scenario) == null) {
                differ.add(name + ": " + scenario + " is recorded but no longer runs");
            }
        }
        live.names().forEach(n -> liveResults.put(n, live.result(n)));
        for (Map.Entry<String, Object> e : liveResults.entrySet()) {
            Object was = recorded.get(e.getKey());
            if (was == null) {
                differ.add(name + ": " + e.getKey() + " is not recorded");
            } else if (!withoutRerun((Map<String, Object>) was).equals(withoutRerun((Map<String, Object>) e.getValue()))) {
                differ.add(name + ": " + e.getKey() + "'s outcome changed");
            }
        }
    }

    /** An unstable scenario's second run follows object addresses; only the first run is compared. */
    private static Map<String, Object> withoutRerun(Map<String, Object> result) {
        Map<String, Object> m = new LinkedHashMap<>(result);
        m.remove("rerun");
        return m;
    }

    private static String recordedVersion(Reference reference) {
        try {
            return ((String) reference.recording("scenarios.json").get("python")).split(" ")[0];
        } catch (Exception e) {
            return CPython.REQUIRED_VERSION + " (" + e.getMessage() + ")";
        }
    }
}
