package org.aio4j;

/**
 * The rule that decides which throwables stop the event loop: aio4j's SystemExit and
 * KeyboardInterrupt (asyncio re-raises those two out of {@code run_until_complete}, from a callback
 * and from a task step alike, after storing them in the task).
 *
 * A {@link VirtualMachineError} (OutOfMemoryError, InternalError, UnknownError) says the JVM can no
 * longer be trusted to run the program: carrying on with other tasks would hide it or make things
 * worse, so it stops the loop. {@link StackOverflowError} is the exception: by the time it is caught
 * the stack has unwound, the loop is sound, and it is a bug of one task or callback. Everything else
 * (AssertionError, a user's Error subclass, CancelledError, exceptions) stays with the task that
 * raised it, for whoever awaits it, as an asyncio {@code Exception} does. TaskGroup's "base errors",
 * rethrown bare rather than in an ExceptionGroup, are a wider set (every Error but CancelledError),
 * as asyncio's are (every BaseException that is not an Exception).
 */
final class FatalErrors {
    private FatalErrors() {
    }

    /** Whether {@code e} stops the loop that sees it escape a callback or end a task. */
    static boolean stopsTheLoop(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
    }
}
