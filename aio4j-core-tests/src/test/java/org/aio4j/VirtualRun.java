package org.aio4j;

/**
 * Runs a coroutine on a fresh loop with a virtual clock (auto-jump): the default for tests. Sleeps
 * take no real time and {@link #now()} reads deterministic virtual seconds. (The same helper as in
 * aio4j-core's tests, for the tests here that say why they stay on it rather than {@code @AioTest}.)
 */
final class VirtualRun {
    private VirtualRun() {
    }

    /** Runs {@code main} like {@link Aio#run}, on a virtual clock, and returns its result. */
    static <T> T run(Coro<T> main) {
        try (Runner runner = Runner.create(Clock.virtual())) {
            return runner.run(main);
        }
    }

    /** Runs {@code body} as the main coroutine on a virtual clock and returns its result. */
    static <T> T run(AsyncSupplier<T> body) {
        return run(Aio.async(body));
    }

    /** Runs {@code body} as the main coroutine on a virtual clock. */
    static void run(AsyncRunnable body) {
        run(Aio.async(body));
    }

    /** The running loop's time in (virtual) seconds. */
    static double now() {
        return Aio.runningLoop().time();
    }
}
