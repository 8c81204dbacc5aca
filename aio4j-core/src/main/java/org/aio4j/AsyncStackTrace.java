package org.aio4j;

import java.util.Arrays;

/**
 * The awaiting chain of an exception (docs/architecture.md, "Semantics"): when a failure crosses an {@code await}
 * from another task or a future, the exception itself is rethrown unchanged, and one of these is
 * added to it as a suppressed exception, with the awaiting task's name and its stack at the await.
 * A stack trace then reads: where it failed, then "Suppressed: ... awaited by task 'main'" with
 * the code that awaited it, and so on up the chain, like Python's chained tracebacks.
 *
 * Cancellations are not annotated (they are frequent and carry no failure); an exception carries at
 * most {@link #MAX_LINKS} links, so one rethrown in a loop cannot grow without bound.
 */
final class AsyncStackTrace extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final int MAX_LINKS = 32;

    private AsyncStackTrace(String message) {
        super(message, null, false, true);
        StackTraceElement[] stack = getStackTrace();
        int skip = 0;
        while (skip < stack.length && isPlumbing(stack[skip])) {
            skip++;
        }
        setStackTrace(Arrays.copyOfRange(stack, skip, stack.length));
    }

    private static boolean isPlumbing(StackTraceElement e) {
        String c = e.getClassName();
        return c.equals(AsyncStackTrace.class.getName()) || c.equals(Future.class.getName())
                || c.equals(Task.class.getName()) || c.equals(Aio.class.getName());
    }

    /** Adds the link "awaited by {@code awaiter}" to {@code failure}, thrown by {@code awaited}. */
    static void link(Throwable failure, Task<?> awaiter, Future<?> awaited) {
        if (failure instanceof CancelledError || failure.getSuppressed().length >= MAX_LINKS) {
            return;
        }
        String from = awaited instanceof Task<?> t ? "task '" + t.getName() + "'"
                : awaited instanceof GatheringFuture<?> ? "gather" : "a future";
        failure.addSuppressed(new AsyncStackTrace("awaited by task '" + awaiter.getName() + "' (failure of "
                + from + ")"));
    }
}
