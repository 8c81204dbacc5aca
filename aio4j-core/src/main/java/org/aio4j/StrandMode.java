package org.aio4j;

/**
 * How tasks suspend on this JVM (see {@link Aio#strandMode()}). Both modes have the same semantics;
 * they differ in cost and in what a blocking JDK call inside a coroutine does.
 */
public enum StrandMode {
    /**
     * Each task is a virtual thread whose scheduler is its event loop (about 0.2 µs per switch). A
     * blocking JDK call that parks a virtual thread ({@code Thread.sleep}, socket I/O,
     * {@code java.util.concurrent} locks) parks only that task, and cancelling the task interrupts
     * it; one that pins the carrier (file and pipe I/O, DNS lookups, {@code synchronized} before JDK
     * 24) holds the loop, so run those with {@link Aio#toThread}. Needs
     * {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or {@code =org.aio4j} on the module path).
     */
    LOOP_SCHEDULED,
    /**
     * The fallback when java.lang is not open: each task is a virtual thread on the JDK's default
     * scheduler and the loop hands it a baton (about 8 µs per switch). A blocking JDK call inside a
     * coroutine holds the loop, as in asyncio.
     */
    PORTABLE
}
