package org.aio4j.net;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The life of a Unix socket's file: a stale file is removed before binding only
 * if it is a socket nobody answers on; on close only the file this server made (same file key:
 * device and inode) is removed, never one another process bound since.
 */
final class UnixPaths {
    /** sun_path is 108 bytes on Linux, with the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixPaths() {
    }

    static UnixDomainSocketAddress address(Path path) {
        Objects.requireNonNull(path, "path");
        int n = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (n == 0) {
            throw new IllegalArgumentException("a Unix socket path must not be empty");
        }
        if (n > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("Unix socket path " + path + " is " + n + " bytes long; the limit is "
                    + MAX_PATH_BYTES + " (sun_path): use a shorter path, e.g. relative to the working directory");
        }
        return UnixDomainSocketAddress.of(path);
    }

    /** Removes a stale socket file at {@code path}; throws if a live server answers there (a non-blocking local probe). */
    static void removeStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            return; // not ours to remove: bind() will report the address in use
        }
        boolean refused;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a live server whose backlog is full makes a blocking connect wait, and a
            // non-blocking one fail with EAGAIN; both mean someone listens there.
            probe.configureBlocking(false);
            try {
                probe.connect(UnixDomainSocketAddress.of(path));
                refused = false; // connected (or pending): a server answered
            } catch (java.net.ConnectException e) {
                refused = true; // nobody listens: a leftover of a server that died
            } catch (java.net.SocketException e) {
                refused = false; // EAGAIN (backlog full), EACCES, ...: not provably stale, leave it
            }
        }
        if (!refused) {
            throw new BindException("cannot listen on " + path + ": another server is listening there"
                    + " (or its socket file cannot be probed): stop it or choose another path");
        }
        Files.deleteIfExists(path);
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    static Bound bound(Path path) {
        return new Bound(path, fileKey(path));
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** A socket file this process bound. */
    record Bound(Path path, Object fileKey) {
        void unlinkIfOurs() {
            Object now = UnixPaths.fileKey(path);
            if (now != null && now.equals(fileKey)) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: the directory may have gone
                }
            }
        }
    }
}
