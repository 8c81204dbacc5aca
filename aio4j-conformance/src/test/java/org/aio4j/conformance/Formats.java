package org.aio4j.conformance;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.aio4j.CancelledError;
import org.aio4j.ExceptionGroup;
import org.aio4j.GeneratorExit;
import org.aio4j.StopAsyncIteration;
import org.aio4j.TimeoutError;
import org.aio4j.sync.BrokenBarrierError;
import org.aio4j.sync.QueueShutDown;

/**
 * How values, exceptions and times print in traces: the same text as {@code fmt_value},
 * {@code fmt_exc} and {@code fmt_time} of the Python interpreter, so traces compare as strings.
 *
 * <p>Exceptions map by meaning: {@link CancelledError} prints {@code CancelledError("msg")} (or bare
 * without a message), {@link TimeoutError} {@code TimeoutError} (asyncio's has no message), an
 * {@link ExceptionGroup} {@code ExceptionGroup[member, ...]} (the fixed message is left out), a
 * scenario's own error {@code Name("msg")}, the errors of org.aio4j.sync by the name of asyncio's
 * (see {@link #builtinName}). Anything else prints as its Java class name and message,
 * which no Python trace contains: an unexpected exception always shows up as a difference.
 */
final class Formats {
    private Formats() {
    }

    static String time(double seconds) {
        return String.format(Locale.ROOT, "%.6f", seconds);
    }

    static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (v instanceof Throwable t) {
            return exception(t);
        }
        if (v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        if (v instanceof String s) {
            return Json.quote(s);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(Formats::value).collect(Collectors.joining(", ", "[", "]"));
        }
        throw new IllegalArgumentException("a scenario value must be null, a boolean, an integer, a string or"
                + " a list: " + v + " (" + v.getClass().getName() + ")");
    }

    static String exception(Throwable e) {
        String name;
        if (e instanceof CancelledError) {
            name = "CancelledError";
        } else if (e instanceof TimeoutError) {
            return "TimeoutError";
        } else if (e instanceof ExceptionGroup g) {
            return g.exceptions().stream().map(Formats::exception).collect(Collectors.joining(", ", "ExceptionGroup[", "]"));
        } else if (e instanceof ScenarioError s) {
            name = s.errorName();
        } else if (builtinName(e) != null) {
            return builtinName(e);
        } else {
            return e.getClass().getSimpleName() + "(" + Json.quote(String.valueOf(e.getMessage())) + ")";
        }
        String msg = e.getMessage();
        return msg == null ? name : name + "(" + Json.quote(msg) + ")";
    }

    /**
     * The name, by meaning, of an error that an org.aio4j.sync primitive or queue throws where asyncio
     * raises a built-in one, or null. Printed without a message (each side words its own):
     * {@code RuntimeError} (a misuse for the object's state: IllegalStateException),
     * {@code ValueError} (a bad argument: IllegalArgumentException),
     * {@code BrokenBarrierError}, {@code QueueShutDown}, and the async generators' {@code GeneratorExit}
     * and {@code StopAsyncIteration}. QueueEmpty / QueueFull are the interpreter's
     * own {@link ScenarioError}s (aio4j returns null / false instead).
     */
    static String builtinName(Throwable e) {
        if (e instanceof BrokenBarrierError) {
            return "BrokenBarrierError";
        }
        if (e instanceof QueueShutDown) {
            return "QueueShutDown";
        }
        if (e instanceof GeneratorExit) {
            return "GeneratorExit";
        }
        if (e instanceof StopAsyncIteration) {
            return "StopAsyncIteration";
        }
        if (e.getClass() == IllegalStateException.class) {
            return "RuntimeError";
        }
        if (e.getClass() == IllegalArgumentException.class) {
            return "ValueError";
        }
        return null; // a subclass of those two means something of its own: it prints as itself
    }

    /** The exception a {@code raise} or {@code set_exception} step names. */
    static Throwable error(String name, String message) {
        return switch (name) {
            case "CancelledError" -> new CancelledError(message);
            case "TimeoutError" -> new TimeoutError(message);
            default -> new ScenarioError(name, message);
        };
    }

    /** Whether a catch clause's {@code type} (a name or a list of names) matches {@code e}. */
    static boolean matches(Throwable e, Object type) {
        if (type instanceof List<?> l) {
            return l.stream().anyMatch(t -> matches(e, t));
        }
        return switch ((String) type) {
            case "BaseException" -> true;
            case "Exception" -> e instanceof Exception; // CancelledError is an Error, as asyncio's is a BaseException
            case "CancelledError" -> e instanceof CancelledError;
            case "TimeoutError" -> e instanceof TimeoutError;
            case "ExceptionGroup" -> e instanceof ExceptionGroup;
            default -> e instanceof ScenarioError s ? s.errorName().equals(type) : type.equals(builtinName(e));
        };
    }

    /** Throws {@code t} unchanged; declared to return so callers can write {@code throw sneaky(t)}. */
    @SuppressWarnings("unchecked")
    static <X extends Throwable> X sneaky(Throwable t) throws X {
        throw (X) t;
    }
}
