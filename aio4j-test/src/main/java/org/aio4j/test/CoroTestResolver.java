package org.aio4j.test;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.aio4j.Coro;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.engine.support.discovery.SelectorResolver;

/**
 * Resolves class, method and unique-id selectors to {@link AioTestEngine}'s descriptors. (Class-path
 * roots, packages and modules are scanned by the platform's class-container resolver, which hands
 * the classes that pass {@link #isTestClass} to this one as class selectors.)
 *
 * <p>A test method is an instance method, neither private nor abstract, annotated {@link AioTest}
 * (directly or through a meta-annotation), whose return type is {@link Coro}: exactly the
 * {@code @AioTest} methods Jupiter does not run, since Jupiter runs only {@code void} ones. A test
 * class is a static, non-private, non-abstract class with at least one such method, its own or
 * inherited.
 */
final class CoroTestResolver implements SelectorResolver {

    private final Predicate<String> classNameFilter;

    CoroTestResolver(Predicate<String> classNameFilter) {
        this.classNameFilter = classNameFilter;
    }

    // ------------------------------------------------------------------ what counts as a test

    static boolean isTestMethod(Method m) {
        int mod = m.getModifiers();
        return !Modifier.isStatic(mod) && !Modifier.isPrivate(mod) && !Modifier.isAbstract(mod)
                && !m.isBridge() // javac copies annotations onto bridge methods: count the real one only
                && Coro.class.isAssignableFrom(m.getReturnType())
                && AnnotationSupport.isAnnotated(m, AioTest.class);
    }

    static boolean isTestClass(Class<?> c) {
        int mod = c.getModifiers();
        if (Modifier.isAbstract(mod) || Modifier.isPrivate(mod) || c.isLocalClass() || c.isAnonymousClass()
                || (c.isMemberClass() && !Modifier.isStatic(mod))) {
            return false;
        }
        try {
            return !testMethods(c).isEmpty();
        } catch (LinkageError e) {
            return false; // a class the scan found but cannot link is no test class of ours
        }
    }

    /** The class's test methods, those it inherits first. */
    static List<Method> testMethods(Class<?> c) {
        return ReflectionSupport.findMethods(c, CoroTestResolver::isTestMethod, HierarchyTraversalMode.TOP_DOWN);
    }

    // ------------------------------------------------------------------ selectors

    @Override
    public Resolution resolve(ClassSelector selector, Context context) {
        Class<?> c = selector.getJavaClass();
        if (!isTestClass(c) || !classNameFilter.test(c.getName())) {
            return Resolution.unresolved();
        }
        return context.addToParent(parent -> Optional.of(new CoroTestDescriptor.ClassContainer(parent.getUniqueId(), c)))
                .map(d -> Resolution.match(Match.exact(d, () -> methodSelectors(c))))
                .orElse(Resolution.unresolved());
    }

    @Override
    public Resolution resolve(MethodSelector selector, Context context) {
        Class<?> c = selector.getJavaClass();
        Method m = selector.getJavaMethod();
        if (!isTestMethod(m) || !isTestClass(c)) {
            return Resolution.unresolved();
        }
        return context.addToParent(() -> selectClass(c),
                        parent -> Optional.of(new CoroTestDescriptor.TestMethod(parent.getUniqueId(), c, m)))
                .map(d -> Resolution.match(Match.exact(d)))
                .orElse(Resolution.unresolved());
    }

    /** {@code [engine:aio4j-test]/[class:C]} and {@code .../[method:m(T1, T2)]}: what IDEs rerun. */
    @Override
    public Resolution resolve(UniqueIdSelector selector, Context context) {
        List<UniqueId.Segment> segments = selector.getUniqueId().getSegments();
        if (segments.size() < 2 || !segments.get(0).getValue().equals(AioTestEngine.ID)
                || !segments.get(1).getType().equals(CoroTestDescriptor.CLASS_SEGMENT)) {
            return Resolution.unresolved();
        }
        String className = segments.get(1).getValue();
        if (segments.size() == 2) {
            return Resolution.selectors(Set.of(selectClass(className)));
        }
        UniqueId.Segment method = segments.get(2);
        int open = method.getValue().indexOf('(');
        if (segments.size() > 3 || !method.getType().equals(CoroTestDescriptor.METHOD_SEGMENT) || open < 0
                || !method.getValue().endsWith(")")) {
            return Resolution.unresolved();
        }
        String name = method.getValue().substring(0, open);
        String parameterTypes = method.getValue().substring(open + 1, method.getValue().length() - 1);
        return Resolution.selectors(Set.of(selectMethod(className, name, parameterTypes)));
    }

    private static Set<DiscoverySelector> methodSelectors(Class<?> c) {
        Set<DiscoverySelector> selectors = new LinkedHashSet<>();
        for (Method m : testMethods(c)) {
            selectors.add(selectMethod(c, m));
        }
        return selectors;
    }
}
