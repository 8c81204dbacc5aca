package org.aio4j.shell;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting for the loop thread from the shell's own threads. */
final class Waits {
    private Waits() {
    }

    /*
     * Uninterruptible on purpose: the thread that waits is the shell's (JShell's evaluation thread), and
     * the shell never interrupts it; Ctrl-C reaches the running statement through
     * ExecutionControl.stop, which cancels its task, and that completes the future waited for here.
     */

    /**
     * Waits for {@code future} and returns its value; an interrupt does not end the wait, it is kept
     * for the caller.
     *
     * @throws ExecutionException with the future's exception as its cause, if it failed
     */
    static <T> T uninterruptibly(CompletableFuture<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
