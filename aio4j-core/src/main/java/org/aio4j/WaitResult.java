package org.aio4j;

import java.util.Set;

/**
 * What {@link Aio#waitDone} returns: the futures that are done and those still pending, each in the
 * order they were passed (Python returns two sets; these iterate in argument order).
 *
 * @param done    the futures that are done
 * @param pending the futures that are not (after a timeout or an early return)
 * @param <T>     the result type
 */
public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {
}
