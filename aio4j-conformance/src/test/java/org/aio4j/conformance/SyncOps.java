package org.aio4j.conformance;

import java.util.List;
import java.util.Map;
import org.aio4j.sync.Barrier;
import org.aio4j.sync.Condition;
import org.aio4j.sync.Event;
import org.aio4j.sync.Lock;
import org.aio4j.sync.Queue;
import org.aio4j.sync.Semaphore;

/**
 * The primitive and queue ops of {@link AioInterpreter} ({@code new}, {@code acquire},
 * {@code release}, {@code set}, {@code notify}, {@code put}, {@code get}, {@code abort}, ...), the
 * mirror of the primitives' part of {@code asyncio_interpreter.py}. Loop thread only, like the
 * interpreter.
 */
final class SyncOps {
    private final AioInterpreter in;

    SyncOps(AioInterpreter interpreter) {
        this.in = interpreter;
    }

    /**
     * A queue item. Queues hold these, so that a priority queue orders scenario values the way
     * Python orders them (numbers, strings, lists lexicographically), which the JSON values' Java
     * classes do not do by themselves (a List is not Comparable).
     */
    record Item(Object value) implements Comparable<Item> {
        @Override
        public int compareTo(Item o) {
            return compareValues(value, o.value);
        }

        private static int compareValues(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) {
                return Long.compare(x.longValue(), y.longValue());
            }
            if (a instanceof String x && b instanceof String y) {
                return x.compareTo(y);
            }
            if (a instanceof List<?> x && b instanceof List<?> y) {
                for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                    int c = compareValues(x.get(i), y.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(x.size(), y.size());
            }
            throw new AioInterpreter.BrokenScenario("a priority queue cannot order " + a + " and " + b);
        }
    }

    @SuppressWarnings("unchecked")
    private Queue<Item> queue(Map<String, Object> step) {
        return in.on(step, Queue.class);
    }

    /** {@code acquire()} of a lock, condition or semaphore (Python's {@code await x.acquire()}). */
    AutoCloseable acquireOf(Object o, Map<String, Object> step) {
        if (o instanceof Lock l) {
            return l.acquire();
        }
        if (o instanceof Condition c) {
            return c.acquire();
        }
        if (o instanceof Semaphore s) {
            return s.acquire();
        }
        throw new AioInterpreter.BrokenScenario("'" + step.get("on") + "' cannot do '" + step.get("op") + "'");
    }

