package org.aio4j.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.aio4j.EventLoop;
import org.aio4j.lowlevel.Lowlevel;

/**
 * Child processes with their pipes on the event loop: asyncio's {@code create_subprocess_exec} and
 * {@code create_subprocess_shell} (streams: {@link Subprocess}), and {@code loop.subprocess_exec} and
 * {@code subprocess_shell} (a {@link SubprocessProtocol} with a {@link SubprocessTransport}).
 *
 * <pre>{@code
 * Subprocess p = Subprocesses.createSubprocessExec(List.of("ls", "-l"), Redirect.DEVNULL, Redirect.PIPE, Redirect.INHERIT);
 * for (byte[] line : p.stdout().lines()) { ... }
 * int status = p.waitFor();
 * }</pre>
 *
 * <h2>Contract</h2>
 * Every method runs in a coroutine on the loop and returns once the child is started (it does not
 * wait for it); the child's pipes belong to that loop. {@code stdin}, {@code stdout} and
 * {@code stderr} say where each stream goes ({@link Redirect}; {@link Redirect#STDOUT} only for
 * stderr). The program is looked up on the {@code PATH} as {@link ProcessBuilder} does. Starting the
 * child (fork and exec) happens on the loop thread, as in asyncio: about a millisecond.
 *
 * <h2>How the pipes are driven</h2>
 * On Linux each pipe is a real pipe whose end in this process is a non-blocking channel on the loop's
 * selector, like a socket: no thread per pipe and none per process beyond the JDK's own reaper thread
 * that waits for the child's exit. Where that is not possible ({@code /proc/self/fd} missing, as on
 * macOS), each piped stream is pumped by a thread of the loop's default executor instead; the API
 * and its behaviour are the same. {@code docs/subprocess.md} explains both and their costs.
 *
 * <h2>Errors</h2>
 * A program that does not exist throws {@link java.io.FileNotFoundException} naming it (asyncio's
 * {@code FileNotFoundError}); any other failure to start throws {@link IOException}. Either way
 * nothing stays open.
 */
public final class Subprocesses {
    private Subprocesses() {
    }

    /** {@link #createSubprocessExec(List, Redirect, Redirect, Redirect, SubprocessOptions)} with every stream inherited. */
    public static Subprocess createSubprocessExec(String program, String... args) throws IOException {
        List<String> command = new ArrayList<>(1 + args.length);
        command.add(program);
        command.addAll(List.of(args));
        return createSubprocessExec(command, Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT, SubprocessOptions.DEFAULT);
    }

    /** {@link #createSubprocessExec(List, Redirect, Redirect, Redirect, SubprocessOptions)} with the default options. */
    public static Subprocess createSubprocessExec(List<String> command, Redirect stdin, Redirect stdout, Redirect stderr)
            throws IOException {
        return createSubprocessExec(command, stdin, stdout, stderr, SubprocessOptions.DEFAULT);
    }

    /**
     * Starts {@code command} (the program, then its arguments, passed as they are: no shell).
     *
     * @throws IllegalArgumentException   if {@code command} is empty, or {@code stdin} or {@code stdout} is
     *                                    {@link Redirect#STDOUT}
     * @throws java.io.FileNotFoundException if the program does not exist
     * @throws IOException                if it cannot be started
     * @throws IllegalStateException      outside a coroutine
     */
    public static Subprocess createSubprocessExec(List<String> command, Redirect stdin, Redirect stdout, Redirect stderr,
                                                  SubprocessOptions options) throws IOException {
        checkArguments(command, stdin, stdout, stderr, options);
        EventLoop loop = loopOf("createSubprocessExec");
        ProcessSpawner.Spawned s = ProcessSpawner.spawn(loop, List.copyOf(command), stdin, stdout, stderr, options);
        return new Subprocess(loop, s, options.limit());
    }

    /** {@link #createSubprocessShell(String, Redirect, Redirect, Redirect, SubprocessOptions)} with every stream inherited. */
    public static Subprocess createSubprocessShell(String cmd) throws IOException {
        return createSubprocessShell(cmd, Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT, SubprocessOptions.DEFAULT);
    }

