package org.aio4j.net;

import java.net.SocketException;

/**
 * The connection was lost while the caller still needed it (asyncio's {@code ConnectionResetError}):
 * thrown by {@link StreamWriter#drain} once the transport is closing or lost, with the transport's own
 * error (if any) as the cause.
 */
public class ConnectionResetError extends SocketException {
    public ConnectionResetError(String message) {
        super(message);
    }

    public ConnectionResetError(String message, Throwable cause) {
        super(message);
        if (cause != null) {
            initCause(cause);
        }
    }
}
