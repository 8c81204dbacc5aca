package org.aio4j.test;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;

/**
 * What {@link AioTestEngine} discovers: a {@link ClassContainer} per test class, holding a
 * {@link TestMethod} per {@code Coro}-returning {@link AioTest} method. Unique ids, display names,
 * legacy reporting names (what Surefire writes) and sources are those Jupiter gives a class and a
 * method, so IDEs and reports show both engines' tests of one class alike.
 *
 * <p>Of Jupiter's annotations these honour {@link DisplayName}, {@link Tag} (so tag filters such as
 * Surefire's {@code groups} / {@code excludedGroups} apply) and {@link Disabled}.
 */
abstract sealed class CoroTestDescriptor extends AbstractTestDescriptor {

    static final String CLASS_SEGMENT = "class";
    static final String METHOD_SEGMENT = "method";

    private final AnnotatedElement element;

    private CoroTestDescriptor(UniqueId id, String displayName, AnnotatedElement element, TestSource source) {
        super(id, displayName, source);
        this.element = element;
    }

    /** The reason of a {@link Disabled} on this class or method, if it has one. */
    final Optional<String> disabledReason() {
        return AnnotationSupport.findAnnotation(element, Disabled.class)
                .map(d -> d.value().isBlank() ? element + " is @Disabled" : d.value());
    }

    /** This element's own valid {@link Tag}s, and those of the enclosing descriptors (as in Jupiter). */
    @Override
    public final Set<TestTag> getTags() {
        Set<TestTag> tags = new LinkedHashSet<>();
        for (Tag t : AnnotationSupport.findRepeatableAnnotations(element, Tag.class)) {
            if (TestTag.isValid(t.value())) {
                tags.add(TestTag.create(t.value()));
            }
        }
        getParent().ifPresent(p -> tags.addAll(p.getTags()));
        return tags;
    }

    private static String displayName(AnnotatedElement element, String standard) {
        return AnnotationSupport.findAnnotation(element, DisplayName.class).map(DisplayName::value)
                .filter(v -> !v.isBlank()).orElse(standard);
    }

    /** A test class: a container of {@link TestMethod}s. */
    static final class ClassContainer extends CoroTestDescriptor {
        final Class<?> testClass;

        ClassContainer(UniqueId parentId, Class<?> testClass) {
            super(parentId.append(CLASS_SEGMENT, testClass.getName()),
                    displayName(testClass, testClass.getName().substring(testClass.getName().lastIndexOf('.') + 1)),
                    testClass, ClassSource.from(testClass));
            this.testClass = testClass;
        }

        @Override
        public Type getType() {
            return Type.CONTAINER;
        }

        @Override
        public String getLegacyReportingName() {
            return testClass.getName();
        }
    }

    /** A {@code Coro}-returning {@link AioTest} method of the parent's class. */
    static final class TestMethod extends CoroTestDescriptor {
        final Class<?> testClass;
        final Method method;

        TestMethod(UniqueId parentId, Class<?> testClass, Method method) {
            super(parentId.append(METHOD_SEGMENT, method.getName() + "(" + parameterTypes(method, Class::getName) + ")"),
                    displayName(method, standardName(method)), method, MethodSource.from(testClass, method));
            this.testClass = testClass;
            this.method = method;
        }

        @Override
        public Type getType() {
            return Type.TEST;
        }

        @Override
        public String getLegacyReportingName() {
            return standardName(method);
        }

        /** {@code name(SimpleType, SimpleType)}: Jupiter's standard display name of a method. */
        private static String standardName(Method m) {
            return m.getName() + "(" + parameterTypes(m, Class::getSimpleName) + ")";
        }

        private static String parameterTypes(Method m, Function<Class<?>, String> name) {
            return Arrays.stream(m.getParameterTypes()).map(name).collect(Collectors.joining(", "));
        }
    }
}
