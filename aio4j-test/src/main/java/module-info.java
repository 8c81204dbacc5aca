/**
 * aio4j-test: a JUnit 5 kit for testing code that uses aio4j. Start at {@link org.aio4j.test.AioTest}.
 */
module org.aio4j.test {
    requires transitive org.aio4j;
    requires transitive org.junit.jupiter.api;
    requires org.junit.platform.engine;
    exports org.aio4j.test;
    // Runs the @AioTest methods that return a Coro (Jupiter runs only void test methods).
    provides org.junit.platform.engine.TestEngine with org.aio4j.test.AioTestEngine;
}
