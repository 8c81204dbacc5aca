package org.aio4j;

/**
 * The second stack an async generator's body runs on while its consumer pulls values one at a time
 * (docs/architecture.md, "Async generators"). The body runs on behalf of the consuming task's strand:
 * {@link Strand#current()} inside it is the consumer's strand, so its awaits are the consumer's
 * awaits, exactly as a Python generator's frame runs inside the task that called {@code anext}.
 *
 * Protocol (all on the strand that consumes, or the generator's body):
 * <ul>
 *   <li>{@link #resume(Strand)}: runs the body from its start or its last {@link #suspend()} until it
 *       suspends again or ends; the body may await meanwhile (the strand suspends with it);</li>
 *   <li>{@link #suspend()}: called by the body; returns when the next {@code resume} comes, possibly
 *       from another task of the same loop.</li>
 * </ul>
 * LOOP_SCHEDULED strands use a {@code jdk.internal.vm.Continuation} nested in the task's virtual
 * thread (one continuation switch per value, no thread); PORTABLE strands a second virtual thread
 * and a baton, the way a PORTABLE task shares the loop.
 */
abstract sealed class GenStack permits ContinuationGenStack, ThreadGenStack {

    /** A stack for {@code body} (which must not throw) suited to the strands of {@code consumer}'s loop. */
    static GenStack create(Runnable body, String name, Strand consumer) {
        return consumer instanceof Strands.LoopScheduled ? new ContinuationGenStack(body) : new ThreadGenStack(body, name);
    }

    abstract void resume(Strand consumer);

    abstract void suspend();
}
