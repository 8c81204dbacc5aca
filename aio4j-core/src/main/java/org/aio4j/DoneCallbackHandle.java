package org.aio4j;

import java.util.function.Consumer;

/**
 * A done callback of a {@link Future}, scheduled when the future completes: one allocation for the
 * callback and its argument instead of a Handle plus a capturing lambda (gather of a million
 * tasks schedules a million of these).
 */
final class DoneCallbackHandle extends Handle {
    private final Consumer<Object> consumer;
    private final Future<?> future;

    @SuppressWarnings("unchecked")
    DoneCallbackHandle(EventLoop loop, Consumer<?> consumer, Future<?> future) {
        super(loop, null, consumer instanceof InContext c ? c.vars : null);
        this.consumer = (Consumer<Object>) (consumer instanceof InContext c ? c.consumer : consumer);
        this.future = future;
    }

    /**
     * A done callback added while context variables were set: it runs in a copy of that context
     * (Python captures the context in add_done_callback). Without variables, no wrapper.
     */
    record InContext(Consumer<?> consumer, java.util.Map<ContextVar<?>, Object> vars) implements Consumer<Object> {
        @Override
        public void accept(Object o) {
            throw new AssertionError("unwrapped by DoneCallbackHandle");
        }
    }

    @Override
    void invoke() {
        consumer.accept(future);
    }

    @Override
    Object callbackObject() {
        return consumer;
    }
}
