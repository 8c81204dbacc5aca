package org.aio4j.test;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The resolved settings of one {@link AioTest}: its annotation's values, else the {@code aio4j.test.*}
 * system properties, else the defaults. Shared by {@link AioTestExtension} and {@link AioTestEngine}.
 */
record Settings(boolean realTime, double timeout, double virtualTimeout, boolean shuffle, long seed, boolean debug) {

    static final double DEFAULT_TIMEOUT = 30;
    static final double DEFAULT_VIRTUAL_TIMEOUT = 86_400;

    /**
     * The settings of {@code testMethod}, annotated {@code @AioTest} directly or through a
     * meta-annotation; null (a class-level context) means the properties and defaults only.
     */
    static Settings of(Method testMethod) {
        Optional<AioTest> a = testMethod == null ? Optional.empty()
                : AnnotationSupport.findAnnotation(testMethod, AioTest.class);
        boolean realTime = a.map(AioTest::realTime).orElse(false);
        double timeout = a.map(AioTest::timeout).filter(v -> v > 0)
                .orElse(doubleProperty("aio4j.test.timeout", DEFAULT_TIMEOUT));
        double virtualTimeout = a.map(AioTest::virtualTimeout).filter(v -> v > 0)
                .orElse(doubleProperty("aio4j.test.virtualTimeout", DEFAULT_VIRTUAL_TIMEOUT));
        boolean shuffle = a.map(AioTest::shuffle).orElse(false) || Boolean.getBoolean("aio4j.test.shuffle");
        long seed = a.map(AioTest::seed).filter(v -> v != 0)
                .orElseGet(() -> Long.getLong("aio4j.test.seed", 0L));
        if (seed == 0) {
            seed = new SplittableRandom().nextLong();
        }
        boolean debug = a.map(AioTest::debug).orElse(true);
        return new Settings(realTime, timeout, virtualTimeout, shuffle, seed, debug);
    }

    private static double doubleProperty(String name, double dflt) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + "=" + v + " is not a number of seconds", e);
        }
    }
}
