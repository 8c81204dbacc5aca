package org.aio4j.lowlevel;

import java.util.List;
import org.aio4j.Task;

/**
 * What a task parked by {@link Lowlevel#park(Waker, java.util.function.BooleanSupplier, WaitTarget)}
 * waits on, as the await graph ({@code Aio.captureCallGraph}, {@code Aio.findDeadlocks}) and the
 * task dumps ({@code aio4j ps}, {@code pstree}) show it: a lock, a queue, a primitive of your own.
 * Every primitive of {@code org.aio4j.sync} is one; a {@link ParkingLot} made with a target parks its
 * waiters on it.
 *
 * <p>Both methods are called on the loop thread, while the task is parked, only when a graph or a
 * dump is taken: they cost nothing on the way in and out of a wait. They must not suspend or throw.
 */
@FunctionalInterface
public interface WaitTarget {
    /** What the parked task waits for, in a few words: {@code "acquire() of Lock[locked, waiters:2]"}. */
    String describeWait();

    /**
     * The tasks the parked task waits for, where the primitive knows them: the task holding a lock.
     * They become edges of the await graph, so a cycle through them is reported as a deadlock. Empty
     * (the default) when no task is known to be the one that will end the wait (a queue's getter
     * waits for whichever task puts next).
     */
    default List<Task<?>> blockingTasks() {
        return List.of();
    }
}
