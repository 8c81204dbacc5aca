package org.aio4j;

/**
 * The running event loops of this JVM, seen from outside (asyncio 3.14's {@code python -m asyncio
 * ps} and {@code pstree}): registered with the platform MBean server as
 * {@value #OBJECT_NAME} when the first loop runs, read by {@code ./aio4j ps PID} and
 * {@code ./aio4j pstree PID}, or by any JMX client (JConsole, {@code jconsole PID}).
 *
 * <p>Each operation asks every running loop for a snapshot of its tasks on the loop's own thread
 * and waits up to a second for each; a loop that cannot answer (it is stuck in a step) is listed
 * with what the watchdog sees it running instead. Any thread.
 */
public interface EventLoopsMXBean {
    /** The name this bean is registered under. */
    String OBJECT_NAME = "org.aio4j:type=EventLoops";

    /** One line per running loop: its thread and its {@link EventLoop#statistics()}. */
    String[] getLoops();

    /**
     * A table of every task of every running loop: loop thread, task name, state, what it awaits,
     * where it is (its innermost frame outside the JDK and aio4j).
     */
    String ps();

    /** Every running loop's tasks as trees: each task that nothing awaits, and under it what it awaits. */
    String pstree();
}
