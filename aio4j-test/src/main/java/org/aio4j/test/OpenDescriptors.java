package org.aio4j.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * For leak checks in tests: the process's open descriptors that matter for socket leaks (sockets,
 * pipes and anonymous inodes such as epoll and eventfd), from {@code /proc/self/fd}. Files are not
 * counted: class loading opens jars lazily. Count {@link #now()} before a test's work and
 * {@link #assertNoLeak(int)} after it. On systems without {@code /proc/self/fd} nothing is counted
 * and every check passes.
 *
 * <p>Loading the class opens, once, the descriptors the JDK keeps for the life of the process (the
 * channel "pre-close" socket and the virtual-thread poller's epoll), so that they do not appear as
 * the first test's leak. Any thread.
 */
public final class OpenDescriptors {
    private static final Path FDS = Path.of("/proc/self/fd");

    static {
        // The JDK opens one socket for the life of the process the first time a channel is closed
        // (the "pre-close" descriptor that async close dup2()s over a channel's fd). Open it now, so
        // the first test's count before and after sees the same JDK descriptors.
        try {
            java.nio.channels.SocketChannel.open().close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // The first blocking channel read on a virtual thread starts the JDK's virtual-thread poller,
        // whose epoll descriptors stay open for the life of the process: start it now too.
        PollerWarmup.run();
    }

    private OpenDescriptors() {
    }

    /** Whether /proc/self/fd exists (Linux); the checks pass trivially elsewhere. */
    public static boolean supported() {
        return Files.isDirectory(FDS);
    }

    /** The targets of the counted descriptors open now. */
    public static List<String> open() {
        List<String> out = new ArrayList<>();
        if (!supported()) {
            return out;
        }
        try (Stream<Path> s = Files.list(FDS)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                        out.add(p.getFileName() + " -> " + target);
                    }
                } catch (IOException gone) {
                    // closed while listing (the listing's own descriptor among them)
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** The number of counted descriptors open now. */
    public static int now() {
        return open().size();
    }

    /**
     * Asserts that no more descriptors are open than {@code before}, allowing a second for closes that
     * other threads finish (a default-executor thread, the JDK's cleaner).
     */
    public static void assertNoLeak(int before) {
        long end = System.nanoTime() + 2_000_000_000L;
        while (now() > before && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> open = open();
        if (open.size() > before) {
            throw new AssertionError("descriptors leaked: " + open.size() + " open, " + before + " before: " + open);
        }
    }

    /** Its own class: the blocking reader's lambda must not wait for OpenDescriptors' initialization. */
    private static final class PollerWarmup {
        static void run() {
            try {
                java.nio.channels.Pipe p = java.nio.channels.Pipe.open();
                try (var source = p.source(); var sink = p.sink()) {
                    Thread reader = Thread.ofVirtual().start(() -> { // blocks: the read parks on the poller
                        try {
                            source.read(java.nio.ByteBuffer.allocate(1));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    Thread.sleep(50);
                    sink.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                    reader.join();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
