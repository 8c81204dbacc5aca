package org.aio4j.net;

/**
 * A child process with its pipes, as a {@link SubprocessProtocol} sees it (asyncio's
 * {@code SubprocessTransport}). Loop thread only; none of its methods suspends.
 */
public interface SubprocessTransport {
    /** The child's process id. */
    long getPid();

    /**
     * The exit status once the loop has seen the exit (the exit code, or 128 + N for a child killed
     * by signal N), or null while it runs.
     */
    Integer getReturncode();

    /**
     * The transport of pipe {@code fd} (0 stdin: write to it; 1 stdout, 2 stderr: pause and resume
     * reading), or null if that stream was not {@link Redirect#PIPE}.
     *
     * @throws IllegalArgumentException for an fd other than 0, 1 or 2
     */
    Transport getPipeTransport(int fd);

    /** As {@link Subprocess#sendSignal}: a no-op once the child has exited. */
    void sendSignal(int signal) throws java.io.IOException;

    /** SIGTERM; a no-op once the child has exited. */
    void terminate();

    /** SIGKILL; a no-op once the child has exited. */
    void kill();

    /**
     * Closes every pipe and kills the child if it is still running (asyncio's {@code close()});
     * {@code connectionLost} follows once the exit is seen. Idempotent.
     */
    void close();

    /** Whether {@link #close} was called. */
    boolean isClosing();
}
