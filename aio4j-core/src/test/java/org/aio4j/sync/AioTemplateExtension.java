package org.aio4j.sync;

import java.lang.reflect.Method;
import org.aio4j.test.AioTestExtension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs each invocation of a test template ({@code @ParameterizedTest}) the way {@code @AioTest} runs
 * a test method: as the main task of a fresh loop on virtual time, with {@code TestLoop},
 * {@code EventLoop} and clock parameters injected after the template's own arguments, and the kit's
 * leak checks. Default kit settings (the {@code aio4j.test.*} properties).
 *
 * <p>Why: {@code @AioTest} is itself a {@code @Test}, so it cannot be put on a parameterized method,
 * and the kit's extension intercepts only plain test methods. This adapter hands template invocations
 * to the kit unchanged; the kit could do it itself with an {@code interceptTestTemplateMethod}.
 */
final class AioTemplateExtension implements InvocationInterceptor, ParameterResolver {
    private final AioTestExtension kit = new AioTestExtension();

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext ctx) throws Throwable {
        kit.interceptTestMethod(invocation, invocationContext, ctx);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
        return kit.supportsParameter(p, ctx);
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
        return kit.resolveParameter(p, ctx);
    }
}
