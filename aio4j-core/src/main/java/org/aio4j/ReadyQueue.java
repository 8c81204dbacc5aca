package org.aio4j;

import java.util.ArrayDeque;

/**
 * The loop's ready queue, its current batch, and how one item runs (step 4 of an iteration). Items
 * are Handles (user callbacks, run in their captured context) or bare Runnables (strand steps). Loop
 * thread only.
 */
final class ReadyQueue {
    /*
     * batchLeft counts the items of the current batch still at the head of the deque. Items added at
     * the back during the batch wait for the next iteration (so a callback that schedules another
     * cannot starve timers and I/O); an item added at the head (an eager task's first step, its
     * creator's wake-up) grows the batch and runs next.
     */

    private final ArrayDeque<Object> items = new ArrayDeque<>();
    /** What the watchdog reads: the item running now, the batch length. */
    final LoopWatch watch = new LoopWatch();
    private int batchLeft;
    /** Items run so far (for statistics; read racily from other threads). */
    long ran;
    /** The context of the callback running now (built lazily from its handle's captured variables). */
    private Context callbackContext;
    /** The timeline recording the item running now, else null: a plain field, read on every wake. */
    Timeline recording;
    /** A fatal error (FatalErrors) that ended the task step running now: runItem rethrows it. */
    private Error fatalError;

    /** The deque itself, for the producers of an iteration (inbox, selector, timers): they add at the back. */
    ArrayDeque<Object> deque() {
        return items;
    }

    void addLast(Object item) {
        items.addLast(item);
    }

    /** Adds at the head, inside the current batch: runs right after the item running now. */
    void addFirstInBatch(Object item) {
        items.addFirst(item);
        batchLeft++;
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    int size() {
        return items.size();
    }

    void clear() {
        items.clear();
        batchLeft = 0;
    }

    /** The batch of this iteration: exactly the items ready now. */
    void startBatch() {
        batchLeft = items.size();
        watch.batch(batchLeft);
    }

    /** Items of the current batch not run yet. */
    int batchLeft() {
        return batchLeft;
    }

    /** Runs the next item of the current batch. */
    void runNext(EventLoop loop) {
        batchLeft--;
        runItem(loop, items.pollFirst());
    }

    /** Takes the current batch out of the queue (shuffle mode runs it in its own order). */
    Object[] takeBatch() {
        Object[] batch = new Object[batchLeft];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = items.pollFirst();
        }
        batchLeft = 0;
        return batch;
    }

    Context callbackContext() {
        return callbackContext;
    }

    void setCallbackContext(Context c) {
        callbackContext = c;
    }

    /** A task step ended its task with a fatal error: rethrown after the step, which stops the loop. */
    void fatalError(Error e) {
        fatalError = e;
    }

    /**
     * Runs one item: a failure goes to the loop's exception handler, except the fatal errors that stop
     * the loop; in debug mode a slow item is reported.
     */
    /** Timeout scopes entered during the running item whose timers are still to be armed (Timeout). */
    Timeout unarmed;

    /** Arms the timers of the scopes the item left open (see Timeout's notes). */
    private void armTimeouts() {
        Timeout t = unarmed;
        unarmed = null;
        while (t != null) {
            Timeout next = t.nextUnarmed;
            t.nextUnarmed = null;
            t.arm();
            t = next;
        }
    }

    void runItem(EventLoop loop, Object item) {
        boolean timed = loop.isDebug(); // read once: the item may turn debug mode on or off
        long started = timed ? SystemClock.INSTANCE.nanoTime() : 0;
        Timeline timeline = watch.timeline;
        long stepStart = timeline != null ? System.nanoTime() : 0;
        recording = timeline;
        watch.enter(item);
        ran++;
        try {
            if (item instanceof Handle h) {
                callbackContext = h.contextVars == null ? null : new Context(h.contextVars);
                try {
                    h.runHandle();
                } finally {
                    callbackContext = null;
                }
            } else {
                ((Runnable) item).run();
                Error fatal = fatalError;
                if (fatal != null) {
                    fatalError = null; // the step was a task's last, ended by it: stop the loop with it
                    throw fatal;
                }
            }
        } catch (Throwable e) {
            if (FatalErrors.stopsTheLoop(e)) {
                throw e;
            }
            Handle h = item instanceof Handle hh ? hh : null;
            loop.callExceptionHandler(new ExceptionContext("Exception in callback " + item, e, null, h, null));
        } finally {
            if (unarmed != null) {
                armTimeouts();
            }
            watch.exit();
            recording = null;
            if (timeline != null) {
                timeline.item(watch, item, stepStart, System.nanoTime());
            }
        }
        if (timed) {
            long took = SystemClock.INSTANCE.nanoTime() - started;
            if (took > loop.slowCallbackDuration() * 1e9) {
                Debug.reportSlow(item, took);
            }
        }
    }
}
