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
 * Registered by the annotation; not meant to be used on its own. (Methods that return a
 * {@code Coro} are run by {@link AioTestEngine}, through the same {@code Session}.)
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

    private static Session session(ExtensionContext ctx) {
        return ctx.getStore(NAMESPACE).getOrComputeIfAbsent(Session.class,
                k -> new Session(Settings.of(ctx.getTestMethod().orElse(null))), Session.class);
    }
}
