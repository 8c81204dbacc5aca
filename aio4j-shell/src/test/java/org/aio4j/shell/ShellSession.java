package org.aio4j.shell;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A shell session driven by a test, in this JVM: {@link AioShell#run} on a thread of its own, reading
 * what the test sends and writing into a buffer the test reads. Every wait is bounded.
 */
final class ShellSession implements AutoCloseable {

    static final String PROMPT = "jshell> ";
    private static final long WAIT_MILLIS = 30_000;

    private final Feed in = new Feed();
    private final Captured out = new Captured();
    private final CompletableFuture<Integer> status = new CompletableFuture<>();

    private ShellSession(List<String> args) {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try {
                status.complete(AioShell.run(in, ps, ps, args.toArray(String[]::new)));
            } catch (Throwable e) {
                status.completeExceptionally(e);
            }
        }, "shell-session");
        t.setDaemon(true);
        t.start();
    }

    /** Starts a session (the test classes on its class path, for {@link ShellProbe}) and waits for the prompt. */
    static ShellSession start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--class-path", testClasses()));
        all.addAll(List.of(args));
        ShellSession s = new ShellSession(all);
        s.out.awaitFrom(0, PROMPT);
        return s;
    }

    /** Sends {@code line} and returns what the shell printed until its next prompt. */
    String eval(String line) throws Exception {
        int from = send(line);
        return awaitPrompt(from);
    }

    /** Sends {@code line} without waiting; returns the output position before it, for {@link #awaitPrompt}. */
    int send(String line) {
        int from = out.length();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return from;
    }

    /** Sends Ctrl-C, the byte the terminal sends for it. */
    void interrupt() {
        in.write(new byte[] {3});
    }

    /** What the shell printed from {@code from} to its next prompt. */
    String awaitPrompt(int from) throws Exception {
        return out.awaitFrom(from, PROMPT);
    }

    /** Waits until the output from {@code from} on contains {@code text}; returns that output. */
    String awaitText(int from, String text) throws Exception {
        return out.awaitFrom(from, text);
    }

    /** Everything printed so far. */
    String output() {
        return out.text(0);
    }

    int length() {
        return out.length();
    }

    /** Sends {@code /exit} and returns the session's exit status once it has ended. */
    int exit() throws Exception {
        send("/exit");
        return awaitEnd();
    }

    /** Ends the input (EOF) and returns the session's exit status once it has ended. */
    int endInput() throws Exception {
        in.close();
        return awaitEnd();
    }

    private int awaitEnd() throws Exception {
        try {
            return status.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the shell did not end within " + WAIT_MILLIS + " ms; output:\n" + output());
        }
    }

    @Override
    public void close() {
        in.close();
    }

    static String testClasses() throws URISyntaxException {
        return Path.of(ShellProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** The shell's input: bytes the test writes, then end of input once closed. */
    private static final class Feed extends InputStream {
        private static final int EOF = -1;
        private final LinkedBlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();

        void write(byte[] b) {
            for (byte x : b) {
                bytes.add(x & 0xff);
            }
        }

        @Override
        public void close() {
            bytes.add(EOF);
        }

        @Override
        public int read() {
            try {
                int b = bytes.take();
                if (b == EOF) {
                    bytes.add(EOF); // stays at end of input
                }
                return b;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EOF;
            }
        }
    }

    /** The shell's output (both streams), readable while it grows. */
    private static final class Captured extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            buf.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buf.write(b, off, len);
            notifyAll();
        }

        synchronized int length() {
            return buf.size();
        }

        synchronized String text(int from) {
            byte[] all = buf.toByteArray();
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }

        synchronized String awaitFrom(int from, String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (true) {
                String s = text(from);
                int at = s.indexOf(text);
                if (at >= 0) {
                    return s.substring(0, at);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the shell did not print '" + text + "' within " + WAIT_MILLIS
                            + " ms; output so far:\n" + text(0));
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }
}
