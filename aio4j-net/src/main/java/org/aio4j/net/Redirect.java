package org.aio4j.net;

/**
 * Where a child process's stdin, stdout or stderr goes (asyncio's {@code subprocess.PIPE},
 * {@code DEVNULL}, {@code STDOUT} and {@code None}).
 */
public enum Redirect {
    /**
     * A pipe to this process, driven by the event loop: the {@link Subprocess}'s
     * {@link Subprocess#stdin() stdin} writer or {@link Subprocess#stdout() stdout} /
     * {@link Subprocess#stderr() stderr} reader.
     */
    PIPE,
    /** The null device: the child reads end of file at once, or its output is discarded. */
    DEVNULL,
    /** For stderr only: the same place as stdout (with stdout {@link #PIPE}, both are read from {@code stdout()}). */
    STDOUT,
    /** The same stream as this Java process's (asyncio's {@code None}, the default there). */
    INHERIT
}
