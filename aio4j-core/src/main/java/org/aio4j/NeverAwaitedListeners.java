package org.aio4j;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Observers of "coroutine was never awaited" reports, for test kits that fail a test on them.
 * Listeners run on the reporter thread.
 */
final class NeverAwaitedListeners {
    private static final CopyOnWriteArrayList<Consumer<String>> LISTENERS = new CopyOnWriteArrayList<>();

    private NeverAwaitedListeners() {
    }

    static void add(Consumer<String> listener) {
        LISTENERS.add(listener);
    }

    static void remove(Consumer<String> listener) {
        LISTENERS.remove(listener);
    }

    static void fire(String coroName) {
        for (Consumer<String> l : LISTENERS) {
            l.accept(coroName);
        }
    }
}
