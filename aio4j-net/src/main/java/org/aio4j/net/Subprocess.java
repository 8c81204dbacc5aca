package org.aio4j.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.lowlevel.Lowlevel;
import org.aio4j.lowlevel.ParkingLot;

/**
 * A running (or finished) child process started by {@link Subprocesses} (asyncio's
 * {@code asyncio.subprocess.Process}), with its piped streams on the event loop.
 *
 * <pre>{@code
 * Subprocess p = Subprocesses.createSubprocessExec(List.of("sort"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
 * ProcessOutput out = p.communicate("b\na\n".getBytes(UTF_8));   // "a\nb\n", exit status 0
 * }</pre>
 *
 * <h2>Streams</h2>
 * {@link #stdin()} is a {@link StreamWriter} when stdin was {@link Redirect#PIPE} (null otherwise);
 * {@link #stdout()} and {@link #stderr()} are {@link StreamReader}s when those were {@code PIPE}. Each
 * pipe is driven by the loop's selector like a socket (on Linux; see {@link Subprocesses} for the
 * fallback elsewhere). A reader stops taking the child's output when it holds more than twice its
 * limit, so a child that writes more than that plus the pipe's buffer (64 KiB on Linux) blocks until
 * somebody reads: read the output, or use {@link #communicate}, which reads everything.
 *
 * <h2>Exit</h2>
 * {@link #waitFor()} waits for the child's exit only, not for its pipes to reach end of file (a
 * grandchild that keeps stdout open does not hold it up), and returns the exit status, also
 * afterwards from {@link #returncode()}. As in asyncio, waiting for the exit of a child that is
 * itself blocked writing to a full pipe nobody reads waits forever: use {@code communicate}. When the
 * child exits its stdin pipe is closed (nothing can read it any more). Cancelling a task that waits
 * does not affect the child: it runs on and is reaped when it exits (no zombie).
 *
 * <h2>Exit status</h2>
 * The JDK's: the exit code, or 128 + N for a child killed by signal N (asyncio reports -N; the JDK
 * does not tell the two cases apart, so neither can this).
 *
 * <h2>Broken pipes</h2>
 * Writing to a child that exited or closed its stdin loses the stdin pipe: {@link StreamWriter#drain}
 * then throws {@link ConnectionResetError} whose cause says the child closed the pipe.
 * {@code communicate} ignores that, as asyncio's does, and still returns the output and status.
 *
 * <h2>Threads</h2>
 * Loop thread only: the waiting methods in a coroutine of the loop that started the process, the rest
 * anywhere on that loop's thread.
 */
public final class Subprocess {
    /*
     * A thin layer over ProcessTransport (the pipes, the exit, the signals; its implementation notes
     * say how the pipes are loop-driven and what that costs), as asyncio's Process sits on its
     * SubprocessStreamProtocol: the piped streams get StreamReaderProtocols of their own, so a
     * reader pauses and resumes its pipe exactly as a socket's reader does, and stdin's writer
     * drains like a socket's. What this class adds is the exit waiters (a ParkingLot woken by
     * processExited) and one choice of its own: stdin is closed as soon as the child exits (asyncio
     * closes it once the exit and the output pipes' ends have all been seen).
     */

    private static final System.Logger LOG = System.getLogger("org.aio4j.net");

    // loop thread only
    private final EventLoop loop;
    private final ProcessTransport transport;
    private final StreamWriter stdin;
    private final StreamReader stdout;
    private final StreamReader stderr;
    private final ParkingLot exitWaiters = new ParkingLot();

    Subprocess(EventLoop loop, ProcessSpawner.Spawned s, int limit) throws IOException {
        this.loop = loop;
        StreamReaderProtocol[] protocols = new StreamReaderProtocol[3];
        StreamReader[] readers = new StreamReader[3];
        for (int fd = 0; fd < 3; fd++) {
            readers[fd] = new StreamReader(fd == 0 ? StreamReader.DEFAULT_LIMIT : limit);
            protocols[fd] = new StreamReaderProtocol(loop, readers[fd], null);
        }
        this.transport = new ProcessTransport(loop, s, new SubprocessProtocol() {
            @Override
            public void processExited() {
                exited();
            }
        }, fd -> protocols[fd]);
        PipeTransport in = transport.pipe(0);
        stdin = in == null ? null : new StreamWriter(in, protocols[0], null);
        stdout = transport.pipe(1) == null ? null : readers[1];
        stderr = transport.pipe(2) == null ? null : readers[2];
        transport.start();
    }

    private void exited() {
        exitWaiters.wakeAll();
        PipeTransport in = transport.pipe(0);
        if (in != null) {
            in.close(); // queued bytes are tried (a grandchild may read them), then the pipe closes
        }
    }

    /** The child's stdin as a writer, or null unless stdin was {@link Redirect#PIPE}. */
    public StreamWriter stdin() {
        return stdin;
    }

    /** The child's stdout as a reader, or null unless stdout was {@link Redirect#PIPE}. */
    public StreamReader stdout() {
        return stdout;
    }

    /** The child's stderr as a reader, or null unless stderr was {@link Redirect#PIPE}. */
    public StreamReader stderr() {
        return stderr;
    }

    /** The child's process id. Any thread. */
    public long pid() {
        return transport.getPid();
    }

