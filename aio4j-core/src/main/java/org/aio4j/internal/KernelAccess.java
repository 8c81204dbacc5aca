package org.aio4j.internal;

import java.nio.channels.SelectableChannel;
import java.util.function.BooleanSupplier;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.lowlevel.Deadline;
import org.aio4j.lowlevel.Waker;

/**
 * The kernel operations behind {@code org.aio4j.lowlevel.Lowlevel}, reached across the package
 * boundary the way the JDK's own shared-secrets are: the kernel installs the one implementation when
 * its class ({@code org.aio4j.KernelAccessImpl}) initialises. Not API. Every method is for the current task, on its loop thread.
 */
public interface KernelAccess {
    /** The loop running here (or carrying the current task), or null. */
    EventLoop runningLoopOrNull();

    /** The current task, or null outside a coroutine. */
    Task<?> currentTaskOrNull();

    /** A ticket for the current task's next park; {@code what} names the caller for errors. */
    <T> Waker<T> newWaker(String what);

    /** Parks the current task on {@code waker}; see {@code Lowlevel.park}. */
    <T> T park(Waker<T> waker, BooleanSupplier abort, org.aio4j.lowlevel.WaitTarget on);

    /** Throws the current task's pending cancellation, if any. */
    void checkpointIfCancelled(String what);

    /** Waits until {@code f} is done or {@code deadline} passes; whether {@code f} is done. */
    boolean awaitUntil(Future<?> f, Deadline deadline);

    /** Parks the current task until {@code channel} is readable ({@code reader}) or writable. */
    void waitReady(SelectableChannel channel, boolean reader, String what);

    /** Wakes the tasks waiting for {@code channel} with an error; drops its reader and writer. */
    void notifyClosing(SelectableChannel channel);

    <T> T callBlocking(java.util.concurrent.Callable<T> call, Runnable onCancel) throws Exception;

    /** The implementation. */
    static KernelAccess get() {
        return Installed.get();
    }

    /** Holder: the core's implementation installs itself when its class initialises. */
    final class Installed {
        private static volatile KernelAccess access;

        private Installed() {
        }

        /** Called once by the core. */
        public static void install(KernelAccess a) {
            if (access == null) {
                access = a;
            }
        }

        static KernelAccess get() {
            KernelAccess a = access;
            if (a == null) {
                try {
                    Class.forName("org.aio4j.KernelAccessImpl", true, KernelAccess.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("aio4j core classes are missing", e);
                }
                a = access;
            }
            return a;
        }
    }
}
