package org.aio4j.net;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS contexts {@link TlsOptions}' factories build from certificates and keys held in memory.
 */
final class TlsContexts {
    /*
     * Why a trust manager of our own around the JDK's: when the JDK's "HTTPS" endpoint identification
     * refuses a certificate it says only "No subject alternative DNS name matching X found", and the
     * certificate is not reachable afterwards (the handshake session gets its peer certificates only
     * once they passed). Around the JDK's PKIX trust manager we can see the chain: if the check
     * failed but the same chain passes without identification, the name was the problem, and the
     * error names both the expected name and the names the certificate presents. The JDK still does
     * the checking; this class only rewords its refusal. Contexts the caller builds get the JDK's
     * wording (TlsErrors still names the expected name).
     */

    private TlsContexts() {
    }

    static SSLContext trusting(X509Certificate... cas) {
        Objects.requireNonNull(cas, "trustedCas");
        if (cas.length == 0) {
            throw new IllegalArgumentException("clientTrusting() needs at least one CA certificate to trust");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < cas.length; i++) {
                ks.setCertificateEntry("ca-" + i, Objects.requireNonNull(cas[i], "trustedCas[" + i + "]"));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            List<TrustManager> tms = new ArrayList<>();
            for (TrustManager tm : tmf.getTrustManagers()) {
                tms.add(tm instanceof X509ExtendedTrustManager x ? new NamingTrustManager(x) : tm);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tms.toArray(TrustManager[]::new), new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS context trusting " + cas.length + " CA(s): " + e, e);
        }
    }

    static SSLContext presenting(PrivateKey key, X509Certificate... chain) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(chain, "chain");
        if (chain.length == 0) {
            throw new IllegalArgumentException("server(key, chain) needs the server's certificate (then any intermediates)");
        }
        try {
            byte[] pw = new byte[18];
            new SecureRandom().nextBytes(pw);
            char[] password = Base64.getEncoder().encodeToString(pw).toCharArray(); // the store never leaves memory
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, password, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a TLS server context from the key (" + key.getAlgorithm()
                    + ") and the chain of " + chain.length + " certificate(s): " + e.getMessage(), e);
        }
    }

    /** The DNS and IP names of a certificate's subjectAltName, else its subject (for messages). */
    static List<String> presentedNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // fall back to the subject
        }
        if (names.isEmpty()) {
            names.add("subject " + cert.getSubjectX500Principal().getName() + " (no DNS or IP subjectAltName)");
        }
        return names;
    }

    /** A certificate refused only for its names; the message says which were expected and presented. */
    static final class NameMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;

        NameMismatch(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The JDK's trust manager, with host-name refusals reworded (see the implementation note). */
    private static final class NamingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager jdk;

        NamingTrustManager(X509ExtendedTrustManager jdk) {
            this.jdk = jdk;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                jdk.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw reword(e, chain, authType, engine);
            }
        }

        private CertificateException reword(CertificateException e, X509Certificate[] chain, String authType, SSLEngine engine) {
            SSLParameters p = engine == null ? null : engine.getSSLParameters();
            if (p == null || p.getEndpointIdentificationAlgorithm() == null || chain == null || chain.length == 0) {
                return e;
            }
            try {
                jdk.checkServerTrusted(chain, authType); // the chain alone, without the name
            } catch (CertificateException chainItself) {
                return e; // not (only) a name problem
            }
            String expected = engine.getPeerHost();
            return new NameMismatch("the certificate is not valid for the name '" + expected + "': it presents "
                    + presentedNames(chain[0]) + " (check serverHostname, which defaults to the host connected to,"
                    + " or the certificate's subjectAltName)", e);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            jdk.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            jdk.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            jdk.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            jdk.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            jdk.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return ((X509TrustManager) jdk).getAcceptedIssuers();
        }
    }
}