    /** {@link #createSubprocessShell(String, Redirect, Redirect, Redirect, SubprocessOptions)} with the default options. */
    public static Subprocess createSubprocessShell(String cmd, Redirect stdin, Redirect stdout, Redirect stderr)
            throws IOException {
        return createSubprocessShell(cmd, stdin, stdout, stderr, SubprocessOptions.DEFAULT);
    }

    /**
     * Runs {@code cmd} with {@code /bin/sh -c} (asyncio's {@code create_subprocess_shell}). Quoting is
     * the caller's business: never paste untrusted text into {@code cmd}. {@link Subprocess#pid()} is
     * the shell's.
     *
     * @throws IllegalArgumentException as {@link #createSubprocessExec(List, Redirect, Redirect, Redirect, SubprocessOptions)}
     * @throws IOException              if the shell cannot be started (a missing command is the shell's
     *                                  exit status 127, not an exception)
     * @throws IllegalStateException    outside a coroutine
     */
    public static Subprocess createSubprocessShell(String cmd, Redirect stdin, Redirect stdout, Redirect stderr,
                                                   SubprocessOptions options) throws IOException {
        Objects.requireNonNull(cmd, "cmd");
        return createSubprocessExec(List.of("/bin/sh", "-c", cmd), stdin, stdout, stderr, options);
    }

    /**
     * Starts {@code command} (as {@link #createSubprocessExec(List, Redirect, Redirect, Redirect,
     * SubprocessOptions)}) with a protocol instead of streams (asyncio's {@code loop.subprocess_exec}):
     * makes the protocol, calls its {@code connectionMade}, then starts the pipes, so every other
     * callback comes later, from the loop. {@code options.limit()} does not apply (nothing is
     * buffered: data goes to {@code pipeDataReceived} as it is read).
     *
     * @throws IllegalArgumentException   as createSubprocessExec
     * @throws java.io.FileNotFoundException if the program does not exist
     * @throws IOException                if it cannot be started
     * @throws IllegalStateException      outside a coroutine
     * @throws RuntimeException           what {@code connectionMade} threw (the child is then killed)
     */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessExec(Supplier<P> protocolFactory,
            List<String> command, Redirect stdin, Redirect stdout, Redirect stderr, SubprocessOptions options)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        checkArguments(command, stdin, stdout, stderr, options);
        EventLoop loop = loopOf("subprocessExec");
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        ProcessSpawner.Spawned s = ProcessSpawner.spawn(loop, List.copyOf(command), stdin, stdout, stderr, options);
        ProcessTransport t = new ProcessTransport(loop, s, protocol, null);
        try {
            protocol.connectionMade(t);
        } catch (RuntimeException | Error e) {
            t.start(); // so that the pipes are closed and the exit is reaped as usual
            t.close();
            throw e;
        }
        t.start();
        return new SubprocessConnection<>(t, protocol);
    }

    /** {@link #subprocessExec} of {@code /bin/sh -c cmd} (asyncio's {@code loop.subprocess_shell}). */
    public static <P extends SubprocessProtocol> SubprocessConnection<P> subprocessShell(Supplier<P> protocolFactory,
            String cmd, Redirect stdin, Redirect stdout, Redirect stderr, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(cmd, "cmd");
        return subprocessExec(protocolFactory, List.of("/bin/sh", "-c", cmd), stdin, stdout, stderr, options);
    }

    private static void checkArguments(List<String> command, Redirect stdin, Redirect stdout, Redirect stderr,
                                       SubprocessOptions options) {
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command is empty; pass the program and its arguments");
        }
        for (String s : command) {
            Objects.requireNonNull(s, "an element of the command is null");
        }
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(options, "options");
        if (stdin == Redirect.STDOUT || stdout == Redirect.STDOUT) {
            throw new IllegalArgumentException("Redirect.STDOUT is only for stderr (it sends stderr where stdout goes);"
                    + " got stdin=" + stdin + ", stdout=" + stdout);
        }
    }

    private static EventLoop loopOf(String what) {
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("Subprocesses." + what + "() must be called inside a coroutine on the event loop"
                    + " (the child's pipes belong to it); start one with Aio.run(Aio.async(...))");
        }
        return Lowlevel.currentLoop().orElseThrow();
    }
}
