package org.aio4j;

/** The body of {@link Aio#taskGroup(TaskGroupAction)} when it returns nothing. */
@FunctionalInterface
public interface TaskGroupAction {
    /** Runs the body; {@code group} accepts new tasks while the group is open. */
    void run(TaskGroup group) throws Exception;
}
