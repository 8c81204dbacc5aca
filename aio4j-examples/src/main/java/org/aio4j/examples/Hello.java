package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;

import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.Task;

/** The README's 30-second example, compiled and tested so that the README stays true. */
public final class Hello {
    private Hello() {
    }

    static Coro<String> download(String name, double seconds) {
        return async(() -> {            // a coroutine object: nothing runs yet
            sleep(seconds);             // suspends this task; the loop runs others
            return name;
        });
    }

    static Coro<List<String>> main() {
        return async(() -> {
            Task<String> first = createTask(download("first", 1.0));   // runs concurrently
            List<String> rest = await(gather(download("b", 2.0), download("c", 1.5)));
            return List.of(await(first), rest.get(0), rest.get(1));    // ~2 s in all, not 4.5
        });
    }

    public static void main(String[] args) {
        List<String> all = Aio.run(main());
        System.out.println(all);
    }
}
