package org.aio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Several failures raised together: Python's {@code ExceptionGroup}, raised by {@link TaskGroup}
 * with every failure of its tasks and of its body.
 *
 * <p>{@link #exceptions()} lists them in the order they happened. {@link #subgroup} and
 * {@link #split} select by type or predicate, looking into nested groups, like Python's methods of
 * the same names (by type, a group itself matches only a group type: {@code RuntimeException.class}
 * selects failures, not the groups, which are RuntimeExceptions too); {@link #contains} answers "did
 * any of them fail with X". The failures are also attached as suppressed exceptions, so a printed
 * stack trace shows each of them in full.
 */
public class ExceptionGroup extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The two halves of a {@link #split}: matching failures and the rest, each {@code null} if empty. */
    public record Split(ExceptionGroup match, ExceptionGroup rest) {
    }

    private final String baseMessage;
    private final List<Throwable> exceptions;

    /**
     * A group of {@code exceptions}.
     *
     * @throws IllegalArgumentException if {@code exceptions} is empty
     */
    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")",
                exceptions.isEmpty() ? null : exceptions.get(0));
        if (exceptions.isEmpty()) {
            throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        }
        this.baseMessage = message;
        this.exceptions = List.copyOf(exceptions);
        for (Throwable e : this.exceptions) {
            if (e != getCause()) {
                addSuppressed(e);
            }
        }
    }

    /** The message without the count ({@code "unhandled errors in a TaskGroup"}). */
    public String baseMessage() {
        return baseMessage;
    }

    /** The failures, in the order they happened. */
    public List<Throwable> exceptions() {
        return exceptions;
    }

    /** The failures of type {@code type} (nested groups searched), as a group, or {@code null}. */
    public ExceptionGroup subgroup(Class<? extends Throwable> type) {
        return subgroup(ofType(type));
    }

    /** The failures {@code condition} accepts (nested groups searched), as a group, or {@code null}. */
    public ExceptionGroup subgroup(Predicate<? super Throwable> condition) {
        return split(condition).match();
    }

    /** Splits into the failures of type {@code type} and the others. */
    public Split split(Class<? extends Throwable> type) {
        return split(ofType(type));
    }

    /**
     * Matches failures of {@code type}; a group itself only for a group type. An ExceptionGroup is a
     * RuntimeException: with Python's plain isinstance test, {@code contains(RuntimeException.class)}
     * would be true of every group, whatever it holds.
     */
    private static Predicate<Throwable> ofType(Class<? extends Throwable> type) {
        boolean groupType = ExceptionGroup.class.isAssignableFrom(type);
        return e -> type.isInstance(e) && (groupType || !(e instanceof ExceptionGroup));
    }

    /** Splits into the failures {@code condition} accepts and the others (nested groups split too). */
    public Split split(Predicate<? super Throwable> condition) {
        if (condition.test(this)) {
            return new Split(this, null);
        }
        List<Throwable> match = new ArrayList<>();
        List<Throwable> rest = new ArrayList<>();
        for (Throwable e : exceptions) {
            if (e instanceof ExceptionGroup g) {
                Split s = g.split(condition);
                if (s.match() != null) {
                    match.add(s.match());
                }
                if (s.rest() != null) {
                    rest.add(s.rest());
                }
            } else if (condition.test(e)) {
                match.add(e);
            } else {
                rest.add(e);
            }
        }
        return new Split(match.isEmpty() ? null : derive(match), rest.isEmpty() ? null : derive(rest));
    }

    /** Whether any failure (nested groups searched) is of type {@code type}. */
    public boolean contains(Class<? extends Throwable> type) {
        return subgroup(type) != null;
    }

    /** A group with the same message and other exceptions (used by split and subgroup). */
    public ExceptionGroup derive(List<? extends Throwable> others) {
        return new ExceptionGroup(baseMessage, others);
    }
}
