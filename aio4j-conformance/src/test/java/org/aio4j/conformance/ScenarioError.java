package org.aio4j.conformance;

/**
 * The error a scenario's {@code raise} step throws: one class for every user error name
 * ({@code ValueError}, {@code E1}, ...), the name carried as a field. The Python interpreter makes
 * one exception class per name instead; both print as {@code Name("message")}.
 */
final class ScenarioError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorName;

    ScenarioError(String errorName, String message) {
        super(message);
        this.errorName = errorName;
    }

    String errorName() {
        return errorName;
    }
}
