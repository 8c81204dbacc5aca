package org.aio4j.shell;

import java.util.List;
import java.util.Map;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.aio4j.Aio;

/**
 * JShell's execution engine named {@code aio4j}: snippets run in this JVM, each as a task on an aio4j
 * event loop that runs forever on a thread of its own (one loop per JShell state; {@code /reset}
 * closes it and starts a new one). Select it with {@code jshell --execution aio4j} or
 * {@code JShell.builder().executionEngine("aio4j")} with aio4j on the class path, or use
 * {@link AioShell}, which does this and preloads the imports.
 *
 * <p>The engine takes no parameters. A {@code --class-path} among the JShell's remote VM options is
 * added to the snippets' class loader, as JShell's {@code local} engine does.
 */
public final class AioExecutionControlProvider implements ExecutionControlProvider {

    /** The engine's name, for {@code --execution} and {@code JShell.Builder.executionEngine}. */
    public static final String NAME = "aio4j";

    /** The provider; JShell finds it with {@link java.util.ServiceLoader}. */
    public AioExecutionControlProvider() {
    }

    /** {@return {@value #NAME}} */
    @Override
    public String name() {
        return NAME;
    }

    /**
     * Starts a new event loop and returns the engine that runs snippets on it.
     *
     * @throws IllegalStateException if aio4j is not visible to the system class loader as the very
     *                               classes this provider uses (snippets would see a different copy)
     */
    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        checkSnippetsSeeThisAio4j();
        AioExecutionControl control = new AioExecutionControl(env.userErr());
        List<String> remoteOptions = env.extraRemoteVMOptions();
        int classPath = remoteOptions.indexOf("--class-path") + 1;
        if (classPath > 0 && classPath < remoteOptions.size()) {
            try {
                control.addToClasspath(remoteOptions.get(classPath));
            } catch (ExecutionControl.ExecutionControlException e) {
                control.close();
                throw new IllegalStateException("the aio4j shell could not add the class path "
                        + remoteOptions.get(classPath) + ": " + e.getMessage(), e);
            }
        }
        return control;
    }

    /*
     * Snippet classes are defined by a loader whose parent is the system class loader (JShell's
     * DefaultLoaderDelegate; choosing another parent needs JDK 22). If aio4j were loaded by some other
     * loader here, a snippet's Aio.sleep would look for a running loop of a second copy of aio4j and
     * find none.
     */
    private static void checkSnippetsSeeThisAio4j() {
        Class<?> seen;
        try {
            seen = Class.forName(Aio.class.getName(), false, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            seen = null;
        }
        if (seen != Aio.class) {
            throw new IllegalStateException("the aio4j shell needs aio4j on the JVM's own class path or module"
                    + " path (java -cp ... or -p ...): snippets are loaded under the system class loader, which "
                    + (seen == null ? "does not see aio4j" : "sees another copy of aio4j")
                    + " (this one was loaded by " + Aio.class.getClassLoader() + ")");
        }
    }
}
