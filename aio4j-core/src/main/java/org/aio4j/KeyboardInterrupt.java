package org.aio4j;

/**
 * Ctrl-C ended {@link Aio#run} or {@link Runner#run}: Python's {@code KeyboardInterrupt}. Thrown
 * when the first SIGINT cancelled the main task and the task ended with that cancellation (the
 * {@link CancelledError} is the cause), or when a second SIGINT stopped the loop before the task
 * finished. The tasks left are cancelled and awaited by the runner's close, as always.
 *
 * <p>Uncaught, it ends {@code main} with a stack trace and exit status 1; a program that wants the
 * shell's convention for an interrupted command catches it and calls
 * {@code System.exit(KeyboardInterrupt.EXIT_STATUS)}. See {@code docs/signals.md}.
 */
public final class KeyboardInterrupt extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** 128 + SIGINT's number (2): what shells report for a command ended by Ctrl-C. */
    public static final int EXIT_STATUS = 130;

    KeyboardInterrupt(String message, Throwable cause) {
        super(message, cause);
    }
}
