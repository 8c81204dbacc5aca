package org.aio4j.net;

import java.nio.file.Path;
import java.util.Map;

/**
 * How {@link Subprocesses} starts a child process. Immutable; start from {@link #DEFAULT} and change
 * with the withers.
 *
 * @param cwd   the child's working directory, or null (the default) for this process's
 * @param env   the child's whole environment (it replaces this process's, as asyncio's {@code env}),
 *              or null (the default) to inherit this process's environment; the map is copied
 * @param limit the {@link StreamReader} limit of the stdout and stderr readers (default
 *              {@value StreamReader#DEFAULT_LIMIT})
 */
public record SubprocessOptions(Path cwd, Map<String, String> env, int limit) {
    /** This process's directory and environment, the default reader limit. */
    public static final SubprocessOptions DEFAULT = new SubprocessOptions(null, null, StreamReader.DEFAULT_LIMIT);

    /** @throws IllegalArgumentException if {@code limit} is zero or negative */
    public SubprocessOptions {
        StreamReader.checkLimit(limit);
        env = env == null ? null : Map.copyOf(env);
    }

    public SubprocessOptions withCwd(Path cwd) {
        return new SubprocessOptions(cwd, env, limit);
    }

    public SubprocessOptions withEnv(Map<String, String> env) {
        return new SubprocessOptions(cwd, env, limit);
    }

    public SubprocessOptions withLimit(int limit) {
        return new SubprocessOptions(cwd, env, limit);
    }
}
