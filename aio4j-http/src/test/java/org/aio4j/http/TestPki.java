package org.aio4j.http;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and a certificate for localhost and 127.0.0.1, made at run time with Bouncy Castle's
 * builder (nothing is checked in), as SSLContexts for a server and for a client that trusts the CA.
 */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] PASSWORD = "test".toCharArray();

    final X509Certificate ca;
    final X509Certificate cert;
    final PrivateKey key;

    private TestPki(X509Certificate ca, X509Certificate cert, PrivateKey key) {
        this.ca = ca;
        this.cert = cert;
        this.key = key;
    }

    static TestPki create() throws Exception {
        KeyPair caKeys = keyPair();
        KeyPair leafKeys = keyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=aio4j-http test CA");
        X509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic());
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate ca = new JcaX509CertificateConverter().getCertificate(
                cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        X509v3CertificateBuilder lb = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=localhost"), leafKeys.getPublic());
        lb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                lb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        return new TestPki(ca, cert, leafKeys.getPrivate());
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A server context presenting the certificate. */
    SSLContext serverContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, PASSWORD, new Certificate[] {cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    /** A client context trusting only the test CA. */
    SSLContext clientContext() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}
