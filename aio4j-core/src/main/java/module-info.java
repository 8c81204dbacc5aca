/**
 * aio4j: Python's asyncio model for Java. The public API is the package {@code org.aio4j} (start at
 * {@link org.aio4j.Aio}), {@code org.aio4j.lowlevel} (the kernel's low-level API: parking, deadlines,
 * channel readiness, for building new primitives) and {@code org.aio4j.sync} (locks, events,
 * conditions, semaphores, barriers and queues), which is built on the low-level API only.
 */
module org.aio4j {
    requires java.management; // the EventLoops MBean (./aio4j ps)
    requires jdk.jfr;         // JfrEvents: tasks, cancellations, stuck steps in Flight Recorder
    // sun.misc.Signal: signal handlers (EventLoop.addSignalHandler, Ctrl-C in Runner); part of the JDK.
    requires jdk.unsupported;
    exports org.aio4j;
    exports org.aio4j.lowlevel;
    exports org.aio4j.sync;
    // Hooks for the JUnit kit (virtual-time control, leak checks, shuffle mode); not API.
    exports org.aio4j.internal to org.aio4j.test;
}
