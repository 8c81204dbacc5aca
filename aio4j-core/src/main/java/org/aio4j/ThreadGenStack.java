package org.aio4j;

import java.util.concurrent.locks.LockSupport;

/**
 * An async generator's stack as a second virtual thread, for PORTABLE strands: the consuming thread
 * and the generator's thread pass a baton, so exactly one of them runs. While the generator's thread
 * holds it, it stands in for the consumer: it is the strand's thread (the loop hands the strand's
 * baton to it when the body awaits) and its uncaught-exception handler is the strand, which is how
 * {@link Strand#current()} finds the task.
 */
final class ThreadGenStack extends GenStack {
    private static final int SPINS = 256;

    private final Runnable body;
    private final String name;
    private Thread thread;
    private boolean started;
    /** The thread blocked in resume(), waiting for the baton to come back. */
    private Thread resumer;
    private volatile boolean generatorHasBaton;

    ThreadGenStack(Runnable body, String name) {
        this.body = body;
        this.name = name;
    }

    @Override
    void resume(Strand consumer) {
        Strands.Portable strand = (Strands.Portable) consumer;
        Thread me = Thread.currentThread();
        if (thread == null) {
            thread = Thread.ofVirtual().name("aio4j-async-generator " + name).unstarted(this::run);
        }
        thread.setUncaughtExceptionHandler(consumer);
        resumer = me;
        Thread before = strand.thread;
        strand.thread = thread;
        generatorHasBaton = true;
        if (!started) {
            started = true;
            thread.start();
        } else {
            LockSupport.unpark(thread);
        }
        for (int i = 0; i < SPINS && generatorHasBaton; i++) {
            Thread.onSpinWait();
        }
        while (generatorHasBaton) {
            Thread.interrupted(); // see Strands.LoopScheduled.suspend
            LockSupport.park(this);
        }
        strand.thread = before;
    }

    @Override
    void suspend() {
        handBack();
        while (!generatorHasBaton) {
            Thread.interrupted();
            LockSupport.park(this);
        }
    }

    private void run() {
        try {
            body.run();
        } finally {
            handBack();
        }
    }

    private void handBack() {
        Thread r = resumer;
        generatorHasBaton = false;
        LockSupport.unpark(r);
    }
}
