package org.aio4j.net;

import java.io.Closeable;
import java.io.File;
import java.io.FileInputStream;
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
import java.util.concurrent.atomic.AtomicLong;
import org.aio4j.EventLoop;

/**
 * Starts a child process whose pipes this process can drive from its event loop's selector.
 *
 * <p>Any thread; {@link #spawn} is called on the loop thread.
 */
final class ProcessSpawner {
    /*
     * The JDK's Process streams are blocking FileInputStream/FileOutputStream wrappers that cannot
     * join a Selector, and read from a task's virtual thread they pin the loop thread. So, where /proc/self/fd exists (Linux), the child's pipes are not the JDK's at all:
     *
     *  1. Pipe.open() makes a java.nio pipe: on Linux a real pipe(2) whose ends are selectable
     *     channels. The JDK does not tell us the descriptor numbers, so they are found in
     *     /proc/self/fd, for all the pipes of one spawn at once: list the descriptor numbers (the
     *     listing held open meanwhile, since its own descriptor is the lowest free number, the one
     *     Pipe.open() would take), open the pipes, list again. The new numbers that point to a pipe
     *     (readlink "pipe:[inode]", only on the new numbers) come in pairs, one per pipe. To tell
     *     which pair is which pipe, and ours rather than a pipe another thread made meanwhile, pipe i
     *     gets i + 1 bytes written into it, and each pair's buffered byte count (FIONREAD, through
     *     FileInputStream.available() on /proc/self/fd/N) names its pipe; the bytes are read back
     *     out. The permission bits of the /proc/self/fd/N link say which of the two numbers is the
     *     read end (Linux sets them from the open mode). A pipe whose pair is incomplete (another
     *     thread closed a descriptor whose number ours then took) or ambiguous means: close them
     *     all and try again; after a few failed tries this process falls back to the threads below.
     *     All of this runs under one lock, so our own spawns never confuse each other.
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
     * Cost per spawn: one held directory read and one plain one of /proc/self/fd, and per pipe two
     * readlinks, an open and FIONREAD, two lstats, and the tag written and read back, all under a
     * process-wide lock: measured 0.24-0.63 ms for a spawn with two pipes on the 2-core benchmark
     * machine at load 8-10 (its parts, timed warm one by one, add up to about 0.12 ms), where
     * ProcessBuilder.start() itself takes 1.4-2 ms. (A first version listed /proc/self/fd
     * twice per pipe, readlinked every descriptor and read /proc/self/fdinfo: about 1 ms per pipe;
     * a second listed twice per pipe and readlinked the new numbers only: 0.14-0.3 ms per pipe.)
     * The fork and exec are ProcessBuilder.start(), on the loop thread (asyncio forks on its loop
     * thread too). No thread per pipe.
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
    /** For tests and diagnostics: how often the pipes could not be told apart and were made again. */
    static final AtomicLong RETRIES = new AtomicLong(); // before procFd: the probe may count
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
            ChildEnd[] c = openForChildren(new boolean[] {true, false});
            if (c == null) {
                return false;
            }
            for (ChildEnd e : c) {
                e.pipe.source().close();
                e.pipe.sink().close();
            }
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

    /**
     * New pipes, one per element of {@code childReads}, each with the number of the end its child
     * gets (the read end where {@code childReads[i]}, else the write end); null if they cannot be
     * told apart (see the implementation notes).
     */
    private static ChildEnd[] openForChildren(boolean[] childReads) throws IOException {
        int k = childReads.length;
        synchronized (LOCK) {
            for (int attempt = 0; attempt < TRIES; attempt++) {
                Pipe[] pipes = new Pipe[k];
                try {
                    Set<String> before = new HashSet<>();
                    Set<String> after;
                    // The listing's own descriptor is listed too, and is the lowest free number: the
                    // one Pipe.open() would take next. Held open until the pipes exist, it cannot be.
                    try (DirectoryStream<Path> held = Files.newDirectoryStream(FD_DIR)) {
                        for (Path fd : held) {
                            before.add(fd.getFileName().toString());
                        }
                        for (int i = 0; i < k; i++) {
                            pipes[i] = Pipe.open();
                        }
                        after = fdNames();
                    }
                    ChildEnd[] found = match(pipes, childReads, before, after);
                    if (found != null) {
                        return found;
                    }
                } catch (IOException | RuntimeException e) {
                    closePipes(pipes);
                    throw e;
                }
                closePipes(pipes); // another thread made or closed descriptors meanwhile: try again
                RETRIES.incrementAndGet();
            }
            return null;
        }
    }

