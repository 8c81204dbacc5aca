package org.aio4j;

/**
 * Where an async generator is in its life (Python 3.12's {@code inspect.getasyncgenstate}).
 *
 * <pre>
 *   CREATED --anext / asend / for / forEach--> RUNNING --yield--> SUSPENDED --anext...--> RUNNING
 *   RUNNING --body returns or throws--> CLOSED
 *   CREATED or SUSPENDED --aclose--> CLOSED
 * </pre>
 */
public enum AsyncGeneratorState {
    /** Made, its body has not started. */
    CREATED,
    /** Its body is running (possibly suspended at an await inside it, on behalf of a consumer). */
    RUNNING,
    /** Its body is suspended at a {@code yield}, waiting for the consumer to ask for more. */
    SUSPENDED,
    /** Its body has ended (returned, thrown, or closed); every further {@code anext} ends at once. */
    CLOSED
}
