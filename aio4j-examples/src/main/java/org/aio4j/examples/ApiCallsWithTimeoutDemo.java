package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.waitFor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Coro;
import org.aio4j.TimeoutError;

/**
 * Five concurrent "API calls", each limited to 2 s: one is too slow and times out, one fails, the
 * others answer. Every outcome is handled per call, and the whole batch takes ~2 s (the limit), not
 * the sum of the calls.
 */
final class ApiCallsWithTimeoutDemo {
    private ApiCallsWithTimeoutDemo() {
    }

    /** An API call that answers after {@code seconds}, or fails if {@code fails}. */
    static Coro<String> call(Timeline t, String endpoint, double seconds, boolean fails) {
        return async("call " + endpoint, () -> {
            t.log("GET " + endpoint + " ...");
            sleep(seconds);
            if (fails) {
                throw new IllegalStateException("503 from " + endpoint);
            }
            return "200 from " + endpoint;
        });
    }

    /** One call under a 2 s limit, its outcome as a line: never throws (but cancellation). */
    static Coro<String> guarded(Timeline t, String endpoint, double seconds, boolean fails) {
        return async("guarded " + endpoint, () -> {
            try {
                String answer = waitFor(call(t, endpoint, seconds, fails), 2.0);
                t.log(endpoint + ": " + answer);
                return endpoint + " ok";
            } catch (TimeoutError e) {
                t.log(endpoint + ": timed out after 2 s (the call was cancelled)");
                return endpoint + " timeout";
            } catch (IllegalStateException e) {
                t.log(endpoint + ": failed: " + e.getMessage());
                return endpoint + " error";
            }
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("4. Five API calls at once, 2 s limit each: one slow, one failing");
        double total = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            List<Coro<String>> calls = new ArrayList<>();
            calls.add(guarded(t, "/users", 0.4, false));
            calls.add(guarded(t, "/orders", 1.2, false));
            calls.add(guarded(t, "/reports", 5.0, false));   // too slow
            calls.add(guarded(t, "/billing", 0.8, true));    // fails
            calls.add(guarded(t, "/health", 0.1, false));
            List<String> outcomes = await(gather(calls));
            t.log("outcomes: " + outcomes);
            return t.elapsed();
        }));
        out.printf("  total: %.2f s (the limit; the calls alone add up to 7.5 s)%n%n", total);
    }
}
