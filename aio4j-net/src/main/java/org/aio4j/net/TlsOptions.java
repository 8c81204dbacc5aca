package org.aio4j.net;

import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * How a connection speaks TLS (asyncio's {@code ssl=}, {@code server_hostname=},
 * {@code ssl_handshake_timeout=} and {@code ssl_shutdown_timeout=} arguments in one value). Immutable;
 * start from a factory ({@link #client()}, {@link #client(SSLContext)}, {@link #clientTrusting},
 * {@link #server(SSLContext)}, {@link #server(PrivateKey, X509Certificate...)}) and change with the
 * withers. Pass it in {@link ConnectOptions#withTls}, {@link ServerOptions#withTls}, to
 * {@link Streams#openConnection(String, int, TlsOptions)}, {@link Net#startTls} or
 * {@link StreamWriter#startTls}.
 *
 * <h2>Verification</h2>
 * A client verifies the server's certificate chain against the context's trust managers and, unless
 * {@link #withCheckHostname withCheckHostname(false)}, that the certificate names
 * {@link #serverHostname} (the JDK's {@code "HTTPS"} endpoint identification, as asyncio's
 * {@code check_hostname}). The host name defaults to the host the client connects to, and is also
 * sent as server-name indication (SNI) when it is a DNS name, not an IP literal. A server asks for
 * client certificates only if {@link #parameters} say so ({@code setNeedClientAuth}).
 *
 * @param context          the JDK TLS context that makes the engines (trust and key material, protocols)
 * @param serverSide       whether this end is the TLS server
 * @param serverHostname   the name a client expects in the server's certificate and sends as SNI;
 *                         null (the default) means the host connected to. Must be null for a server
 * @param alpnProtocols    application protocols to offer (client) or accept (server), in order of
 *                         preference, e.g. {@code ["h2", "http/1.1"]}; empty (the default) for no ALPN.
 *                         The chosen one is {@code getExtraInfo("alpn_protocol")}
 * @param checkHostname    whether a client checks the certificate's names (default true); turning it
 *                         off accepts any certificate the trust managers accept, for any name
 * @param handshakeTimeout seconds the handshake may take before the connection is aborted (default
 *                         {@value #DEFAULT_HANDSHAKE_TIMEOUT}, asyncio's)
 * @param shutdownTimeout  seconds {@code close()} waits for the peer's close_notify before aborting
 *                         (default {@value #DEFAULT_SHUTDOWN_TIMEOUT}, asyncio's)
 * @param parameters       JDK engine parameters applied first (protocols, cipher suites, client
 *                         authentication), or null; copied, later changes to it have no effect
 */
public record TlsOptions(SSLContext context, boolean serverSide, String serverHostname, List<String> alpnProtocols,
                         boolean checkHostname, double handshakeTimeout, double shutdownTimeout,
                         SSLParameters parameters) {
    /** asyncio's {@code SSL_HANDSHAKE_TIMEOUT}: 60 seconds. */
    public static final double DEFAULT_HANDSHAKE_TIMEOUT = 60.0;
    /** asyncio's {@code SSL_SHUTDOWN_TIMEOUT}: 30 seconds. */
    public static final double DEFAULT_SHUTDOWN_TIMEOUT = 30.0;

    /**
     * @throws NullPointerException     if {@code context} or {@code alpnProtocols} is null
     * @throws IllegalArgumentException for a server with a {@code serverHostname}, an empty ALPN name,
     *                                  or a timeout that is NaN or not positive
     */
    public TlsOptions {
        Objects.requireNonNull(context, "context: pass an SSLContext (SSLContext.getDefault() trusts the JDK's CAs)");
        alpnProtocols = List.copyOf(Objects.requireNonNull(alpnProtocols, "alpnProtocols"));
        for (String p : alpnProtocols) {
            if (p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("an ALPN protocol name must be 1..255 characters, got '" + p + "'");
            }
        }
        if (serverSide && serverHostname != null) {
            throw new IllegalArgumentException("serverHostname is only for clients (the name they expect in the"
                    + " server's certificate); a server's names come from its certificate");
        }
        if (serverHostname != null && serverHostname.isEmpty()) {
            throw new IllegalArgumentException("serverHostname must not be empty: pass null to use the host connected to");
        }
        checkSeconds("handshakeTimeout", handshakeTimeout);
        checkSeconds("shutdownTimeout", shutdownTimeout);
        if (parameters != null) {
            parameters = copy(parameters);
        }
    }

    private static void checkSeconds(String name, double s) {
        if (Double.isNaN(s) || s <= 0) {
            throw new IllegalArgumentException(name + " must be a positive number of seconds (or"
                    + " Double.POSITIVE_INFINITY for none), got " + s);
        }
    }

    private static SSLParameters copy(SSLParameters p) {
        SSLParameters c = new SSLParameters(p.getCipherSuites(), p.getProtocols());
        if (p.getNeedClientAuth()) {
            c.setNeedClientAuth(true);
        } else if (p.getWantClientAuth()) {
            c.setWantClientAuth(true);
        }
        c.setEndpointIdentificationAlgorithm(p.getEndpointIdentificationAlgorithm());
        c.setAlgorithmConstraints(p.getAlgorithmConstraints());
        if (p.getServerNames() != null) {
            c.setServerNames(p.getServerNames());
        }
        if (p.getSNIMatchers() != null) {
            c.setSNIMatchers(p.getSNIMatchers());
        }
        c.setUseCipherSuitesOrder(p.getUseCipherSuitesOrder());
        c.setApplicationProtocols(p.getApplicationProtocols());
        c.setEnableRetransmissions(p.getEnableRetransmissions());
        c.setMaximumPacketSize(p.getMaximumPacketSize());
        return c;
    }

    /** The parameters (a copy), or null. */
    @Override
    public SSLParameters parameters() {
        return parameters == null ? null : copy(parameters);
    }

    // ================================================================ factories

    /**
     * A client trusting the JDK's default CAs ({@link SSLContext#getDefault()}), verifying host names.
     *
     * @throws IllegalStateException if the JDK has no default TLS context
     */
    public static TlsOptions client() {
        try {
            return client(SSLContext.getDefault());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context: " + e.getMessage(), e);
        }
    }

    /** A client with {@code context}'s trust (and, for client certificates, key) material, verifying host names. */
    public static TlsOptions client(SSLContext context) {
        return new TlsOptions(context, false, null, List.of(), true, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, null);
    }

    /**
     * A client trusting only the given CA certificates (asyncio's {@code create_default_context(cadata=...)}),
     * verifying host names. A host-name failure then says which names the certificate presents.
     *
     * @throws IllegalArgumentException if no certificate is given
     */
    public static TlsOptions clientTrusting(X509Certificate... trustedCas) {
        return client(TlsContexts.trusting(trustedCas));
    }

    /** A server with {@code context}'s key material (its certificate and private key). */
    public static TlsOptions server(SSLContext context) {
        return new TlsOptions(context, true, null, List.of(), true, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, null);
    }

    /**
     * A server presenting {@code chain} (its own certificate first, then intermediates) with its
     * private {@code key}, the material held in memory only (asyncio's {@code load_cert_chain}).
     *
     * @throws IllegalArgumentException if the chain is empty or the key does not fit the JDK's key store
     */
    public static TlsOptions server(PrivateKey key, X509Certificate... chain) {
        return server(TlsContexts.presenting(key, chain));
    }

    // ================================================================ withers

    /** The name to verify and send as SNI (clients; null: the host connected to). */
    public TlsOptions withServerHostname(String name) {
        return new TlsOptions(context, serverSide, name, alpnProtocols, checkHostname, handshakeTimeout, shutdownTimeout, parameters);
    }

    /** ALPN protocols, in order of preference. */
    public TlsOptions withAlpnProtocols(String... protocols) {
        return new TlsOptions(context, serverSide, serverHostname, List.of(protocols), checkHostname, handshakeTimeout,
                shutdownTimeout, parameters);
    }

    /** Whether a client checks the certificate's names; {@code false} is insecure outside tests and private networks. */
    public TlsOptions withCheckHostname(boolean on) {
        return new TlsOptions(context, serverSide, serverHostname, alpnProtocols, on, handshakeTimeout, shutdownTimeout, parameters);
    }

    /** The handshake timeout in seconds. */
    public TlsOptions withHandshakeTimeout(double seconds) {
        return new TlsOptions(context, serverSide, serverHostname, alpnProtocols, checkHostname, seconds, shutdownTimeout, parameters);
    }

    /** The shutdown timeout in seconds. */
    public TlsOptions withShutdownTimeout(double seconds) {
        return new TlsOptions(context, serverSide, serverHostname, alpnProtocols, checkHostname, handshakeTimeout, seconds, parameters);
    }

    /** JDK engine parameters applied to each engine before the options above (null for none). */
    public TlsOptions withParameters(SSLParameters p) {
        return new TlsOptions(context, serverSide, serverHostname, alpnProtocols, checkHostname, handshakeTimeout, shutdownTimeout, p);
    }

    @Override
    public String toString() {
        return "TlsOptions[" + (serverSide ? "server" : "client") + ", " + context.getProtocol()
                + (serverHostname != null ? ", serverHostname=" + serverHostname : "")
                + (alpnProtocols.isEmpty() ? "" : ", alpn=" + alpnProtocols)
                + (serverSide || checkHostname ? "" : ", hostname NOT checked")
                + ", handshakeTimeout=" + handshakeTimeout + " s, shutdownTimeout=" + shutdownTimeout + " s]";
    }
}
