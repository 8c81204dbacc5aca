package org.aio4j.net;

import java.nio.charset.Charset;

/**
 * What {@link Subprocess#communicate} collected: everything the child wrote to its piped stdout and
 * stderr, and its exit status (asyncio's {@code (stdout, stderr)} tuple, with the return code added).
 *
 * @param stdout     the child's whole stdout, or null unless stdout was {@link Redirect#PIPE}
 * @param stderr     the child's whole stderr, or null unless stderr was {@link Redirect#PIPE}
 * @param returncode the exit status, as {@link Subprocess#returncode()}
 */
public record ProcessOutput(byte[] stdout, byte[] stderr, int returncode) {
    /** {@link #stdout} decoded with {@code charset}, or null. */
    public String stdoutText(Charset charset) {
        return stdout == null ? null : new String(stdout, charset);
    }

    /** {@link #stderr} decoded with {@code charset}, or null. */
    public String stderrText(Charset charset) {
        return stderr == null ? null : new String(stderr, charset);
    }
}
