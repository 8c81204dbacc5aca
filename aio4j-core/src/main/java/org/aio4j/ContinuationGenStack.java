package org.aio4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * An async generator's stack as a JDK {@code jdk.internal.vm.Continuation} run inside the consuming
 * task's virtual thread. Used only in LOOP_SCHEDULED mode, after {@link Strands} exported
 * jdk.internal.vm to this module; reached through method handles so the module compiles against
 * the public API of its release.
 *
 * Nesting is the JDK's: while the generator's continuation is mounted, a park of the virtual thread
 * (an await in the body) yields the generator's frames first, then the task's, and thaws both when
 * the task resumes. That does not hold for frames holding a monitor: a virtual thread park would then
 * pin, blocking the loop's thread. So an await in the body never parks with the generator mounted:
 * the body first yields its continuation with a request ({@link #parkFromBody}), {@link #resume}
 * parks the strand on the generator's behalf and runs the continuation again once woken. Before
 * JDK 24 (JEP 491) a yield of a continuation whose frames hold a monitor fails (the JDK calls
 * onPinned), which becomes a clear error at the await or yield inside synchronized; from JDK 24 on
 * it succeeds, as a virtual thread's does. Nested generators step out one level at a
 * time, so the cost is one more continuation switch per await and nesting level.
 */
final class ContinuationGenStack extends GenStack {
    private static final Object SCOPE;
    private static final MethodHandle NEW;
    private static final MethodHandle RUN;
    private static final MethodHandle YIELD;
    private static final MethodHandle IS_PINNED;

    static {
        try {
            Class<?> scope = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> cont = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SCOPE = lookup.findConstructor(scope, MethodType.methodType(void.class, String.class))
                    .invoke("aio4j-async-generator");
            NEW = lookup.findConstructor(cont, MethodType.methodType(void.class, scope, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            RUN = lookup.findVirtual(cont, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            YIELD = lookup.findStatic(cont, "yield", MethodType.methodType(boolean.class, scope))
                    .asType(MethodType.methodType(boolean.class, Object.class));
            IS_PINNED = lookup.findStatic(cont, "isPinned", MethodType.methodType(boolean.class, scope))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the body asked resume() to do when it stepped out without a value. */
    private enum Request { NONE, SUSPEND, YIELD_ONCE }

    private final Object continuation;
    private Request request = Request.NONE;

    ContinuationGenStack(Runnable body) {
        try {
            this.continuation = NEW.invokeExact(SCOPE, body);
        } catch (Throwable e) {
            throw Sneaky.raise(e);
        }
    }

    @Override
    void resume(Strand consumer) {
        Strand.GeneratorFrames frames = consumer.generators();
        ContinuationGenStack enclosing = frames.mounted;
        while (true) {
            frames.mounted = this;
            try {
                RUN.invokeExact(continuation);
            } catch (Throwable e) {
                throw Sneaky.raise(e);
            } finally {
                frames.mounted = enclosing;
            }
            Request r = request;
            if (r == Request.NONE) {
                return; // the body yielded a value or ended
            }
            // The body awaits: park the strand from here, with the generator's frames unmounted.
            request = Request.NONE;
            if (r == Request.SUSPEND) {
                consumer.park();
            } else {
                consumer.parkYield();
            }
        }
    }

    @Override
    void suspend() {
        yieldContinuation("yield a value");
    }

    /** Called by {@link Strand#park()} from the body: steps out so that resume() parks the strand. */
    void parkFromBody(boolean yieldOnce) {
        request = yieldOnce ? Request.YIELD_ONCE : Request.SUSPEND;
        try {
            yieldContinuation("await");
        } finally {
            request = Request.NONE;
        }
    }

    private static void yieldContinuation(String what) {
        try {
            boolean ignored = (boolean) YIELD.invokeExact(SCOPE);
        } catch (IllegalStateException pinned) {
            // Continuation.onPinned's default: the body's frames hold a monitor, or a native frame.
            throw new IllegalStateException("an async generator's body cannot " + what + " inside a synchronized"
                    + " block or method (or under a native frame): its frames could not be suspended (" + pinned.getMessage()
                    + "). Do it outside the synchronized block, or use org.aio4j.sync.Lock", pinned);
        } catch (Throwable e) {
            throw Sneaky.raise(e);
        }
    }
}
