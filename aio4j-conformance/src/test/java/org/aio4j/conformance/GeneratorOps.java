package org.aio4j.conformance;

import static org.aio4j.Aio.await;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.aio4j.Aio;
import org.aio4j.AsyncGenerator;
import org.aio4j.EventLoop;
import org.aio4j.Yielder;

/**
 * The async generator ops of {@link AioInterpreter}: {@code agen}, {@code yield_value},
 * {@code anext}, {@code asend}, {@code athrow}, {@code aclose}, {@code async_for}, {@code break} and
 * {@code shutdown_asyncgens}, the mirror of the "async generators" section of
 * {@code asyncio_interpreter.py}.
 *
 * <p>A scenario generator is an {@link AsyncGenerator} whose body runs the {@code agen}'s steps
 * with the interpreter; a {@code yield_value} step among them yields through that generator's
 * {@link Yielder}. Loop thread only, like the interpreter.
 */
final class GeneratorOps {
    /*
     * Which Yielder a yield_value step uses: the Python side compiles a generator's body to an
     * `async def` with native yields, so a yield_value may stand at the top of the body or inside
     * the body, catch bodies and finally of a "try" there (a yield inside a coroutine the generator
     * awaits is impossible in Python). The same places are walked here when the agen is defined, and
     * each yield_value step found (by identity) is bound to its generator's Yielder slot; a
     * yield_value reached anywhere else is a broken scenario, as on the Python side.
     */

    /** What {@link #step} returns for an op that is not one of these. */
    static final Object NOT_MINE = new Object();

    /** What a block returns when a {@code break} step ran: it leaves the innermost {@code async_for}. */
    static final Object BREAK = new Object() {
        @Override
        public String toString() {
            return "BREAK";
        }
    };

    /** The Yielder of one generator, known once its body has started. */
    private static final class Slot {
        Yielder<Object> out;
    }

    private final AioInterpreter interpreter;
    private final Map<Object, Slot> yieldSteps = new IdentityHashMap<>();

    GeneratorOps(AioInterpreter interpreter) {
        this.interpreter = interpreter;
    }

    /** Runs {@code step} if its op is a generator op: null, a block's marker, or {@link #NOT_MINE}. */
    @SuppressWarnings("unchecked")
    Object step(String op, Map<String, Object> step, Throwable handling) throws Exception {
        String x = (String) step.get("on");
        switch (op) {
            case "agen" -> define(step);
            case "yield_value" -> {
                Slot slot = yieldSteps.get(step);
                if (slot == null || slot.out == null) {
                    throw new AioInterpreter.BrokenScenario("yield_value outside the body of an agen (or inside an op"
                            + " other than try)");
                }
                Object v = step.get("value");
                interpreter.log("yield " + Formats.value(v));
                Object sent = slot.out.yield(v);
                if (sent != null) {
                    interpreter.log("sent = " + Formats.value(sent));
                }
            }
            case "anext" -> {
                AsyncGenerator<Object> g = generator(step);
                interpreter.logged("anext " + x, g::anext);
            }
            case "asend" -> {
                AsyncGenerator<Object> g = generator(step);
                Object v = step.get("value");
                interpreter.logged("asend " + x + " " + Formats.value(v), () -> g.asend(v));
            }
            case "athrow" -> {
                AsyncGenerator<Object> g = generator(step);
                Throwable e = Formats.error((String) step.get("error"), (String) step.get("msg"));
                interpreter.logged("athrow " + x, () -> g.athrow(e));
            }
            case "aclose" -> {
                AsyncGenerator<Object> g = generator(step);
                interpreter.loggedVoid("aclose " + x, g::aclose);
            }
            case "async_for" -> {
                return asyncFor(step, handling);
            }
            case "break" -> {
                return BREAK;
            }
            case "shutdown_asyncgens" -> {
                EventLoop loop = Aio.runningLoop();
                interpreter.loggedVoid("shutdown_asyncgens", () -> await(loop.shutdownAsyncgens()));
            }
            default -> {
                return NOT_MINE;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private void define(Map<String, Object> step) {
        String name = (String) step.get("name");
        if (!step.containsKey("body")) {
            throw new AioInterpreter.BrokenScenario("an agen needs an inline 'body': " + step);
        }
        List<Object> body = (List<Object>) step.get("body");
        Slot slot = new Slot();
        bind(body, slot);
        AsyncGenerator<Object> g = Aio.asyncGenerator(name, out -> {
            slot.out = out;
            interpreter.block(body, null); // a return, break or yield of a marker just ends the body
        });
        interpreter.register(name, g, "agen");
    }

    /** Binds the yield_value steps of {@code block} (and of the try steps in it) to {@code slot}. */
    @SuppressWarnings("unchecked")
    private void bind(List<Object> block, Slot slot) {
        for (Object o : block) {
            Map<String, Object> s = (Map<String, Object>) o;
            switch (String.valueOf(s.get("op"))) {
                case "yield_value" -> {
                    if (yieldSteps.putIfAbsent(s, slot) != null) {
                        throw new AioInterpreter.BrokenScenario("a yield_value step in two generators: " + s);
                    }
                }
                case "return" -> {
                    if (s.get("value") != null) {
                        throw new AioInterpreter.BrokenScenario("a generator's return has no value: " + s);
                    }
                }
                case "try" -> {
                    bind((List<Object>) s.getOrDefault("body", List.of()), slot);
                    for (Object c : (List<Object>) s.getOrDefault("catch", List.of())) {
                        bind((List<Object>) ((Map<String, Object>) c).getOrDefault("body", List.of()), slot);
                    }
                    if (s.containsKey("finally")) {
                        bind((List<Object>) s.get("finally"), slot);
                    }
                }
                default -> {
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private AsyncGenerator<Object> generator(Map<String, Object> step) {
        return interpreter.on(step, AsyncGenerator.class);
    }

    /** {@code async for v in G: body}, as a Java for loop over the generator. */
    @SuppressWarnings("unchecked")
    private Object asyncFor(Map<String, Object> step, Throwable handling) throws Exception {
        String x = (String) step.get("on");
        AsyncGenerator<Object> g = generator(step);
        List<Object> body = (List<Object>) step.getOrDefault("body", List.of());
        boolean hasBreakAt = step.containsKey("break_at");
        String breakAt = hasBreakAt ? Formats.value(step.get("break_at")) : null;
        for (Object v : g) {
            interpreter.log("for " + x + " = " + Formats.value(v));
            Object r = interpreter.block(body, handling);
            if (r == BREAK || (hasBreakAt && Formats.value(v).equals(breakAt))) {
                interpreter.log("for " + x + " break");
                return null;
            }
            if (r != null) {
                return r;
            }
        }
        interpreter.log("for " + x + " end");
        return null;
    }
}
