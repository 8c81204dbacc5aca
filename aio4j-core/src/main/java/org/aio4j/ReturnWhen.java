package org.aio4j;

/** When {@link Aio#waitDone} returns: Python's {@code asyncio.FIRST_COMPLETED} and friends. */
public enum ReturnWhen {
    /** As soon as any future is done (or cancelled). */
    FIRST_COMPLETED,
    /** As soon as any future fails; if none fails, when all are done. Cancellation is not failure. */
    FIRST_EXCEPTION,
    /** When all futures are done. */
    ALL_COMPLETED
}
