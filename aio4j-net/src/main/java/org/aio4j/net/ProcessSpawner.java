package org.aio4j.net;

import java.io.Closeable;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.aio4j.EventLoop;

/**
 * Starts a child process whose pipes this process can drive from its event loop's selector.
 *
 * <p>Any thread; {@link #spawn} is called on the loop thread.
 */
final class ProcessSpawner {
    /*
     * The JDK's Process streams are blocking FileInputStream/FileOutputStream wrappers that cannot
     * join a Selector, and read from a task's virtual thread they pin the loop thread (NET-PITFALLS
     * P1). So, where /proc/self/fd exists (Linux), the child's pipes are not the JDK's at all:
     *
     *  1. Pipe.open() makes a java.nio pipe: on Linux a real pipe(2) whose ends are selectable
     *     channels. The JDK does not tell us the descriptor numbers, so they are found by listing
     *     /proc/self/fd before and after Pipe.open(): of the numbers that are new, exactly two must
     *     point to one "pipe:[inode]" (readlink, only on the new numbers). A pipe keeps its inode
     *     while it is open, so that pair is ours unless another thread made a pipe in between (two
     *     pairs), or closed a descriptor whose number ours then took (no pair): then we close ours
     *     and try again, and after a few failed tries this process falls back to the threads below.
     *     The permission bits of the /proc/self/fd/N link say which of the two is the read end
     *     (Linux sets them from the open mode). All of this runs under one lock, so our own spawns
     *     never confuse each other.
     *  2. The child's end is handed to ProcessBuilder as a redirect file, /proc/self/fd/N: the JDK
     *     opens redirect files in this process before it forks (Redirect.from for stdin, Redirect.to
     *     for stdout/stderr), and Linux opens a pipe through /proc in either direction (a new open
     *     file description, so the child's end is blocking while ours is non-blocking). The JDK then
     *     passes the opened descriptor to the child as fd 0, 1 or 2 and closes the other descriptors
     *     in the child, so our ends do not leak into children.
     *  3. After start() we close our copy of the child's end (the JDK closed its own), so the child
     *     holds the only one: its exit (or close) gives us end of file, and our close gives it EPIPE.
     *     Our end goes to a PipeTransport on the loop's selector, like a socket.
     *
     * Cost per spawn: per pipe, two directory reads of /proc/self/fd, two readlinks and two lstats,
     * under a process-wide lock: measured 0.14 ms per pipe on the busy 2-core benchmark machine,
     * where ProcessBuilder.start() itself takes 1.5-2 ms (a first version that readlinked every
     * descriptor and read /proc/self/fdinfo took about 1 ms per pipe). The fork and exec are
     * ProcessBuilder.start(), on the loop thread (asyncio forks on its loop thread too). No thread
     * per pipe.
     *
     * Fallback (no /proc/self/fd, the probe failed, or forceThreads for tests): the JDK's own pipes
     * (Redirect.PIPE), each bridged to a java.nio pipe by a pump on a thread of the loop's default
     * executor that blocks in the JDK stream and in the nio pipe: one thread and one extra copy per
     * piped stream. The loop side is the same PipeTransport. Backpressure holds: a pump blocked on a
     * full nio pipe stops reading the child's pipe; closing our end makes the pump's next write fail,
     * and it closes the JDK stream, so the child sees EOF or EPIPE.
     */

    /** How a child's pipes reach the loop. */
    enum PipeMode { SELECTOR, THREADS }

    /** The parent's ends of the child's pipes (null where not PIPE), and how they are driven. */
    record Spawned(Process process, PipeMode mode, Pipe.SinkChannel stdin, Pipe.SourceChannel stdout,
                   Pipe.SourceChannel stderr) {
    }

    /** For tests: use the threaded fallback even where /proc/self/fd works. */
    static volatile boolean forceThreads = Boolean.getBoolean("aio4j.subprocess.threadPipes");

    private static final System.Logger LOG = System.getLogger("org.aio4j.net");
    private static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final int TRIES = 8;
    private static final Object LOCK = new Object();
    private static volatile boolean procFd = probe();

    private ProcessSpawner() {
    }

    /** The mode the next spawn would use. */
    static PipeMode mode() {
        return procFd && !forceThreads ? PipeMode.SELECTOR : PipeMode.THREADS;
    }

