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
        super(loop, null);
        this.consumer = (Consumer<Object>) consumer;
        this.future = future;
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