    /**
     * Which new pair of descriptors is which of {@code pipes}: each pipe i gets i + 1 bytes written
     * into it, and each new pipe pair's byte count (FIONREAD, through {@link FileInputStream#available})
     * names its pipe. The bytes are read back out before this returns.
     */
    private static ChildEnd[] match(Pipe[] pipes, boolean[] childReads, Set<String> before, Set<String> after)
            throws IOException {
        Map<String, List<Integer>> byTarget = new HashMap<>();
        for (String name : after) {
            if (before.contains(name)) {
                continue;
            }
            String target = target(name);
            if (target != null && target.startsWith("pipe:")) {
                byTarget.computeIfAbsent(target, t -> new ArrayList<>(2)).add(Integer.parseInt(name));
            }
        }
        int k = pipes.length;
        for (int i = 0; i < k; i++) {
            ByteBuffer tag = ByteBuffer.allocate(i + 1);
            while (tag.hasRemaining()) {
                pipes[i].sink().write(tag); // a new, empty pipe in blocking mode: never waits
            }
        }
        try {
            ChildEnd[] out = new ChildEnd[k];
            for (List<Integer> pair : byTarget.values()) {
                if (pair.size() != 2) {
                    continue;
                }
                int a = pair.get(0);
                int b = pair.get(1);
                int n = available(a);
                if (n < 1 || n > k) {
                    continue; // not one of ours
                }
                int ma = accessMode(a);
                int mb = accessMode(b);
                if (out[n - 1] != null || !(ma == 0 && mb == 1 || ma == 1 && mb == 0)) {
                    return null; // two candidates, or not a read end and a write end: ambiguous
                }
                int read = ma == 0 ? a : b;
                int write = ma == 0 ? b : a;
                out[n - 1] = new ChildEnd(pipes[n - 1], childReads[n - 1] ? read : write);
            }
            for (ChildEnd e : out) {
                if (e == null) {
                    return null;
                }
            }
            return out;
        } finally {
            for (int i = 0; i < k; i++) {
                ByteBuffer back = ByteBuffer.allocate(i + 1);
                while (back.hasRemaining()) {
                    pipes[i].source().read(back); // the tag is there: never waits
                }
            }
        }
    }

    /** The bytes buffered in the pipe descriptor {@code fd} points to, or -1 if it cannot be opened. */
    private static int available(int fd) {
        try (FileInputStream in = new FileInputStream("/proc/self/fd/" + fd)) {
            return in.available();
        } catch (IOException gone) {
            return -1;
        }
    }

    private static void closePipes(Pipe[] pipes) {
        for (Pipe p : pipes) {
            if (p != null) {
                closeQuietly(p.source());
                closeQuietly(p.sink());
            }
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
        Redirect[] how = {in, out, err};
        Pipe[] pipes = new Pipe[3];      // by fd, where PIPE
        ChildEnd[] ends = new ChildEnd[3]; // selector mode: the child's end of each
        List<Closeable> opened = new ArrayList<>(); // closed on failure
        try {
            int k = 0;
            for (Redirect r : how) {
                k += r == Redirect.PIPE ? 1 : 0;
            }
            if (selector && k > 0) {
                boolean[] childReads = new boolean[k];
                int[] fds = new int[k];
                for (int fd = 0, i = 0; fd < 3; fd++) {
                    if (how[fd] == Redirect.PIPE) {
                        fds[i] = fd;
                        childReads[i++] = fd == 0;
                    }
                }
                ChildEnd[] found = openForChildren(childReads);
                if (found == null) {
                    return null;
                }
                for (int i = 0; i < k; i++) {
                    ends[fds[i]] = found[i];
                    pipes[fds[i]] = track(found[i].pipe, opened);
                }
            } else {
                for (int fd = 0; fd < 3; fd++) {
                    if (how[fd] == Redirect.PIPE) {
                        pipes[fd] = track(Pipe.open(), opened);
                    }
                }
            }
            pb.redirectInput(in == Redirect.PIPE ? (selector ? ProcessBuilder.Redirect.from(ends[0].file()) : ProcessBuilder.Redirect.PIPE)
                    : in == Redirect.DEVNULL ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.INHERIT);
            pb.redirectOutput(output(out, selector, ends[1]));
            if (err == Redirect.STDOUT) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(output(err, selector, ends[2]));
            }
            Process process = start(pb, command);
            if (selector) { // the child has its ends now; ours are the other ones
                closeQuietly(pipes[0] == null ? null : pipes[0].source());
                closeQuietly(pipes[1] == null ? null : pipes[1].sink());
                closeQuietly(pipes[2] == null ? null : pipes[2].sink());
            } else {
                try {
                    if (pipes[0] != null) {
                        pumpToChild(loop, pipes[0].source(), process.getOutputStream());
                    }
                    if (pipes[1] != null) {
                        pumpFromChild(loop, process.getInputStream(), pipes[1].sink());
                    }
                    if (pipes[2] != null) {
                        pumpFromChild(loop, process.getErrorStream(), pipes[2].sink());
                    }
                } catch (RuntimeException e) { // the default executor was shut down: nobody would pump
                    process.destroyForcibly();
                    throw e;
                }
            }
            return new Spawned(process, selector ? PipeMode.SELECTOR : PipeMode.THREADS,
                    pipes[0] == null ? null : pipes[0].sink(),
                    pipes[1] == null ? null : pipes[1].source(),
                    pipes[2] == null ? null : pipes[2].source());
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static ProcessBuilder.Redirect output(Redirect r, boolean selector, ChildEnd end) {
        if (r == Redirect.PIPE) {
            return selector ? ProcessBuilder.Redirect.to(end.file()) : ProcessBuilder.Redirect.PIPE;
        }
        return r == Redirect.DEVNULL ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.INHERIT;
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