    private static boolean probe() {
        if (!Files.isDirectory(FD_DIR)) {
            return false;
        }
        try {
            ChildEnd c = openForChild(true);
            if (c == null) {
                return false;
            }
            c.pipe.source().close();
            c.pipe.sink().close();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "/proc/self/fd probe failed; subprocess pipes use threads", e);
            return false;
        }
    }

    /** A nio pipe and the descriptor number of the end the child gets. */
    private record ChildEnd(Pipe pipe, int fd) {
        File file() {
            return new File("/proc/self/fd/" + fd);
        }
    }

    /** A new pipe with the number of its read end ({@code childReads}) or write end; null if it cannot be told. */
    private static ChildEnd openForChild(boolean childReads) throws IOException {
        synchronized (LOCK) {
            for (int attempt = 0; attempt < TRIES; attempt++) {
                Set<String> before = new HashSet<>();
                Pipe p;
                // The listing's own descriptor is listed too, and is the lowest free number: the one
                // Pipe.open() would take next. Held open until the pipe exists, it cannot be.
                try (DirectoryStream<Path> held = Files.newDirectoryStream(FD_DIR)) {
                    for (Path fd : held) {
                        before.add(fd.getFileName().toString());
                    }
                    p = Pipe.open();
                }
                try {
                    Map<String, List<Integer>> byTarget = new HashMap<>();
                    for (String name : fdNames()) {
                        if (before.contains(name)) {
                            continue;
                        }
                        String target = target(name);
                        if (target != null && target.startsWith("pipe:")) {
                            byTarget.computeIfAbsent(target, k -> new ArrayList<>(2)).add(Integer.parseInt(name));
                        }
                    }
                    List<List<Integer>> pairs = byTarget.values().stream().filter(l -> l.size() == 2).toList();
                    if (pairs.size() == 1) {
                        int a = pairs.get(0).get(0);
                        int b = pairs.get(0).get(1);
                        int ma = accessMode(a);
                        int mb = accessMode(b);
                        if (ma == 0 && mb == 1 || ma == 1 && mb == 0) {
                            int read = ma == 0 ? a : b;
                            int write = ma == 0 ? b : a;
                            return new ChildEnd(p, childReads ? read : write);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    closeQuietly(p.source());
                    closeQuietly(p.sink());
                    throw e;
                }
                closeQuietly(p.source()); // another thread made or closed descriptors meanwhile: try again
                closeQuietly(p.sink());
            }
            return null;
        }
    }

    /**
     * The numbers of the open descriptors, as names (one directory read, no readlink: the listing
     * is what every spawn pays twice per pipe, so it must be cheap).
     */
    private static Set<String> fdNames() throws IOException {
        String[] names = FD_DIR.toFile().list();
        if (names == null) {
            throw new IOException("cannot list " + FD_DIR);
        }
        return new HashSet<>(Arrays.asList(names));
    }

    /** What descriptor {@code name} points to ("pipe:[inode]"), or null if it was closed meanwhile. */
    private static String target(String name) {
        try {
            return Files.readSymbolicLink(FD_DIR.resolve(name)).toString();
        } catch (IOException gone) {
            return null;
        }
    }

    /**
     * The access mode of descriptor {@code fd}: 0 read-only, 1 write-only, -1 other. Linux gives each
     * /proc/self/fd entry the permission bits of its open mode (r-x for reading, -wx for writing);
     * one lstat, where /proc/self/fdinfo (which also has it) costs tens of microseconds to read.
     */
    private static int accessMode(int fd) throws IOException {
        Set<PosixFilePermission> perms = Files.readAttributes(FD_DIR.resolve(Integer.toString(fd)),
                PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions();
        boolean r = perms.contains(PosixFilePermission.OWNER_READ);
        boolean w = perms.contains(PosixFilePermission.OWNER_WRITE);
        return r && !w ? 0 : w && !r ? 1 : -1;
    }

    /**
     * Starts {@code command}. On failure everything opened is closed again.
     *
     * @throws FileNotFoundException if the program does not exist (the message names it)
     * @throws IOException           if it cannot be started for another reason
     */
    static Spawned spawn(EventLoop loop, List<String> command, Redirect in, Redirect out, Redirect err,
                         SubprocessOptions options) throws IOException {
        PipeMode mode = mode();
        if (mode == PipeMode.SELECTOR) {
            Spawned s = trySpawn(loop, command, in, out, err, options, true);
            if (s != null) {
                return s;
            }
            LOG.log(System.Logger.Level.WARNING, "could not tell our pipes' descriptors apart in /proc/self/fd after "
                    + TRIES + " tries (other threads kept making pipes): subprocess pipes use threads from now on");
            procFd = false;
        }
        return trySpawn(loop, command, in, out, err, options, false);
    }

    private static Spawned trySpawn(EventLoop loop, List<String> command, Redirect in, Redirect out, Redirect err,
                                    SubprocessOptions options, boolean selector) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (options.cwd() != null) {
            pb.directory(options.cwd().toFile());
        }
        if (options.env() != null) {
            pb.environment().clear();
            pb.environment().putAll(options.env());
        }
        List<Closeable> childEnds = new ArrayList<>(); // ours to close after start (selector mode)
        List<Closeable> opened = new ArrayList<>();    // everything, closed on failure
        Pipe.SinkChannel stdin = null;
        Pipe.SourceChannel stdout = null;
        Pipe.SourceChannel stderr = null;
        Pipe inPipe = null;
        Pipe outPipe = null;
        Pipe errPipe = null;
        try {
            if (in == Redirect.PIPE) {
                if (selector) {
                    ChildEnd c = openForChild(true);
                    if (c == null) {
                        return null;
                    }
                    track(c.pipe, opened);
                    pb.redirectInput(ProcessBuilder.Redirect.from(c.file()));
                    childEnds.add(c.pipe.source());
                    stdin = c.pipe.sink();
                } else {
                    inPipe = track(Pipe.open(), opened);
                    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
                    stdin = inPipe.sink();
                }
            } else {
                pb.redirectInput(in == Redirect.DEVNULL ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                        : ProcessBuilder.Redirect.INHERIT);
            }
            Pipe.SourceChannel[] got = new Pipe.SourceChannel[1];
            Pipe[] thread = new Pipe[1];
            if (!redirectOutput(pb, out, selector, childEnds, opened, got, thread, true)) {
                closeAll(opened);
                return null;
            }
            stdout = got[0];
            outPipe = thread[0];
            if (err == Redirect.STDOUT) {
                pb.redirectErrorStream(true);
            } else {
                got[0] = null;
                thread[0] = null;
                if (!redirectOutput(pb, err, selector, childEnds, opened, got, thread, false)) {
                    closeAll(opened);
                    return null;
                }
                stderr = got[0];
                errPipe = thread[0];
            }
            Process process = start(pb, command);
            closeAll(childEnds);
            if (!selector) {
                try {
                    if (inPipe != null) {
                        pumpToChild(loop, inPipe.source(), process.getOutputStream());
                    }
                    if (outPipe != null) {
                        pumpFromChild(loop, process.getInputStream(), outPipe.sink());
                    }
                    if (errPipe != null) {
                        pumpFromChild(loop, process.getErrorStream(), errPipe.sink());
                    }
                } catch (RuntimeException e) { // the default executor was shut down: nobody would pump
                    process.destroyForcibly();
                    throw e;
                }
            }
            return new Spawned(process, selector ? PipeMode.SELECTOR : PipeMode.THREADS, stdin, stdout, stderr);
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static boolean redirectOutput(ProcessBuilder pb, Redirect r, boolean selector, List<Closeable> childEnds,
                                          List<Closeable> opened, Pipe.SourceChannel[] ours, Pipe[] threadPipe,
                                          boolean isStdout) throws IOException {
        ProcessBuilder.Redirect to;
        if (r == Redirect.PIPE) {
            if (selector) {
                ChildEnd c = openForChild(false);
                if (c == null) {
                    return false;
                }
                track(c.pipe, opened);
                to = ProcessBuilder.Redirect.to(c.file());
                childEnds.add(c.pipe.sink());
                ours[0] = c.pipe.source();
            } else {
                Pipe p = track(Pipe.open(), opened);
                to = ProcessBuilder.Redirect.PIPE;
                ours[0] = p.source();
                threadPipe[0] = p;
            }
        } else {
            to = r == Redirect.DEVNULL ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT;
        }
        if (isStdout) {
            pb.redirectOutput(to);
        } else {
            pb.redirectError(to);
        }
        return true;
    }

    private static Pipe track(Pipe p, List<Closeable> opened) {
        opened.add(p.source());
        opened.add(p.sink());
        return p;
    }

    private static Process start(ProcessBuilder pb, List<String> command) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("error=2,") || msg.contains("No such file")) {
                FileNotFoundException f = new FileNotFoundException("cannot run program \"" + command.get(0) + "\""
                        + (pb.directory() != null ? " (in directory " + pb.directory() + ")" : "")
                        + ": no such file or directory; check its name, the PATH and the working directory");
                f.initCause(e);
                throw f;
            }
            throw new IOException("cannot run program \"" + command.get(0) + "\": " + msg, e);
        }
    }

    // ================================================================ the threaded fallback

    private static void pumpFromChild(EventLoop loop, InputStream from, Pipe.SinkChannel to) {
        loop.runInExecutor(null, () -> {
            try (from; to) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = from.read(buf)) > 0) {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        to.write(b); // blocks while the loop's side is full: backpressure on the child
                    }
                }
            } catch (IOException e) {
                // our end was closed (the reader is gone) or the child's pipe failed: closing both
                // (try-with-resources) tells the other side
            }
            return null;
        });
    }

    private static void pumpToChild(EventLoop loop, Pipe.SourceChannel from, OutputStream to) {
        loop.runInExecutor(null, () -> {
            try (from; to) {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                while (from.read(b) >= 0) {
                    to.write(b.array(), 0, b.position());
                    to.flush(); // the JDK's stream is buffered
                    b.clear();
                }
            } catch (IOException e) {
                // the child closed its stdin or exited: closing our source makes the loop's next write fail
            }
            return null;
        });
    }

    static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private static void closeAll(List<Closeable> cs) {
        for (Closeable c : cs) {
            closeQuietly(c);
        }
    }
}
