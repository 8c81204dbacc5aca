package org.aio4j.net;

import java.io.File;
import java.io.IOException;
import java.util.Locale;
import java.util.function.IntFunction;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;

/**
 * The {@link SubprocessTransport} of a child started by {@link ProcessSpawner}: its pipes'
 * {@link PipeTransport}s, its exit, its signals. {@link Subprocess} (the stream level) and
 * {@link Subprocesses#subprocessExec} (the protocol level) are both built on it.
 *
 * <h2>Threads</h2>
 * Loop thread only, but for the exit notification, which arrives on the JDK's reaper thread and is
 * handed to the loop (see the implementation notes).
 */
final class ProcessTransport implements SubprocessTransport {
    /*
     * Lifecycle: RUNNING --exit seen on the loop--> EXITED --every pipe closed--> FINISHED
     * (connectionLost scheduled). Pipes are independent of the exit: each
     * closes on its own end of file or close; the exit closes none of them (bytes still in a read
     * pipe would be lost). `closing` (close() was called) is orthogonal: it closes the pipes and
     * kills a running child, and the states go on as the exit and the pipes' ends arrive.
     *
     * Exit detection is the JDK's: Process.onExit() completes once the JDK's "process reaper"
     * thread, which the JDK starts for every child anyway (a pooled platform thread with a small
     * stack, blocked in waitpid for that child until it exits), has reaped it. That is the one thread
     * per running child this costs; it comes with java.lang.Process and is not ours to avoid without
     * native code (and a second reaper would race the JDK's for the exit status: P6, P7). The JDK
     * completes onExit() from the common ForkJoinPool (so a saturated common pool delays exits), and
     * from there the exit is handed to the loop with callSoonThreadsafe: two thread hops, measured
     * at 0.15-0.3 ms more than ProcessBuilder's own waitFor() on a busy 2-core machine. If the loop is closed by then, nothing can run
     * on it: the pipes' channels are closed from that thread (no descriptor leak) and a warning is
     * logged.
     *
     * Signals: terminate() and kill() are Process.destroy() / destroyForcibly() (SIGTERM / SIGKILL),
     * which the JDK serializes with its reaping, so a recycled pid is never signalled (P6). Other
     * signals have no JDK API: sendSignal starts the system's kill command for them (a spawn, not
     * awaited), after checking that the child is alive; a child that exits in that window could in
     * theory have its pid reused before kill runs. After the exit every signal is a no-op.
     */
    private enum State { RUNNING, EXITED, FINISHED }

    private static final System.Logger LOG = System.getLogger("org.aio4j.net");
    static final String[] NAMES = {"stdin", "stdout", "stderr"};

    // any thread (immutable after construction)
    private final EventLoop loop;
    private final Process process;
    private final long pid;
    private final ProcessSpawner.PipeMode pipeMode;
    private final PipeTransport[] pipes = new PipeTransport[3];

    // loop thread only
    private final SubprocessProtocol protocol;
    private State state = State.RUNNING;
    private boolean closing;
    private int openPipes;
    private Integer returncode;

    /**
     * Wraps the started child; {@code pipeProtocols} gives the Protocol of pipe fd (0, 1, 2) when it
     * is piped, or null for the default: one forwarding to {@code protocol}'s pipe callbacks. Nothing
     * runs until {@link #start}. On failure the child is killed and everything is closed.
     */
    ProcessTransport(EventLoop loop, ProcessSpawner.Spawned s, SubprocessProtocol protocol,
                     IntFunction<Protocol> pipeProtocols) throws IOException {
        this.loop = loop;
        this.process = s.process();
        this.pid = process.pid();
        this.pipeMode = s.mode();
        this.protocol = protocol;
        try {
            if (s.stdin() != null) {
                pipes[0] = PipeTransport.writing(loop, s.stdin(), name(0), protocolFor(0, pipeProtocols));
            }
            if (s.stdout() != null) {
                pipes[1] = PipeTransport.reading(loop, s.stdout(), name(1), protocolFor(1, pipeProtocols));
            }
            if (s.stderr() != null) {
                pipes[2] = PipeTransport.reading(loop, s.stderr(), name(2), protocolFor(2, pipeProtocols));
            }
        } catch (IOException | RuntimeException e) {
            ProcessSpawner.closeQuietly(s.stdin());
            ProcessSpawner.closeQuietly(s.stdout());
            ProcessSpawner.closeQuietly(s.stderr());
            process.destroyForcibly();
            throw e;
        }
    }

    private String name(int fd) {
        return "the " + NAMES[fd] + " pipe of process " + pid;
    }

