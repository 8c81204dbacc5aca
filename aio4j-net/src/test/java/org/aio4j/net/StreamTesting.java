package org.aio4j.net;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.ExceptionContext;

/** Helpers shared by the stream tests. */
final class StreamTesting {
    /** Loopback I/O takes microseconds, but the machine may be busy: every wait is bounded by this. */
    static final double PATIENCE = 10.0;

    private StreamTesting() {
    }

    /** Runs {@code body} as the main task of a new loop. */
    static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    /** Runs {@code body} as the main task of a new loop, collecting what the loop's exception handler gets. */
    static List<ExceptionContext> runCollectingErrors(AsyncRunnable body) {
        List<ExceptionContext> errors = new ArrayList<>();
        Aio.run(Aio.async(() -> {
            Aio.runningLoop().setExceptionHandler((loop, ctx) -> errors.add(ctx));
            body.run();
        }));
        return errors;
    }

    static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, ISO_8859_1);
    }

    /** The number of this process's open file descriptors (Linux), or -1 where /proc is missing. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
