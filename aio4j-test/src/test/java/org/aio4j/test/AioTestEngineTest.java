package org.aio4j.test;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.ClassNameFilter.excludeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.aio4j.Aio;
import org.aio4j.Clock;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.VirtualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.Filter;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The engine that runs {@code Coro}-returning {@code @AioTest} methods. The {@code @AioTest} methods of
 * this class are themselves run by it (Surefire runs both engines); the {@code @Test} methods check
 * discovery and execution on the fixture classes below (nested: Surefire does not run them by itself).
 * What the kit reports when such a test fails is in {@link FailureDetectionTest}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AioTestEngineTest {

    // ------------------------------------------------------------------ Coro tests, run by the engine

    @AioTest
    Coro<Void> sleepsOnVirtualTime(TestLoop t) {
        return Aio.async(() -> {
            Aio.sleep(60);
            assertThat(t.time()).isEqualTo(60.0);
        });
    }

    @AioTest
    Coro<Void> loopClockAndTestLoopAreInjected(TestLoop test, EventLoop loop, VirtualClock clock, Clock plain) {
        // The method itself runs inside the main task, so the loop is running already.
        assertThat(Aio.runningLoop()).isSameAs(loop);
        assertThat(Aio.currentTask().getName()).isEqualTo("test-main");
        return async(() -> {
            assertThat(test.loop()).isSameAs(loop);
            assertThat(loop.clock()).isSameAs(clock).isSameAs(plain);
            assertThat(TestLoop.current()).isSameAs(test);
        });
    }

    @AioTest
    Coro<String> aCoroutineWithAResultIsAwaitedToo(TestLoop test) {
        return async(() -> {
            var t = createTask(async(() -> sleep(5, "late")));
            test.advanceBy(5);
            return await(t);
        });
    }

    @AioTest(realTime = true)
    Coro<Void> realTimeCoroTestRunsOnTheSystemClock(Clock clock) {
        return async(() -> {
            assertThat(clock).isSameAs(Clock.system());
            sleep(0.01);
        });
    }

    @Tag("a-coro-tag")
    @AioTest
    Coro<Void> backgroundTasksOfACoroTestAreNoLeaks(TestLoop test) {
        return async(() -> {
            test.background(async(() -> {
                while (true) {
                    sleep(1);
                }
            }));
            sleep(10);
        });
    }

    // ------------------------------------------------------------------ fixtures

    /** Two void and two Coro-returning tests: Jupiter runs the first two, the engine the others. */
    static class Mixed {
        static final Map<String, Integer> RUNS = new ConcurrentHashMap<>();

        @AioTest
        void voidOne(TestLoop test) {
            RUNS.merge("voidOne", 1, Integer::sum);
            sleep(1);
        }

        @AioTest
        void voidTwo() {
            RUNS.merge("voidTwo", 1, Integer::sum);
        }

        @AioTest
        Coro<Void> coroOne(TestLoop test) {
            return async(() -> {
                RUNS.merge("coroOne", 1, Integer::sum);
                sleep(1);
            });
        }

        @AioTest
        Coro<String> coroTwo() {
            return async(() -> {
                RUNS.merge("coroTwo", 1, Integer::sum);
                return "done";
            });
        }

        /** Not a test: static. */
        @AioTest
        static Coro<Void> staticIsNoTest() {
            return async(() -> { });
        }

        /** Not a test: returns a String. */
        @AioTest
        String stringIsNoTest() {
            return "no";
        }
    }

    /** {@code @AioTest} as a meta-annotation, with a short virtual limit. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @AioTest(virtualTimeout = 10)
    @interface QuickAioTest {
    }

    static class Annotated {
        static final List<Object> INSTANCES = new ArrayList<>();

        @QuickAioTest
        Coro<Void> metaAnnotatedTestHasItsSettings() {
            return async(() -> sleep(60));
        }

        @AioTest
        @DisplayName("a named test")
        @Tag("fast")
        Coro<Void> named() {
            return async(() -> {
                synchronized (INSTANCES) {
                    INSTANCES.add(this);
                }
            });
        }

        @AioTest
        Coro<Void> unnamed() {
            return async(() -> {
                synchronized (INSTANCES) {
                    INSTANCES.add(this);
                }
            });
        }

        @AioTest
        @Disabled("not today")
        Coro<Void> disabled() {
            throw new AssertionError("a disabled test ran");
        }

        @AioTest
        Coro<Void> asksForAString(String s) {
            return async(() -> { });
        }

        @AioTest(realTime = true)
        Coro<Void> asksForAVirtualClockOnRealTime(VirtualClock c) {
            return async(() -> { });
        }
    }

    @Tag("slow-class")
    static class WithLifecycle {
        @BeforeEach
        void setUp() {
        }

        @AioTest
        Coro<Void> wouldRunWithoutItsSetUp() {
            return async(() -> { });
        }
    }

    @Disabled("whole class off")
    static class DisabledClass {
        @AioTest
        Coro<Void> never() {
            throw new AssertionError("a test of a disabled class ran");
        }
    }

    static class NoDefaultConstructor {
        NoDefaultConstructor(int x) {
        }

        @AioTest
        Coro<Void> needsAnInstance() {
            return async(() -> { });
        }
    }

    /** Only void @AioTest methods: nothing for the engine. */
    static class OnlyVoid {
        @AioTest
        void plain() {
        }
    }

    // ------------------------------------------------------------------ helpers

    private static TestDescriptor discover(DiscoverySelector... selectors) {
        return discover(List.of(), selectors);
    }

    private static TestDescriptor discover(List<Filter<?>> filters, DiscoverySelector... selectors) {
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                .filters(filters.toArray(Filter<?>[]::new)).build();
        return new AioTestEngine().discover(request, UniqueId.forEngine(AioTestEngine.ID));
    }

    private static Set<String> testNames(TestDescriptor root) {
        return root.getDescendants().stream().filter(TestDescriptor::isTest)
                .map(d -> ((MethodSource) d.getSource().orElseThrow()).getClassName() + "#"
                        + ((MethodSource) d.getSource().orElseThrow()).getMethodName())
                .collect(Collectors.toSet());
    }

    private static Events run(DiscoverySelector selector) {
        return EngineTestKit.engine(AioTestEngine.ID).selectors(selector).execute().testEvents();
    }

    private static Throwable failure(Event e) {
        return e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElseThrow();
    }

    // ------------------------------------------------------------------ discovery

    @Test
    void discoversTheCoroReturningInstanceMethodsOnly() {
        TestDescriptor root = discover(selectClass(Mixed.class));
        String mixed = Mixed.class.getName();
        assertThat(testNames(root)).containsExactlyInAnyOrder(mixed + "#coroOne", mixed + "#coroTwo");
    }

    @Test
    void descriptorsLookLikeJupitersForIdesAndReports() {
        TestDescriptor root = discover(selectMethod(Mixed.class, "coroOne", TestLoop.class.getName()));
        assertThat(root.getChildren()).hasSize(1);
        TestDescriptor container = root.getChildren().iterator().next();
        assertThat(container.isContainer()).isTrue();
        assertThat(container.getDisplayName()).isEqualTo("AioTestEngineTest$Mixed");
        assertThat(container.getLegacyReportingName()).isEqualTo(Mixed.class.getName());
        assertThat(container.getSource()).contains(ClassSource.from(Mixed.class));
        assertThat(container.getUniqueId().toString())
                .isEqualTo("[engine:aio4j-test]/[class:" + Mixed.class.getName() + "]");

        TestDescriptor test = container.getChildren().iterator().next();
        assertThat(test.isTest()).isTrue();
        assertThat(test.getDisplayName()).isEqualTo("coroOne(TestLoop)");
        assertThat(test.getLegacyReportingName()).isEqualTo("coroOne(TestLoop)");
        MethodSource source = (MethodSource) test.getSource().orElseThrow();
        assertThat(source.getClassName()).isEqualTo(Mixed.class.getName());
        assertThat(source.getMethodName()).isEqualTo("coroOne");
        assertThat(source.getMethodParameterTypes()).isEqualTo(TestLoop.class.getName());
        assertThat(test.getUniqueId().toString()).isEqualTo("[engine:aio4j-test]/[class:" + Mixed.class.getName()
                + "]/[method:coroOne(org.aio4j.test.TestLoop)]");
    }

    @Test
    void uniqueIdSelectorsFindTheClassOrTheMethodAgain() {
        String clazz = "[engine:aio4j-test]/[class:" + Mixed.class.getName() + "]";
        assertThat(testNames(discover(selectUniqueId(clazz)))).hasSize(2);
        TestDescriptor one = discover(selectUniqueId(clazz + "/[method:coroOne(org.aio4j.test.TestLoop)]"));
        assertThat(testNames(one)).containsExactly(Mixed.class.getName() + "#coroOne");
        assertThat(testNames(discover(selectUniqueId("[engine:junit-jupiter]/[class:" + Mixed.class.getName() + "]"))))
                .isEmpty();
    }

    @Test
    void packageAndClasspathRootSelectorsScanForTestClasses() throws Exception {
        Path root = Path.of(AioTestEngineTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (TestDescriptor found : List.of(discover(selectPackage("org.aio4j.test")),
                discover(selectClasspathRoots(Set.of(root)).toArray(DiscoverySelector[]::new)))) {
            Set<String> classes = found.getChildren().stream().map(TestDescriptor::getLegacyReportingName)
                    .collect(Collectors.toSet());
            assertThat(classes).contains(AioTestEngineTest.class.getName(), Mixed.class.getName(),
                    Annotated.class.getName()).doesNotContain(OnlyVoid.class.getName(),
                    AioTestBehaviourTest.class.getName());
            assertThat(testNames(found)).contains(AioTestEngineTest.class.getName() + "#sleepsOnVirtualTime");
        }
    }

    @Test
    void classNameFiltersApply() {
        TestDescriptor root = discover(List.of(excludeClassNamePatterns(".*Mixed")), selectPackage("org.aio4j.test"));
        assertThat(root.getChildren().stream().map(TestDescriptor::getLegacyReportingName))
                .contains(Annotated.class.getName()).doesNotContain(Mixed.class.getName());
    }

    @Test
    void aClassWithoutCoroTestsGivesNoContainer() {
        assertThat(discover(selectClass(OnlyVoid.class)).getChildren()).isEmpty();
    }

    @Test
    void tagsAndDisplayNamesComeFromJupitersAnnotations() {
        TestDescriptor root = discover(selectClass(Annotated.class), selectClass(WithLifecycle.class));
        TestDescriptor named = root.getDescendants().stream().filter(d -> d.getDisplayName().equals("a named test"))
                .findFirst().orElseThrow();
        assertThat(named.getTags()).containsExactly(TestTag.create("fast"));
        TestDescriptor inTaggedClass = root.getDescendants().stream()
                .filter(d -> d.getDisplayName().equals("wouldRunWithoutItsSetUp()")).findFirst().orElseThrow();
        assertThat(inTaggedClass.getTags()).containsExactly(TestTag.create("slow-class"));
    }

    // ------------------------------------------------------------------ execution

    @Test
    void aClassMixingVoidAndCoroTestsRunsEachOnceAcrossBothEngines() {
        Mixed.RUNS.clear();
        Map<String, List<String>> byEngine = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Mixed.class))
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (!id.isTest()) {
                            return;
                        }
                        String engine = id.getUniqueIdObject().getEngineId().orElseThrow();
                        String method = ((MethodSource) id.getSource().orElseThrow()).getMethodName();
                        synchronized (byEngine) {
                            byEngine.computeIfAbsent(engine, k -> new ArrayList<>()).add(method);
                        }
                        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                            failures.add(method + ": " + result);
                        }
                    }
                });
        assertThat(failures).isEmpty();
        assertThat(byEngine).containsOnlyKeys("junit-jupiter", "aio4j-test");
        assertThat(byEngine.get("junit-jupiter")).containsExactlyInAnyOrder("voidOne", "voidTwo");
        assertThat(byEngine.get("aio4j-test")).containsExactlyInAnyOrder("coroOne", "coroTwo");
        assertThat(Mixed.RUNS).containsOnly(Map.entry("voidOne", 1), Map.entry("voidTwo", 1),
                Map.entry("coroOne", 1), Map.entry("coroTwo", 1));
    }

    @Test
    void eachTestGetsAnInstanceOfItsOwn() {
        Annotated.INSTANCES.clear();
        run(selectMethod(Annotated.class, "named")).assertStatistics(s -> s.succeeded(1));
        run(selectMethod(Annotated.class, "unnamed")).assertStatistics(s -> s.succeeded(1));
        assertThat(Annotated.INSTANCES).hasSize(2).doesNotHaveDuplicates();
        assertThat(Annotated.INSTANCES.get(0)).isNotSameAs(Annotated.INSTANCES.get(1));
    }

    @Test
    void aMetaAnnotationCarriesItsSettings() {
        Events events = run(selectMethod(Annotated.class, "metaAnnotatedTestHasItsSettings"));
        assertThat(events.failed().list()).hasSize(1);
        assertThat(failure(events.failed().list().get(0))).hasMessageContaining("virtual-time limit of 10.0 s");
    }

    @Test
    void disabledTestsAreSkippedWithTheirReason() {
        Events tests = run(selectMethod(Annotated.class, "disabled"));
        assertThat(tests.skipped().list()).singleElement()
                .satisfies(e -> assertThat(e.getPayload(String.class)).contains("not today"));
        assertThat(tests.started().count()).isZero();

        var all = EngineTestKit.engine(AioTestEngine.ID).selectors(selectClass(DisabledClass.class)).execute();
        assertThat(all.containerEvents().skipped().list()).singleElement()
                .satisfies(e -> assertThat(e.getPayload(String.class)).contains("whole class off"));
        assertThat(all.testEvents().count()).isZero();
    }

    @Test
    void aParameterThatCannotBeInjectedFailsTheTestNamingIt() {
        Events events = run(selectMethod(Annotated.class, "asksForAString", String.class.getName()));
        assertThat(failure(events.failed().list().get(0))).hasMessageContaining("cannot inject parameter [java.lang.String")
                .hasMessageContaining("TestLoop, EventLoop, VirtualClock and Clock");
        Events real = run(selectMethod(Annotated.class, "asksForAVirtualClockOnRealTime", VirtualClock.class.getName()));
        assertThat(failure(real.failed().list().get(0))).hasMessageContaining("a VirtualClock parameter needs virtual time");
    }

    @Test
    void lifecycleMethodsAreNotRunSoTheirClassFailsInsteadOfRunningWithoutSetUp() {
        Events events = run(selectClass(WithLifecycle.class));
        assertThat(events.failed().list()).singleElement().satisfies(e -> assertThat(failure(e))
                .hasMessageContaining("declares @BeforeEach setUp(), which a Coro-returning @AioTest does not run"));
    }

    @Test
    void aClassWithoutANoArgConstructorFailsItsTestsSayingWhy() {
        Events events = run(selectClass(NoDefaultConstructor.class));
        assertThat(events.failed().list()).singleElement().satisfies(e -> assertThat(failure(e))
                .hasMessageContaining("has no constructor without parameters"));
    }
}
