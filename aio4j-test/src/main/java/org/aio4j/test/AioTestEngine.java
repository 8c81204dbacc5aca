package org.aio4j.test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.platform.commons.PreconditionViolationException;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.junit.platform.engine.support.discovery.EngineDiscoveryRequestResolver;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit Platform engine (id {@value #ID}) that runs {@link AioTest} methods returning a
 * {@link Coro}: JUnit Jupiter runs only {@code void} test methods, and silently passes over the
 * others. Registered as a service of the kit; Surefire, Gradle and IDEs find it on the test class
 * path next to Jupiter, which keeps running the {@code void} ones (a method is run by exactly one of
 * the two).
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
 * <p>Each test gets a new instance of its class (its constructor without parameters), like Jupiter's
 * default per-method lifecycle. The method is called inside the main task of a fresh loop, with its
 * {@code TestLoop} / {@code EventLoop} / {@code VirtualClock} / {@code Clock} parameters injected,
 * and the coroutine it returns is awaited there; everything else (settings, timeouts, leak checks,
 * shuffle, failure reports) is exactly what {@link AioTestExtension} does for a {@code void} test.
 *
 * <p>Supported from Jupiter: {@code @DisplayName}, {@code @Tag}, {@code @Disabled}. Not supported:
 * lifecycle methods ({@code @BeforeEach}, {@code @AfterEach}, {@code @BeforeAll}, {@code @AfterAll}:
 * a class that has any fails its {@code Coro}-returning tests, rather than run them without their
 * set-up), extensions, {@code @Nested} classes, parallel execution.
 */
public final class AioTestEngine implements TestEngine {
    /*
     * Discovery is the platform's resolver machinery: its class-container resolver turns class-path
     * roots, packages and modules into class selectors (filtered by CoroTestResolver.isTestClass and
     * the request's class-name filters), CoroTestResolver turns class, method and unique-id selectors
     * into descriptors, and classes left without a test are pruned.
     *
     * Execution is sequential on the caller's thread (the platform's): class containers in discovery
     * order, each test's loop on a thread of its own inside Session. The test instance is made on the
     * platform's thread, as Jupiter does; parameters are resolved inside the main task, so that a
     * parameter that cannot be injected fails like any other test failure (with the leak checks).
     */

    /** The engine's id: {@code EngineTestKit.engine("aio4j-test")}, {@code [engine:aio4j-test]}. */
    public static final String ID = "aio4j-test";

    private static final EngineDiscoveryRequestResolver<EngineDescriptor> RESOLVER =
            EngineDiscoveryRequestResolver.<EngineDescriptor>builder()
                    .addClassContainerSelectorResolver(CoroTestResolver::isTestClass)
                    .addSelectorResolver(ctx -> new CoroTestResolver(ctx.getClassNameFilter()))
                    .addTestDescriptorVisitor(ctx -> TestDescriptor::prune)
                    .build();

    private static final List<Class<? extends Annotation>> LIFECYCLE =
            List.of(BeforeAll.class, BeforeEach.class, AfterEach.class, AfterAll.class);

    /** Made by the platform's service loader. */
    public AioTestEngine() {
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Optional<String> getGroupId() {
        return Optional.of("org.aio4j");
    }

    @Override
    public Optional<String> getArtifactId() {
        return Optional.of("aio4j-test");
    }

    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
        EngineDescriptor engine = new EngineDescriptor(uniqueId, "aio4j-test (Coro-returning @AioTest methods)");
        RESOLVER.resolve(request, engine);
        return engine;
    }

    // ------------------------------------------------------------------ execution

    @Override
    public void execute(ExecutionRequest request) {
        TestDescriptor engine = request.getRootTestDescriptor();
        EngineExecutionListener listener = request.getEngineExecutionListener();
        listener.executionStarted(engine);
        for (TestDescriptor child : List.copyOf(engine.getChildren())) {
            executeClass((CoroTestDescriptor.ClassContainer) child, listener);
        }
        listener.executionFinished(engine, TestExecutionResult.successful());
    }

    private static void executeClass(CoroTestDescriptor.ClassContainer container, EngineExecutionListener listener) {
        Optional<String> disabled = container.disabledReason();
        if (disabled.isPresent()) {
            listener.executionSkipped(container, disabled.get());
            return;
        }
        listener.executionStarted(container);
        String lifecycle = lifecycleMethods(container.testClass);
        for (TestDescriptor child : List.copyOf(container.getChildren())) {
            executeTest((CoroTestDescriptor.TestMethod) child, lifecycle, listener);
        }
        listener.executionFinished(container, TestExecutionResult.successful());
    }

    private static void executeTest(CoroTestDescriptor.TestMethod test, String lifecycle,
                                    EngineExecutionListener listener) {
        Optional<String> disabled = test.disabledReason();
        if (disabled.isPresent()) {
            listener.executionSkipped(test, disabled.get());
            return;
        }
        listener.executionStarted(test);
        TestExecutionResult result;
        try {
            if (lifecycle != null) {
                throw new PreconditionViolationException(test.testClass.getName() + " declares " + lifecycle
                        + ", which a Coro-returning @AioTest does not run; make " + test.method.getName()
                        + " a void @AioTest that awaits its coroutine, or move it to a class without them");
            }
            run(test);
            result = TestExecutionResult.successful();
        } catch (OutOfMemoryError e) {
            throw e; // as Jupiter: not a test failure, the JVM's
        } catch (TestAbortedException e) {
            result = TestExecutionResult.aborted(e); // a failed assumption
        } catch (Throwable e) {
            result = TestExecutionResult.failed(e);
        }
        listener.executionFinished(test, result);
    }

    private static void run(CoroTestDescriptor.TestMethod test) throws Throwable {
        Class<?> c = test.testClass;
        Method m = test.method;
        try {
            c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new PreconditionViolationException(c.getName() + " has no constructor without parameters:"
                    + " the class of a Coro-returning @AioTest needs one (the test instance is made with it)");
        }
        Object instance = ReflectionSupport.newInstance(c);
        Session session = new Session(Settings.of(m));
        session.execute(() -> {
            Object coro = ReflectionSupport.invokeMethod(m, instance, arguments(m, session));
            if (coro == null) {
                throw new AssertionError(c.getSimpleName() + "." + m.getName() + " returned null instead of a"
                        + " Coro: a Coro-returning @AioTest returns the coroutine to run, e.g. Aio.async(() -> ...)");
            }
            Aio.await((Coro<?>) coro);
        }, test.getDisplayName());
    }

    private static Object[] arguments(Method m, Session session) {
        Parameter[] parameters = m.getParameters();
        Object[] args = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            Class<?> type = parameters[i].getType();
            if (!Session.injects(type)) {
                throw new PreconditionViolationException("cannot inject parameter [" + parameters[i] + "] of "
                        + m.getDeclaringClass().getSimpleName() + "." + m.getName() + ": an @AioTest method"
                        + " takes parameters of type TestLoop, EventLoop, VirtualClock and Clock only");
            }
            args[i] = session.parameter(type);
        }
        return args;
    }

    /** The class's Jupiter lifecycle methods, as a phrase for the error message; null if none. */
    private static String lifecycleMethods(Class<?> c) {
        List<String> found = new ArrayList<>();
        for (Class<? extends Annotation> a : LIFECYCLE) {
            for (Method m : AnnotationSupport.findAnnotatedMethods(c, a, HierarchyTraversalMode.TOP_DOWN)) {
                found.add("@" + a.getSimpleName() + " " + m.getName() + "()");
            }
        }
        return found.isEmpty() ? null : String.join(", ", found);
    }
}
