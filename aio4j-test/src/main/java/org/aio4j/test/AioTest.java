package org.aio4j.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method that runs as the main task of a fresh event loop, on virtual time by default.
 *
 * <pre>{@code
 * @AioTest
 * void retriesAfterTenSeconds(TestLoop test) {
 *     Task<String> t = Aio.createTask(fetchWithRetry());
 *     test.advanceBy(9.9);
 *     assertThat(t.done()).isFalse();
 *     test.advanceBy(0.1);
 *     assertThat(Aio.await(t)).isEqualTo("ok");
 * }
 * }</pre>
 *
 * <p>The method body is a coroutine: it may {@code Aio.await}, {@code Aio.sleep} and create tasks
 * directly. Parameters of type {@link TestLoop}, {@link org.aio4j.EventLoop},
 * {@link org.aio4j.VirtualClock} and {@link org.aio4j.Clock} are injected.
 *
 * <h2>Methods that return a Coro</h2>
 * A test method may instead return the coroutine to run; it is awaited as the main task, with
 * everything below unchanged:
 *
 * <pre>{@code
 * @AioTest
 * Coro<Void> sleepsOnVirtualTime(TestLoop test) {
 *     return Aio.async(() -> {
 *         Aio.sleep(60);
 *         assertThat(test.time()).isEqualTo(60.0);
 *     });
 * }
 * }</pre>
 *
 * JUnit Jupiter runs only {@code void} test methods, so these are run by the kit's own JUnit
 * Platform engine, {@link AioTestEngine} (id {@code aio4j-test}), which the platform finds on the
 * class path next to Jupiter. It makes a new instance per test with the class's constructor without
 * parameters and honours {@code @DisplayName}, {@code @Tag} and {@code @Disabled}, but it is not
 * Jupiter: <b>lifecycle methods ({@code @BeforeEach}, {@code @AfterEach}, {@code @BeforeAll},
 * {@code @AfterAll}) are not supported</b> (a class that has any fails its {@code Coro}-returning
 * tests instead of running them without their set-up), nor are extensions ({@code @ExtendWith},
 * {@code @RegisterExtension}, {@code @TempDir}) or {@code @Nested} classes. A test that needs them
 * is a {@code void} method that awaits: {@code Aio.await(scenario())}.
 *
 * <h2>Virtual time</h2>
 * The loop's clock is a {@link org.aio4j.VirtualClock} that jumps to the next timer whenever every
 * task is parked and no I/O is ready: a test that sleeps an hour takes milliseconds.
 * {@link TestLoop#advanceBy}, {@link TestLoop#runCurrent} and {@link TestLoop#advanceUntilIdle} give
 * explicit control. {@code realTime = true} opts out.
 *
 * <h2>The test fails</h2>
 * <ul>
 *   <li>if tasks are still pending when the body returns (each named, with where it is parked;
 *       {@link TestLoop#background} tasks excepted);</li>
 *   <li>if a task failed and nobody retrieved its exception;</li>
 *   <li>if a coroutine made during the test was never awaited;</li>
 *   <li>if the loop reported an error to its exception handler (a callback threw, or an async
 *       generator the test left suspended failed while the end of the test closed it, as
 *       {@link org.aio4j.EventLoop#shutdownAsyncgens()} does at the end of {@code Aio.run});</li>
 *   <li>if a task left behind ignores the cancellation sent when the body ends (still pending a
 *       virtual minute, or a real second, later);</li>
 *   <li>on timeout: {@link #timeout()} real seconds or {@link #virtualTimeout()} virtual seconds;
 *       the message shows every task's name and where it is parked.</li>
 * </ul>
 *
 * <h2>Shuffle mode</h2>
 * {@code shuffle = true} (or {@code -Daio4j.test.shuffle=true} for every test) runs the callbacks of
 * each loop iteration in a seeded random order, to flush out code and tests that lean on an order
 * nobody promised. A failure reports the seed; {@code -Daio4j.test.seed=N} or {@link #seed()}
 * replays it.
 *
 * <h2>System properties</h2>
 * {@code aio4j.test.timeout} (real seconds, default 30), {@code aio4j.test.virtualTimeout} (virtual
 * seconds, default 86400), {@code aio4j.test.shuffle}, {@code aio4j.test.seed}. An annotation value
 * other than its default wins over the property.
 */
@Documented
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Test
@ExtendWith(AioTestExtension.class)
public @interface AioTest {

    /** Run on the real clock instead of virtual time. */
    boolean realTime() default false;

    /** Real-time limit in seconds; 0 means the {@code aio4j.test.timeout} property (default 30). */
    double timeout() default 0;

    /**
     * Virtual-time limit in seconds; 0 means the {@code aio4j.test.virtualTimeout} property (default
     * 86400, a virtual day). Ignored with {@link #realTime()}.
     */
    double virtualTimeout() default 0;

    /** Run each iteration's callbacks in a seeded random order. */
    boolean shuffle() default false;

    /** The shuffle seed; 0 means the {@code aio4j.test.seed} property, else a random one. */
    long seed() default 0;

    /** Turn the loop's debug mode on (slow-callback and blocking-call reports, creation sites). */
    boolean debug() default true;
}
