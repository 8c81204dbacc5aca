package org.aio4j;

import java.lang.ref.Cleaner;

/**
 * The one cleaner (and daemon thread) behind the reports made when objects are garbage-collected:
 * "coroutine was never awaited" and "Task exception was never retrieved".
 */
final class GcReports {
    private GcReports() {
    }

    static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "aio4j-gc-reports");
        t.setDaemon(true);
        return t;
    });
}
