package org.aio4j;

/**
 * The body of {@link Aio#taskGroup(TaskGroupAction)} when it returns nothing.
 *
 * <p>It is a {@link TaskGroupBody} of {@code Void}, so Java treats it as the more specific of the two
 * shapes: an expression lambda ({@code tg -> tg.createTask(c)}) is a {@code TaskGroupAction}, a block
 * with {@code return x;} a {@code TaskGroupBody}, and no call is ambiguous.
 */
@FunctionalInterface
public interface TaskGroupAction extends TaskGroupBody<Void> {
    /** Runs the body; {@code group} accepts new tasks while the group is open. */
    void act(TaskGroup group) throws Exception;

    /** Runs {@link #act} and returns {@code null}. */
    @Override
    default Void run(TaskGroup group) throws Exception {
        act(group);
        return null;
    }
}
