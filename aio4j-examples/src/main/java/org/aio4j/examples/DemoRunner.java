package org.aio4j.examples;

import org.aio4j.Coro;

/**
 * How a demo runs its coroutines: {@code Aio::run} for the real demo; a runner on a virtual clock in
 * the tests, which then check the exact timeline in virtual seconds.
 */
@FunctionalInterface
interface DemoRunner {
    <T> T run(Coro<T> main);
}
