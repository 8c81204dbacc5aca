package org.aio4j.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What running one scenario produced, on either side: the event trace, the main task's result
 * ({@code "= value"} or {@code "! Error"}) and the final state of every named task and future, or
 * an {@code error} when the scenario could not run at all (a deadlock, a broken scenario).
 */
record Outcome(List<Event> trace, String result, Map<String, String> tasks, String error) {

    /** One traced event: virtual time (6 decimals), the task that logged it, what happened. */
    record Event(String time, String task, String what) {
        String line() {
            return time + " " + task + ": " + what;
        }
    }

    static Outcome failed(String error) {
        return new Outcome(List.of(), null, Map.of(), error);
    }

    /** Reads the JSON shape the Python interpreter prints and scenarios' overrides use. */
    @SuppressWarnings("unchecked")
    static Outcome fromJson(Map<String, Object> m) {
        if (m.get("error") != null) {
            return failed((String) m.get("error"));
        }
        List<Event> trace = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("trace", List.of())) {
            trace.add(parseEvent(o));
        }
        Map<String, String> tasks = new LinkedHashMap<>();
        ((Map<String, Object>) m.getOrDefault("tasks", Map.of())).forEach((k, v) -> tasks.put(k, (String) v));
        return new Outcome(trace, (String) m.get("result"), tasks, null);
    }

    /** An event as {@code [time, task, what]} or as its line {@code "time task: what"}. */
    @SuppressWarnings("unchecked")
    static Event parseEvent(Object o) {
        if (o instanceof List<?> l) {
            List<Object> x = (List<Object>) l;
            return new Event((String) x.get(0), (String) x.get(1), (String) x.get(2));
        }
        String line = (String) o;
        int sp = line.indexOf(' ');
        int colon = line.indexOf(": ", sp + 1);
        if (sp < 0 || colon < 0) {
            throw new IllegalArgumentException("a trace line is \"<time> <task>: <event>\", not: " + line);
        }
        return new Event(line.substring(0, sp), line.substring(sp + 1, colon), line.substring(colon + 2));
    }

    /** The trace as lines, in global order. */
    List<String> traceLines() {
        return trace.stream().map(Event::line).toList();
    }

    /** The trace regrouped per task (each task's events in order), tasks in order of first event. */
    List<String> perTaskLines() {
        Map<String, List<String>> byTask = new LinkedHashMap<>();
        for (Event e : trace) {
            byTask.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e.line());
        }
        List<String> out = new ArrayList<>();
        byTask.keySet().stream().sorted().forEach(k -> {
            out.add("[task " + k + "]");
            out.addAll(byTask.get(k));
        });
        return out;
    }

    /** The comparable rendering: trace (global or per task), then the result and the final states. */
    List<String> render(boolean globalOrder) {
        List<String> out = new ArrayList<>();
        if (error != null) {
            out.add("ERROR " + error);
            return out;
        }
        out.addAll(globalOrder ? traceLines() : perTaskLines());
        out.add("result " + result);
        tasks.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.add("final " + e.getKey() + " " + e.getValue()));
        return out;
    }
}
