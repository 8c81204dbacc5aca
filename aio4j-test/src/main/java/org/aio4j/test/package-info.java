/**
 * A JUnit 5 kit for testing code that uses aio4j.
 *
 * <ul>
 *   <li>{@link org.aio4j.test.AioTest}: a test method that runs as the main task of a fresh event
 *       loop, on virtual time by default, with limits (virtual and real time) and checks for what
 *       it leaves behind (pending tasks, never-awaited coroutines, unretrieved exceptions).</li>
 *   <li>{@link org.aio4j.test.TestLoop}: the handle a test gets injected: advance virtual time, run
 *       what is ready, wait until every other task is parked.</li>
 *   <li>{@link org.aio4j.test.Sequencer}: forces an interleaving between tasks, step by step.</li>
 *   <li>{@link org.aio4j.test.AioTestExtension} and {@link org.aio4j.test.AioTestEngine}: the
 *       Jupiter extension behind {@code @AioTest} {@code void} methods and the JUnit Platform
 *       engine that runs the methods returning a {@code Coro}; both are found automatically and are
 *       not used directly.</li>
 * </ul>
 *
 * <p>Run the tests with {@code --add-opens java.base/java.lang=ALL-UNNAMED} in Surefire's
 * {@code argLine} (or Gradle's {@code jvmArgs}) for the fast strand mode; without it everything
 * works in the slower portable mode. The guide is {@code docs/testing.md}.
 */
package org.aio4j.test;
