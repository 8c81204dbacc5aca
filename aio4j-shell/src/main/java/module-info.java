/**
 * The async shell: a JShell session whose top level runs on a running aio4j event loop (Python's
 * {@code python -m asyncio} for Java). Start it with {@code ./aio4j shell} or
 * {@link org.aio4j.shell.AioShell#main}; the execution engine it plugs into JShell is the service
 * named {@code aio4j} ({@link org.aio4j.shell.AioExecutionControlProvider}). Also the tools
 * {@code ./aio4j ps / pstree / loops PID} ({@link org.aio4j.shell.LoopsTool}).
 */
module org.aio4j.shell {
    requires transitive org.aio4j.net;
    requires transitive jdk.jshell;
    requires jdk.attach;          // ./aio4j ps / pstree (LoopsTool)
    requires java.management;
    exports org.aio4j.shell;
    provides jdk.jshell.spi.ExecutionControlProvider with org.aio4j.shell.AioExecutionControlProvider;
}
