package org.aio4j.shell;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jdk.jshell.tool.JavaShellToolBuilder;
import org.aio4j.Aio;
import org.aio4j.StrandMode;
import org.aio4j.net.Streams;

/**
 * The async shell, Python's {@code python -m asyncio} for Java: the JShell tool (history, completion,
 * {@code /commands}) whose snippets run as tasks on an aio4j event loop that runs forever on a thread
 * of its own. At the prompt, {@code await(...)}, {@code sleep(1)}, {@code createTask(...)} and
 * {@code gather(...)} work as they do inside a coroutine, and tasks created by earlier statements
 * keep running between prompts. Ctrl-C cancels the running statement's task (it gets
 * {@link org.aio4j.CancelledError}); the session goes on. {@code /exit} or the end of the input closes
 * the loop as {@link org.aio4j.Runner#close()} does: pending tasks are cancelled and awaited.
 *
 * <p>Preloaded: {@code import static org.aio4j.Aio.*} and the imports of {@code org.aio4j.*},
 * {@code org.aio4j.sync.*}, {@code org.aio4j.net.*}, {@code java.time.*} and {@code java.util.*};
 * the two simple names they share mean aio4j's ({@code Queue} is {@link org.aio4j.sync.Queue},
 * {@code Clock} is {@link org.aio4j.Clock}). JShell's usual default imports are not loaded:
 * several clash with aio4j's names ({@code Future}, {@code Semaphore}).
 *
 * <p>aio4j must be on the JVM's class path (or module path), not only on the shell's
 * {@code --class-path}: snippets must see the classes that run the loop. See docs/shell.md.
 */
public final class AioShell {

    /** The snippets every session starts with (before any {@code --startup} of the caller). */
    static final String STARTUP = String.join("\n",
            "import static org.aio4j.Aio.*;",
            "import org.aio4j.*;",
            "import org.aio4j.sync.*;",
            "import org.aio4j.net.*;",
            "import java.time.*;",
            "import java.util.*;",
            // single-type imports win over the on-demand ones: java.util.Queue, java.time.Clock
            "import org.aio4j.sync.Queue;",
            "import org.aio4j.Clock;",
            "");

    private AioShell() {
    }

    /**
     * Runs a shell on the standard streams and exits the JVM with its status (0 after {@code /exit}
     * or the end of the input). Arguments are JShell's ({@code jshell --help}), except
     * {@code --execution}, which the shell sets.
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(System.in, System.out, System.err, args));
    }

    /**
     * Runs a shell session that reads commands from {@code in} and writes JShell's output to
     * {@code out} and {@code err}; returns when the session ends ({@code /exit}, end of input),
     * after its loop is closed. A byte 3 (Ctrl-C) read while a statement runs cancels it. The
     * snippets' own {@code System.out} is this JVM's. Unless {@code in} is {@code System.in}, JShell's
     * settings and history are kept in memory only.
     *
     * @param args JShell's command-line arguments; {@code --class-path}/{@code -cp} entries are added
     *             to the one the shell passes (aio4j's own jars and this JVM's class path)
     * @return the exit status: 0 normally; 2 for arguments the shell refuses; else JShell's status
     * @throws IOException if the start-up file cannot be written to the temporary directory
     */
    public static int run(InputStream in, PrintStream out, PrintStream err, String... args) throws Exception {
        if (ModuleLayer.boot().findModule("jdk.jshell").isEmpty()) {
            err.println("aio4j shell: this Java runtime has no jdk.jshell module; run the shell with a full JDK"
                    + " (21 or newer), not a JRE or a jlink image without it");
            return 2;
        }
        List<String> userArgs = new ArrayList<>();
        Set<String> classPath = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--class-path") || a.equals("-classpath") || a.equals("-cp")) {
                if (i + 1 == args.length) {
                    err.println("aio4j shell: " + a + " needs a value (a class path)");
                    return 2;
                }
                addPath(classPath, args[++i]);
            } else if (a.startsWith("--class-path=")) {
                addPath(classPath, a.substring("--class-path=".length()));
            } else if (a.equals("--execution") || a.startsWith("--execution=")) {
                err.println("aio4j shell: --execution is not allowed: the shell runs snippets on its own"
                        + " engine (\"" + AioExecutionControlProvider.NAME + "\"); use jshell itself for another");
                return 2;
            } else {
                userArgs.add(a);
            }
        }
        classPath.addAll(ownClassPath());
        Path startup = Files.createTempFile("aio4j-shell-startup", ".jsh");
        try {
            Files.writeString(startup, STARTUP, StandardCharsets.UTF_8);
            List<String> toolArgs = new ArrayList<>(List.of(
                    "--execution", AioExecutionControlProvider.NAME,
                    "--class-path", String.join(java.io.File.pathSeparator, classPath),
                    "--startup", startup.toString()));
            toolArgs.addAll(userArgs);
            if (!userArgs.contains("-q") && !userArgs.contains("-s")) {
                out.println(banner());
                out.flush();
            }
            // The tool closes its streams when it ends, before it closes its JShell state, and so the loop:
            // what the loop prints as it closes (cancelled tasks, late reports) needs them open.
            JavaShellToolBuilder tool = JavaShellToolBuilder.builder().in(in, null)
                    .out(unclosable(out)).err(unclosable(err));
            if (in != System.in) {
                tool.persistence(new HashMap<>());
            }
            return tool.start(toolArgs.toArray(String[]::new));
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    /** {@code stream}, except that closing it only flushes it. */
    private static PrintStream unclosable(PrintStream stream) {
        return new PrintStream(new FilterOutputStream(stream) {
            @Override
            public void write(byte[] b, int off, int len) {
                stream.write(b, off, len);
            }

            @Override
            public void close() {
                stream.flush();
            }
        }, true, stream.charset());
    }

    private static String banner() {
        StrandMode mode = Aio.strandMode();
        String s = "aio4j shell: JShell on a running aio4j event loop (strand mode " + mode + ").\n"
                + "await(...), sleep(...), createTask(...), gather(...) work at the prompt; tasks keep running"
                + " between prompts.\nCtrl-C cancels the running statement; /exit closes the loop.";
        if (mode == StrandMode.PORTABLE) {
            s += "\njava.lang is not open to aio4j: a blocking JDK call in a statement holds the loop"
                    + " (run with --add-opens java.base/java.lang=ALL-UNNAMED).";
        }
        return s;
    }

    private static void addPath(Set<String> into, String path) {
        for (String p : path.split(java.util.regex.Pattern.quote(java.io.File.pathSeparator))) {
            if (!p.isEmpty()) {
                into.add(p);
            }
        }
    }

    /** Where aio4j's classes come from, then this JVM's class path: what snippets compile against. */
    private static List<String> ownClassPath() {
        Set<String> cp = new LinkedHashSet<>();
        for (Class<?> c : List.of(Aio.class, Streams.class, AioShell.class)) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                try {
                    cp.add(Path.of(source.getLocation().toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file (a custom image): the JVM's class path below must do
                }
            }
        }
        addPath(cp, System.getProperty("java.class.path", ""));
        return new ArrayList<>(cp);
    }
}
