package org.aio4j;

/**
 * The body of {@link Aio#taskGroup(TaskGroupBody)}: creates tasks in the group and returns a value.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface TaskGroupBody<T> {
    /** Runs the body; {@code group} accepts new tasks while the group is open. */
    T run(TaskGroup group) throws Exception;
}
