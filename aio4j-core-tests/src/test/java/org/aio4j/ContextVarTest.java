package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ContextVar} and {@link Context}: values, tokens, and how the context travels into tasks,
 * callbacks, done callbacks and threads.
 * The {@code @AioTest}s run on the aio4j-test kit (a fresh loop on virtual time, failing on anything
 * left behind); the plain {@code @Test}s run outside any loop, or say why they stay on VirtualRun.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ContextVarTest {

    @AioTest
    void getReturnsTheDefaultUntilSet() {
        ContextVar<String> var = ContextVar.of("with_default", "dflt");
        assertThat(var.get()).isEqualTo("dflt");
        var.set("set");
        assertThat(var.get()).isEqualTo("set");
        assertThat(var.name()).isEqualTo("with_default");
    }

    // Stays on VirtualRun: it also reads the variable on a plain thread outside any loop, after the run.
    @Test
    void getWithoutValueOrDefaultThrowsIllegalState() {
        ContextVar<String> var = ContextVar.of("no_default");
        VirtualRun.run(() -> {
            assertThatThrownBy(var::get).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'no_default'").hasMessageContaining("no default");
        });
        assertThatThrownBy(var::get).as("on a plain thread too").isInstanceOf(IllegalStateException.class);
    }

    @AioTest
    void getWithFallbackPrefersTheFallbackToTheDefault() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        assertThat(var.get("fallback")).isEqualTo("fallback");
        var.set("set");
        assertThat(var.get("fallback")).isEqualTo("set");
    }

    @AioTest
    void resetRestoresThePreviousValueOrAbsence() {
        ContextVar<String> var = ContextVar.of("v");
        ContextVar.Token<String> first = var.set("a");
        assertThat(first.hadValue()).isFalse();
        assertThat(first.oldValue()).isNull();
        assertThat(first.variable()).isSameAs(var);
        ContextVar.Token<String> second = var.set("b");
        assertThat(second.hadValue()).isTrue();
        assertThat(second.oldValue()).isEqualTo("a");
        var.reset(second);
        assertThat(var.get()).isEqualTo("a");
        var.reset(first);
        assertThatThrownBy(var::get).isInstanceOf(IllegalStateException.class);
        assertThat(Context.copyCurrent().contains(var)).isFalse();
    }

    @AioTest
    void settingNullIsAValue() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        var.set(null);
        assertThat(var.get()).isNull();
        assertThat(Context.copyCurrent().contains(var)).isTrue();
    }

    @AioTest
    void resetWithATokenOfAnotherVariableThrowsIllegalArgument() {
        ContextVar<String> a = ContextVar.of("a");
        ContextVar<String> b = ContextVar.of("b");
        ContextVar.Token<String> tokenOfA = a.set("x");
        assertThatThrownBy(() -> b.reset(tokenOfA)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        assertThat(a.get()).isEqualTo("x");
    }

    @AioTest
    void resetWithATokenOfAnotherContextThrowsIllegalArgument() {
        ContextVar<String> var = ContextVar.of("v");
        ContextVar.Token<String> inCopy = Context.copyCurrent().run(() -> var.set("in copy"));
        assertThatThrownBy(() -> var.reset(inCopy)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different Context");
        ContextVar.Token<String> inParent = var.set("parent");
        Task<Void> child = Aio.createTask(Aio.async(() -> {
            assertThatThrownBy(() -> var.reset(inParent)).isInstanceOf(IllegalArgumentException.class);
        }));
        Aio.await(child);
        assertThat(var.get()).isEqualTo("parent");
    }

    @AioTest
    void tokenUsedTwiceThrowsIllegalState() {
        ContextVar<String> var = ContextVar.of("v");
        ContextVar.Token<String> token = var.set("x");
        var.reset(token);
        assertThatThrownBy(() -> var.reset(token)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already been used");
    }

    @AioTest
    void childTaskSeesTheParentValueAtCreationAndItsChangesDoNotLeakBack() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        List<String> trace = new CopyOnWriteArrayList<>();
        var.set("parent at creation");
        Task<Void> child = Aio.createTask(Aio.async(() -> {
            trace.add("child sees " + var.get());
            var.set("child's own");
            Aio.sleep(1.0);
            trace.add("child still sees " + var.get());
        }));
        var.set("parent later"); // before the child's first step: not seen by it
        Aio.await(child);
        trace.add("parent sees " + var.get());
        assertThat(trace).containsExactly("child sees parent at creation", "child still sees child's own",
                "parent sees parent later");
    }

    @AioTest
    void siblingTasksAreIsolated() {
        ContextVar<String> var = ContextVar.of("v");
        List<String> trace = new CopyOnWriteArrayList<>();
        Coro<Void> a = Aio.async(() -> {
            var.set("a");
            Aio.sleep(1.0);
            trace.add("a sees " + var.get());
        });
        Coro<Void> b = Aio.async(() -> {
            var.set("b");
            Aio.sleep(0.5);
            trace.add("b sees " + var.get());
        });
        Aio.await(Aio.gather(a, b));
        assertThatThrownBy(var::get).as("nothing leaked into the parent").isInstanceOf(IllegalStateException.class);
        assertThat(trace).containsExactly("b sees b", "a sees a");
    }

    @AioTest
    void tasksInAGroupSeeTheBodysContext() {
        ContextVar<String> var = ContextVar.of("v");
        var.set("request-42");
        Aio.taskGroup(tg -> {
            Task<String> t = tg.createTask(Aio.async(() -> Aio.sleep(1.0, var.get())));
            Aio.sleep(2.0);
            assertThat(t.result()).isEqualTo("request-42");
        });
    }

    @AioTest
    void eagerTaskSeesItsCreatorsContext() {
        ContextVar<String> var = ContextVar.of("v");
        var.set("creator");
        Task<String> t = EagerTaskTest.createEager(Aio.runningLoop(), Aio.async(() -> var.get()), null);
        assertThat(t.done()).isTrue();
        assertThat(t.result()).isEqualTo("creator");
    }

    @AioTest
    void callbacksSeeTheContextAtSchedulingTime() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        List<String> trace = new CopyOnWriteArrayList<>();
        EventLoop loop = Aio.runningLoop();
        var.set("at callSoon");
        loop.callSoon(() -> {
            trace.add("soon sees " + var.get());
            var.set("set in callback"); // changes the callback's copy only
        });
        var.set("at callLater");
        loop.callLater(1.0, () -> trace.add("later sees " + var.get()));
        var.set("after scheduling");
        loop.callSoon(() -> trace.add("second soon sees " + var.get()));
        Aio.sleep(2.0);
        trace.add("task sees " + var.get());
        assertThat(trace).containsExactly("soon sees at callSoon", "second soon sees after scheduling",
                "later sees at callLater", "task sees after scheduling");
    }

    @AioTest
    void callbackWithoutContextSeesTheDefault() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.runningLoop().callSoon(() -> trace.add(var.get()));
        var.set("set after scheduling");
        Aio.sleep(0);
        assertThat(trace).containsExactly("dflt");
    }

    @AioTest
    void taskCreatedInACallbackSeesTheCallbacksContext() {
        ContextVar<String> var = ContextVar.of("v");
        AtomicReference<Task<String>> created = new AtomicReference<>();
        var.set("scheduler");
        Aio.runningLoop().callSoon(() -> created.set(Aio.runningLoop().createTask(Aio.async(() -> var.get()))));
        var.set("changed");
        Aio.sleep(1.0);
        assertThat(created.get().result()).isEqualTo("scheduler");
    }

    @AioTest
    void doneCallbacksSeeTheContextAtAddDoneCallbackTime() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        List<String> trace = new CopyOnWriteArrayList<>();
        Future<String> f = Aio.runningLoop().createFuture();
        var.set("at add");
        f.addDoneCallback(done -> trace.add("pending-then-done sees " + var.get()));
        var.set("at completion");
        f.setResult("x");
        f.addDoneCallback(done -> trace.add("added when done sees " + var.get()));
        var.set("after");
        Aio.sleep(0);
        assertThat(trace).containsExactly("pending-then-done sees at add", "added when done sees at completion");
    }

    @AioTest
    void removeDoneCallbackFindsACallbackAddedWithAContext() {
        ContextVar<String> var = ContextVar.of("v");
        List<String> trace = new CopyOnWriteArrayList<>();
        var.set("x");
        Future<String> f = Aio.runningLoop().createFuture();
        Consumer<Future<String>> cb = done -> trace.add("ran");
        f.addDoneCallback(cb);
        assertThat(f.removeDoneCallback(cb)).isEqualTo(1);
        f.setResult("done");
        Aio.sleep(0);
        assertThat(trace).isEmpty();
    }

    @AioTest
    void toThreadSeesTheSendersValueAndItsChangesDoNotLeakBack() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        var.set("sender");
        String seen = Aio.toThread(() -> {
            String before = var.get();
            var.set("thread's own");
            return before + "/" + var.get();
        });
        assertThat(seen).isEqualTo("sender/thread's own");
        assertThat(var.get()).isEqualTo("sender");
    }

    @AioTest
    void copyCurrentIsASnapshot() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        var.set("before copy");
        Context snapshot = Context.copyCurrent();
        var.set("after copy");
        assertThat(snapshot.get(var)).isEqualTo("before copy");
        assertThat(snapshot.size()).isEqualTo(1);
        String inSnapshot = snapshot.run(var::get);
        assertThat(inSnapshot).isEqualTo("before copy");
        assertThat(var.get()).isEqualTo("after copy");
    }

    @AioTest
    void runMakesSetsChangeThatContextOnly() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        var.set("task");
        Context ctx = Context.copyCurrent();
        Context other = ctx.copy();
        ctx.run(() -> var.set("inside run"));
        assertThat(ctx.get(var)).isEqualTo("inside run");
        assertThat(other.get(var)).as("copy() is independent").isEqualTo("task");
        assertThat(var.get()).isEqualTo("task");
        String inCtx = ctx.run(var::get);
        assertThat(inCtx).as("the set stays in ctx").isEqualTo("inside run");
    }

    @AioTest
    void runInsideACoroutineMayAwait(TestLoop test) {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        Context ctx = Context.empty();
        String v = ctx.run(() -> {
            var.set("in ctx");
            Aio.sleep(1.0);
            return var.get();
        });
        assertThat(v).isEqualTo("in ctx");
        assertThat(var.get()).isEqualTo("dflt");
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void tasksCreatedInsideRunInheritThatContext() {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        Context ctx = Context.empty();
        ctx.run(() -> var.set("ctx value"));
        Task<String> t = ctx.run(() -> Aio.createTask(Aio.async(() -> var.get())));
        assertThat(Aio.await(t)).isEqualTo("ctx value");
    }

    @AioTest
    void enteringAContextAlreadyEnteredThrowsIllegalState() {
        Context ctx = Context.empty();
        assertThatThrownBy(() -> ctx.run(() -> ctx.run(() -> "twice"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already entered");
        assertThat(ctx.run(() -> "usable again after")).isEqualTo("usable again after");
    }

    @Test
    void runRethrowsCheckedExceptionsUnchanged() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Context.empty().run(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void plainThreadsHaveTheirOwnContext() throws Exception {
        ContextVar<String> var = ContextVar.of("v", "dflt");
        Context.empty().run(() -> {
            var.set("this thread");
            AtomicReference<String> seenElsewhere = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> seenElsewhere.set(var.get()));
            other.join();
            assertThat(seenElsewhere).hasValue("dflt");
            assertThat(var.get()).isEqualTo("this thread");
            return null;
        });
        assertThat(Context.copyCurrent().contains(var)).isFalse();
    }

    @Test
    void contextToStringListsTheValues() {
        ContextVar<Integer> var = ContextVar.of("answer");
        Context ctx = Context.empty();
        ctx.run(() -> var.set(42));
        assertThat(ctx.toString()).contains("answer=42");
        assertThat(var.toString()).contains("answer");
    }

    @Test
    void contextEnteredOnOneThreadCannotBeEnteredFromAnotherUntilItLeaves() throws Exception {
        Context ctx = Context.empty();
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread other = Thread.ofPlatform().start(() -> ctx.run(() -> {
            inside.countDown();
            release.await();
            return null;
        }));
        inside.await();
        assertThatThrownBy(() -> ctx.run(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already entered");
        release.countDown();
        other.join();
        assertThat(ctx.run(() -> 2)).isEqualTo(2);
    }
}
