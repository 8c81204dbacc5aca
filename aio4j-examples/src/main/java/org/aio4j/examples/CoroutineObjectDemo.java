package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.sleep;

import java.io.PrintStream;
import org.aio4j.Coro;

/**
 * Calling an async function makes a coroutine object; nothing runs until it is awaited (or wrapped
 * in a task). Python: {@code c = fetch()} prints nothing; {@code await c} runs it.
 */
final class CoroutineObjectDemo {
    private CoroutineObjectDemo() {
    }

    static Coro<String> fetch(Timeline t, String what) {
        return async("fetch", () -> {
            t.log("fetch(" + what + ") is running now");
            sleep(0.5);
            return what + " data";
        });
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("1. A coroutine object does not run until it is awaited");
        runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            Coro<String> c = fetch(t, "users");
            t.log("made the coroutine object " + c + " -- its body has not run");
            sleep(0.2);
            t.log("0.2 s later, still nothing ran; now awaiting it");
            String result = await(c);
            t.log("await returned \"" + result + "\"");
        }));
        out.println();
    }
}