    private Protocol protocolFor(int fd, IntFunction<Protocol> pipeProtocols) {
        Protocol p = pipeProtocols == null ? null : pipeProtocols.apply(fd);
        return p != null ? p : new Forwarding(fd);
    }

    /** A pipe's protocol that forwards to the SubprocessProtocol's pipe callbacks. */
    private final class Forwarding implements Protocol {
        private final int fd;

        Forwarding(int fd) {
            this.fd = fd;
        }

        @Override
        public void dataReceived(byte[] data) {
            protocol.pipeDataReceived(fd, data);
        }

        @Override
        public void connectionLost(Exception exc) {
            protocol.pipeConnectionLost(fd, exc);
        }

        @Override
        public void pauseWriting() {
            protocol.pauseWriting();
        }

        @Override
        public void resumeWriting() {
            protocol.resumeWriting();
        }
    }

    /** Starts the pipes (reading begins at the loop's next iteration) and the exit watch. */
    void start() {
        for (int fd = 0; fd < 3; fd++) {
            if (pipes[fd] != null) {
                openPipes++;
                pipes[fd].start(this::pipeClosed);
            }
        }
        process.onExit().whenComplete((p, e) -> exitedOnReaper());
    }

    private void pipeClosed() {
        openPipes--;
        tryFinish();
    }

    private void exitedOnReaper() {
        try {
            loop.callSoonThreadsafe(this::exitSeen);
        } catch (IllegalStateException closed) {
            for (PipeTransport t : pipes) {
                if (t != null) {
                    t.closeFromAnyThread();
                }
            }
            LOG.log(System.Logger.Level.WARNING, "process " + pid + " exited with status " + process.exitValue()
                    + " after its event loop was closed: its pipes were closed unread. Wait for child processes"
                    + " (waitFor() or communicate()) before the loop closes");
        }
    }

    private void exitSeen() {
        returncode = process.exitValue();
        state = State.EXITED;
        try {
            protocol.processExited();
        } catch (Throwable t) {
            loop.callExceptionHandler(ExceptionContext.of("protocol.processExited() failed for process " + pid, t));
        }
        tryFinish();
    }

    private void tryFinish() {
        if (state != State.EXITED || openPipes > 0) {
            return;
        }
        state = State.FINISHED;
        loop.callSoon(() -> {
            try {
                protocol.connectionLost(null);
            } catch (Throwable t) {
                loop.callExceptionHandler(ExceptionContext.of("protocol.connectionLost() failed for process " + pid, t));
            }
        });
    }

    /** The pipe transport of fd, or null; without the argument check. */
    PipeTransport pipe(int fd) {
        return pipes[fd];
    }

    /** Whether the loop has seen the exit. */
    boolean hasExited() {
        return state != State.RUNNING;
    }

    ProcessSpawner.PipeMode pipeMode() {
        return pipeMode;
    }

    ProcessHandle toHandle() {
        return process.toHandle();
    }

    @Override
    public long getPid() {
        return pid;
    }

    @Override
    public Integer getReturncode() {
        return returncode;
    }

    @Override
    public Transport getPipeTransport(int fd) {
        if (fd < 0 || fd > 2) {
            throw new IllegalArgumentException("a child has pipes 0 (stdin), 1 (stdout) and 2 (stderr), not " + fd);
        }
        return pipes[fd];
    }

    @Override
    public void sendSignal(int signal) throws IOException {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal must be a POSIX signal number in 1..64 (15 is TERM, 9 KILL), got "
                    + signal);
        }
        if (returncode != null || !process.isAlive()) {
            return;
        }
        switch (signal) {
            case 15 -> process.destroy();
            case 9 -> process.destroyForcibly();
            default -> new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        }
    }

    @Override
    public void terminate() {
        if (returncode == null) {
            process.destroy();
        }
    }

    @Override
    public void kill() {
        if (returncode == null) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        for (PipeTransport t : pipes) {
            if (t != null) {
                t.close();
            }
        }
        if (returncode == null && process.isAlive()) {
            if (loop.isDebug()) {
                LOG.log(System.Logger.Level.DEBUG, "closing the transport of running process " + pid + ": killing it");
            }
            process.destroyForcibly();
        }
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public String toString() {
        return "ProcessTransport[pid=" + pid + ", " + (returncode == null ? "running" : "exited " + returncode)
                + (closing ? ", closing" : "") + ", " + openPipes + " pipes open, pipes="
                + pipeMode.name().toLowerCase(Locale.ROOT) + "]";
    }
}