    /** The primitive and queue ops; false if {@code op} is none of them. */
    @SuppressWarnings("unchecked")
    boolean step(String op, Map<String, Object> step) throws Exception {
        String x = (String) step.get("on");
        switch (op) {
            case "new" -> opNew(step);
            case "acquire" -> {
                Object o = in.on(step, Object.class);
                in.logged("acquire " + x, () -> {
                    acquireOf(o, step);
                    return true;
                });
            }
            case "release" -> {
                Object o = in.on(step, Object.class);
                in.loggedVoid("release " + x, () -> {
                    if (o instanceof Lock l) {
                        l.release();
                    } else if (o instanceof Condition c) {
                        c.release();
                    } else if (o instanceof Semaphore s) {
                        s.release();
                    } else {
                        throw new AioInterpreter.BrokenScenario("'" + x + "' cannot do 'release'");
                    }
                });
            }
            case "locked" -> {
                Object o = in.on(step, Object.class);
                in.logged("locked " + x, () -> {
                    if (o instanceof Lock l) {
                        return l.locked();
                    } else if (o instanceof Condition c) {
                        return c.locked();
                    } else if (o instanceof Semaphore s) {
                        return s.locked();
                    }
                    throw new AioInterpreter.BrokenScenario("'" + x + "' cannot do 'locked'");
                });
            }
            case "set" -> {
                Event e = in.on(step, Event.class);
                in.loggedVoid("set " + x, e::set);
            }
            case "clear" -> {
                Event e = in.on(step, Event.class);
                in.loggedVoid("clear " + x, e::clear);
            }
            case "is_set" -> {
                Event e = in.on(step, Event.class);
                in.logged("is_set " + x, e::isSet);
            }
            case "set_var" -> {
                in.vars().put((String) step.get("var"), step.get("value"));
                in.log("var " + step.get("var") + " = " + Formats.value(step.get("value")));
            }
            case "add_var" -> {
                String v = (String) step.get("var");
                long by = ((Number) step.getOrDefault("by", 1L)).longValue();
                in.vars().put(v, ((Number) in.vars().getOrDefault(v, 0L)).longValue() + by);
                in.log("var " + v + " = " + Formats.value(in.vars().get(v)));
            }
            case "notify" -> {
                Condition c = in.on(step, Condition.class);
                int n = ((Number) step.getOrDefault("n", 1L)).intValue();
                in.loggedVoid("notify " + x + " " + n, () -> c.signal(n));
            }
            case "notify_all" -> {
                Condition c = in.on(step, Condition.class);
                in.loggedVoid("notify_all " + x, c::signalAll);
            }
            case "reset" -> {
                Barrier b = in.on(step, Barrier.class);
                in.loggedVoid("reset " + x, b::reset);
            }
            case "abort" -> {
                Barrier b = in.on(step, Barrier.class);
                in.loggedVoid("abort " + x, b::abort);
            }
            case "n_waiting" -> {
                Barrier b = in.on(step, Barrier.class);
                in.logged("n_waiting " + x, b::waiting);
            }
            case "broken" -> {
                Barrier b = in.on(step, Barrier.class);
                in.logged("broken " + x, b::broken);
            }
            case "parties" -> {
                Barrier b = in.on(step, Barrier.class);
                in.logged("parties " + x, b::parties);
            }
            case "put" -> {
                Queue<Item> q = queue(step);
                Object v = step.get("value");
                in.loggedVoid("put " + x + " " + Formats.value(v), () -> q.put(new Item(v)));
            }
            case "get" -> {
                Queue<Item> q = queue(step);
                in.logged("get " + x, () -> q.get().value());
            }
            case "put_nowait" -> {
                Queue<Item> q = queue(step);
                Object v = step.get("value");
                in.loggedVoid("put_nowait " + x + " " + Formats.value(v), () -> {
                    if (!q.tryPut(new Item(v))) {
                        throw new ScenarioError("QueueFull", null);
                    }
                });
            }
            case "get_nowait" -> {
                Queue<Item> q = queue(step);
                in.logged("get_nowait " + x, () -> {
                    Item i = q.tryGet();
                    if (i == null) {
                        throw new ScenarioError("QueueEmpty", null);
                    }
                    return i.value();
                });
            }
            case "qsize" -> {
                Queue<Item> q = queue(step);
                in.logged("qsize " + x, q::qsize);
            }
            case "empty" -> {
                Queue<Item> q = queue(step);
                in.logged("empty " + x, q::empty);
            }
            case "full" -> {
                Queue<Item> q = queue(step);
                in.logged("full " + x, q::full);
            }
            case "task_done" -> {
                Queue<Item> q = queue(step);
                in.loggedVoid("task_done " + x, q::taskDone);
            }
            case "join" -> {
                Queue<Item> q = queue(step);
                in.loggedVoid("join " + x, q::join);
            }
            case "shutdown" -> {
                Queue<Item> q = queue(step);
                boolean immediate = Boolean.TRUE.equals(step.get("immediate"));
                in.loggedVoid("shutdown " + x + (immediate ? " immediate" : ""), () -> q.shutdown(immediate));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void opNew(Map<String, Object> step) {
        String name = (String) step.get("name");
        String kind = (String) step.get("kind");
        int value = ((Number) step.getOrDefault("value", 1L)).intValue();
        int maxsize = ((Number) step.getOrDefault("maxsize", 0L)).intValue();
        Object o;
        try {
            o = switch (kind) {
                case "lock" -> Lock.create();
                case "event" -> Event.create();
                case "condition" -> {
                    if (!step.containsKey("lock")) {
                        yield Condition.create();
                    }
                    if (!(in.obj((String) step.get("lock")) instanceof Lock l)) {
                        throw new AioInterpreter.BrokenScenario("the lock of a condition must be a lock: " + step.get("lock"));
                    }
                    yield Condition.create(l);
                }
                case "semaphore" -> Semaphore.create(value);
                case "bounded_semaphore" -> Semaphore.bounded(value);
                case "barrier" -> Barrier.create(((Number) step.get("parties")).intValue());
                case "queue" -> Queue.<Item>create(maxsize);
                case "lifo_queue" -> Queue.<Item>lifo(maxsize);
                case "priority_queue" -> Queue.<Item>priority(maxsize);
                default -> throw new AioInterpreter.BrokenScenario("unknown kind '" + kind + "'");
            };
        } catch (AioInterpreter.BrokenScenario e) {
            throw e;
        } catch (RuntimeException e) {
            in.log("new " + name + " ! " + Formats.exception(e));
            throw e;
        }
        in.register(name, o, "sync");
    }
}
