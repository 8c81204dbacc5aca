package org.aio4j.net;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Handshake failures as messages a person can act on: who the peer was, what went wrong, what to
 * check; the JDK's exception stays the cause.
 */
final class TlsErrors {
    private TlsErrors() {
    }

    /**
     * An {@link SSLHandshakeException} whose message names the peer, the reason and what to check.
     *
     * @param peer       the peer's address as shown in messages
     * @param serverName the name a client expected (null on a server)
     */
    static SSLHandshakeException handshakeFailed(SSLException e, String peer, boolean serverSide, String serverName) {
        String who = serverSide ? "client " + peer : "server " + peer + (serverName != null ? " ('" + serverName + "')" : "");
        String explanation = explain(e, serverSide, serverName);
        String jdk = e.getMessage();
        SSLHandshakeException out = new SSLHandshakeException("TLS handshake with " + who + " failed: " + explanation
                + (jdk != null && !explanation.contains(jdk) ? " [JDK: " + jdk + "]" : ""));
        out.initCause(e);
        return out;
    }

    private static String explain(SSLException e, boolean serverSide, String serverName) {
        String peerCert = serverSide ? "the client's certificate" : "the server's certificate";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsContexts.NameMismatch m) {
                return m.getMessage();
            }
            if (t instanceof CertificateExpiredException) {
                return peerCert + " has expired (" + t.getMessage() + "); the peer must renew it";
            }
            if (t instanceof CertificateNotYetValidException) {
                return peerCert + " is not valid yet (" + t.getMessage() + "); check both machines' clocks";
            }
            if (t instanceof CertPathValidatorException v) {
                if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                    return peerCert + " (or one of its issuers) has expired (" + v.getMessage() + "); the peer must renew it";
                }
                if (v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return peerCert + " (or an issuer) is not valid yet (" + v.getMessage() + "); check the clocks";
                }
                if (v.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                    return peerCert + " was revoked (" + v.getMessage() + ")";
                }
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("unable to find valid certification path")) {
                return peerCert + " is not issued by a CA this side trusts (add the issuing CA to the trust store:"
                        + " TlsOptions.clientTrusting(ca) or the SSLContext's trust managers)";
            }
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "the certificate is not valid for the name '" + serverName + "' (" + m + "); check serverHostname,"
                        + " which defaults to the host connected to, or the certificate's subjectAltName";
            }
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("Received fatal alert: certificate_unknown") || m.contains("Received fatal alert: bad_certificate")
                || m.contains("Received fatal alert: unknown_ca")) {
            return "the peer refused this side's certificate (" + m + "): check that the peer trusts the CA that issued it"
                    + (serverSide ? "" : " and the name it expects");
        }
        if (m.contains("Received fatal alert: certificate_expired")) {
            return "the peer says this side's certificate has expired (" + m + ")";
        }
        if (m.contains("no_application_protocol") || m.contains("No matching application layer protocol")
                || m.contains("application protocol")) {
            return "no ALPN protocol in common (" + m + "): compare the alpnProtocols of both sides";
        }
        if (m.contains("protocol_version") || m.contains("No appropriate protocol") || m.contains("handshake_failure")
                || m.contains("no cipher suites in common") || m.contains("insufficient_security")) {
            return "no TLS version or cipher suite in common (" + m + "): compare the enabled protocols and cipher suites";
        }
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
            return "the peer does not speak TLS (" + m + "): is it a plain-text service on that port?";
        }
        if (m.contains("certificate_required") || m.contains("Empty client certificate chain")) {
            return "the server requires a client certificate and none was sent (" + m + ")";
        }
        return m;
    }
}