    /** The exit status once the loop has seen the exit, or null while the child runs (see the class documentation). */
    public Integer returncode() {
        return transport.getReturncode();
    }

    /** The JDK's handle of the child (for {@code info()}, {@code descendants()}). Any thread. */
    public ProcessHandle toHandle() {
        return transport.toHandle();
    }

    /**
     * Waits until the child exits and returns its exit status (asyncio's {@code wait()}; named after
     * {@link Process#waitFor()} because {@code Object.wait()} is final). Returns at once if it has
     * exited. Waits for the exit only, not for the pipes (see the class documentation, also for the
     * full-pipe deadlock this shares with asyncio). Cancelling the waiting task leaves the child
     * running; it is reaped when it exits.
     *
     * @throws org.aio4j.CancelledError if the task is cancelled while waiting
     * @throws IllegalStateException    outside a coroutine of this process's loop
     */
    public int waitFor() {
        checkLoop("waitFor");
        if (!transport.hasExited()) {
            exitWaiters.park(ParkingLot.NOTHING);
        }
        return transport.getReturncode();
    }

    /**
     * Sends {@code input} (if not null) to stdin and closes it, reads stdout and stderr to their end
     * of file at the same time, and waits for the exit; returns what was read and the exit status
     * (asyncio's {@code communicate}). Reading and writing concurrently is what avoids the deadlock of
     * a child that fills one pipe while we write another. A child that exits or closes stdin before
     * taking all the input is not an error (the rest is dropped). Everything read is held in memory.
     * Cancelling it cancels the reads and writes it started (the child runs on; what it read is gone
     * from the readers).
     *
     * @throws IllegalStateException    if {@code input} is not null and stdin is not {@link Redirect#PIPE}
     *                                  (asyncio ignores the input), or outside a coroutine of this loop
     * @throws IOException              if reading stdout or stderr failed
     * @throws org.aio4j.CancelledError if the task is cancelled
     */
    public ProcessOutput communicate(byte[] input) throws IOException {
        checkLoop("communicate");
        if (input != null && stdin == null) {
            throw new IllegalStateException("communicate(input) needs the child's stdin to be Redirect.PIPE;"
                    + " start it with stdin=PIPE, or pass null");
        }
        List<Task<?>> started = new ArrayList<>(3);
        try {
            Task<Void> feeder = null;
            if (stdin != null) {
                feeder = loop.createTask(Aio.async(() -> feed(input)), "communicate: stdin of " + pid());
                started.add(feeder);
            }
            Task<byte[]> out = readAll(stdout, "stdout", started);
            Task<byte[]> err = readAll(stderr, "stderr", started);
            if (feeder != null) {
                Aio.await(feeder);
            }
            byte[] o = out == null ? null : Aio.await(out);
            byte[] e = err == null ? null : Aio.await(err);
            return new ProcessOutput(o, e, waitFor());
        } finally {
            for (Task<?> t : started) {
                t.cancel();
            }
        }
    }

    /** {@link #communicate(byte[])} with no input. */
    public ProcessOutput communicate() throws IOException {
        return communicate(null);
    }

    private Task<byte[]> readAll(StreamReader r, String which, List<Task<?>> started) {
        if (r == null) {
            return null;
        }
        Task<byte[]> t = loop.createTask(Aio.async(() -> r.read(-1)), "communicate: " + which + " of " + pid());
        started.add(t);
        return t;
    }

    private void feed(byte[] input) {
        try {
            if (input != null && input.length > 0) {
                stdin.write(input);
                stdin.drain();
            }
        } catch (IOException | IllegalStateException e) {
            // the child exited or closed its stdin first (BrokenPipe / ConnectionReset in asyncio): ignored, as there
            if (loop.isDebug()) {
                LOG.log(System.Logger.Level.DEBUG, "communicate: process " + pid() + " did not take all its input", e);
            }
        }
        stdin.close();
    }

    /**
     * Sends signal {@code signal} (a POSIX number: 15 TERM, 9 KILL, 1 HUP, 2 INT, ...) to the child;
     * nothing once the child has exited. TERM and KILL go through the JDK ({@link Process#destroy()},
     * {@link Process#destroyForcibly()}); other signals through the system's {@code kill} command,
     * started but not awaited, so they arrive a moment later (a spawn, about a millisecond).
     *
     * @throws IllegalArgumentException if {@code signal} is not in 1..64
     * @throws IOException              if the {@code kill} command cannot be started
     */
    public void sendSignal(int signal) throws IOException {
        transport.sendSignal(signal);
    }

    /** Sends SIGTERM ({@link Process#destroy()}); nothing once the child has exited. */
    public void terminate() {
        transport.terminate();
    }

    /** Sends SIGKILL ({@link Process#destroyForcibly()}); nothing once the child has exited. */
    public void kill() {
        transport.kill();
    }

    /** Package-private for tests: how the pipes reach the loop. */
    ProcessSpawner.PipeMode pipeMode() {
        return transport.pipeMode();
    }

    private void checkLoop(String method) {
        if (Lowlevel.currentTask().isEmpty() || Lowlevel.currentLoop().orElse(null) != loop) {
            throw new IllegalStateException("Subprocess." + method + "() must be called in a coroutine of the event loop"
                    + " that started process " + pid());
        }
    }

    @Override
    public String toString() {
        return "Subprocess[" + transport + "]";
    }
}
