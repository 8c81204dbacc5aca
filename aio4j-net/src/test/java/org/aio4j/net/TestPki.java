package org.aio4j.net;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test PKI made at run time (nothing is checked in): CAs and leaf certificates with EC P-256 keys,
 * signed with Bouncy Castle's builder; the JDK does all the TLS.
 */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate and its private key. */
    record Issued(X509Certificate cert, PrivateKey key, X509Certificate ca) {
        /** Server options presenting this certificate (and its CA). */
        TlsOptions server() {
            return TlsOptions.server(key, cert, ca);
        }

        /** Writes cert, key and CA as PEM files into {@code dir}; returns [cert, key, ca]. */
        Path[] writePem(Path dir, String name) throws IOException {
            Path c = dir.resolve(name + ".crt");
            Path k = dir.resolve(name + ".key");
            Path a = dir.resolve(name + "-ca.crt");
            Files.writeString(c, pem(cert));
            Files.writeString(k, pem(key));
            Files.writeString(a, pem(ca));
            return new Path[] {c, k, a};
        }
    }

    /** A CA that can issue leaves. */
    record Ca(X509Certificate cert, PrivateKey key) {
        Issued issue(String cn, Instant notBefore, Instant notAfter, String... names) {
            return TestPki.issue(this, cn, notBefore, notAfter, names);
        }

        /** A leaf for {@code names} valid from an hour ago for a day. */
        Issued issue(String... names) {
            Instant now = Instant.now();
            return issue(names[0], now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), names);
        }

        /** Client options trusting only this CA. */
        TlsOptions client() {
            return TlsOptions.clientTrusting(cert);
        }
    }

    private TestPki() {
    }

    static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Ca ca(String name) {
        KeyPair kp = keyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name);
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new Ca(cert, kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Issued issue(Ca ca, String cn, Instant notBefore, Instant notAfter, String... names) {
        KeyPair kp = keyPair();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    new X500Name(ca.cert().getSubjectX500Principal().getName()), BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + cn), kp.getPublic());
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) {
                alt.add(Net.isLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
            return new Issued(cert, kp.getPrivate(), ca.cert());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text: a certificate, or a private key as PKCS#8 ("BEGIN PRIVATE KEY", which openssl reads). */
    static String pem(Object o) {
        String type;
        byte[] der;
        try {
            if (o instanceof X509Certificate c) {
                type = "CERTIFICATE";
                der = c.getEncoded();
            } else if (o instanceof PrivateKey k) {
                type = "PRIVATE KEY";
                der = k.getEncoded();
            } else {
                throw new IllegalArgumentException("no PEM for " + o);
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        String b64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    /** The shared PKI of the TLS tests: one CA, a leaf for localhost and 127.0.0.1. */
    static final class Shared {
        static final Ca CA = ca("aio4j test CA");
        static final Issued LOCALHOST = CA.issue("localhost", "127.0.0.1");

        private Shared() {
        }
    }
}
