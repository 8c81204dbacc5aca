package org.aio4j.test;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs {@code void} {@link AioTest} methods on a fresh event loop and checks what they leave behind.
 * Registered by the annotation. (Methods that return a {@code Coro} are run by
 * {@link AioTestEngine}, through the same {@code Session}.)
 *
 * <p>Registered by hand on a test template, it runs each invocation the same way, with the default
 * settings ({@code aio4j.test.*} properties), injecting the kit's parameters after the template's own:
 *
 * <pre>{@code
 * @ParameterizedTest
 * @ValueSource(ints = {0, 2})
 * @ExtendWith(AioTestExtension.class)
 * void putThenGet(int maxsize, TestLoop test) { ... }
 * }</pre>
 *
 * ({@code @AioTest} is itself a {@code @Test} and cannot be combined with {@code @ParameterizedTest}
 * or {@code @RepeatedTest}.)
 */
public final class AioTestExtension implements InvocationInterceptor, ParameterResolver {
    /*
     * A thin adapter: the session (one per test, kept in the test's extension store so that
     * parameter resolution and the invocation share it) does the work; see Session.
     */

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AioTestExtension.class);

    // ------------------------------------------------------------------ parameters

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
        return Session.injects(p.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
        try {
            return session(ctx).parameter(p.getParameter().getType());
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage());
        }
    }

    // ------------------------------------------------------------------ running

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext ctx) throws Throwable {
        session(ctx).execute(invocation::proceed, ctx.getDisplayName());
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                            ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext ctx) throws Throwable {
        session(ctx).execute(invocation::proceed, ctx.getDisplayName());
    }

    private static Session session(ExtensionContext ctx) {
        return ctx.getStore(NAMESPACE).getOrComputeIfAbsent(Session.class,
                k -> new Session(Settings.of(ctx.getTestMethod().orElse(null))), Session.class);
    }
}
