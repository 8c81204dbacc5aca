package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ExceptionGroup}: contents, message, and subgroup/split/contains over nested groups. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExceptionGroupTest {

    private final IOException io = new IOException("io");
    private final FileNotFoundException missing = new FileNotFoundException("missing");
    private final IllegalStateException state = new IllegalStateException("state");
    private final ArithmeticException math = new ArithmeticException("math");

    /** [io, [missing, state], math] */
    private ExceptionGroup nested() {
        return new ExceptionGroup("outer", List.of(io, new ExceptionGroup("inner", List.of(missing, state)), math));
    }

    @Test
    void holdsTheExceptionsInOrderWithACountInTheMessage() {
        ExceptionGroup g = new ExceptionGroup("failures", List.of(io, state));
        assertThat(g.exceptions()).containsExactly(io, state);
        assertThat(g.baseMessage()).isEqualTo("failures");
        assertThat(g).hasMessage("failures (2 sub-exceptions)");
        assertThat(new ExceptionGroup("one", List.of(io))).hasMessage("one (1 sub-exception)");
    }

    @Test
    void firstExceptionIsTheCauseAndTheOthersAreSuppressed() {
        ExceptionGroup g = new ExceptionGroup("failures", List.of(io, state, math));
        assertThat(g.getCause()).isSameAs(io);
        assertThat(g.getSuppressed()).containsExactly(state, math);
    }

    @Test
    void exceptionsAreACopyThatCannotBeChanged() {
        List<Throwable> source = new ArrayList<>(List.of(io));
        ExceptionGroup g = new ExceptionGroup("failures", source);
        source.add(state);
        assertThat(g.exceptions()).containsExactly(io);
        assertThatThrownBy(() -> g.exceptions().add(state)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyGroupIsRejected() {
        assertThatThrownBy(() -> new ExceptionGroup("nothing", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subgroupByTypeSearchesNestedGroupsAndKeepsTheirShape() {
        ExceptionGroup g = nested().subgroup(IOException.class);
        assertThat(g.baseMessage()).isEqualTo("outer");
        assertThat(g.exceptions()).hasSize(2);
        assertThat(g.exceptions().get(0)).isSameAs(io);
        ExceptionGroup inner = (ExceptionGroup) g.exceptions().get(1);
        assertThat(inner.baseMessage()).isEqualTo("inner");
        assertThat(inner.exceptions()).containsExactly(missing);
    }

    @Test
    void subgroupWithoutMatchIsNull() {
        assertThat(nested().subgroup(UnsupportedOperationException.class)).isNull();
    }

    @Test
    void subgroupByPredicate() {
        ExceptionGroup g = nested().subgroup(e -> "math".equals(e.getMessage()));
        assertThat(g.exceptions()).containsExactly(math);
    }

    @Test
    void subgroupMatchingTheGroupItselfReturnsIt() {
        ExceptionGroup g = nested();
        assertThat(g.subgroup(ExceptionGroup.class)).isSameAs(g);
    }

    @Test
    void splitSeparatesMatchesFromTheRestAtEveryLevel() {
        ExceptionGroup.Split split = nested().split(RuntimeException.class);
        ExceptionGroup match = split.match();
        assertThat(match.exceptions()).hasSize(2);
        assertThat(((ExceptionGroup) match.exceptions().get(0)).exceptions()).containsExactly(state);
        assertThat(match.exceptions().get(1)).isSameAs(math);
        ExceptionGroup rest = split.rest();
        assertThat(rest.exceptions()).hasSize(2);
        assertThat(rest.exceptions().get(0)).isSameAs(io);
        assertThat(((ExceptionGroup) rest.exceptions().get(1)).exceptions()).containsExactly(missing);
    }

    @Test
    void splitWithEverythingOnOneSideHasNullForTheOther() {
        ExceptionGroup g = nested();
        assertThat(g.split(Exception.class).rest()).isNull();
        assertThat(g.split(OutOfMemoryError.class).match()).isNull();
        assertThat(g.split(OutOfMemoryError.class).rest().exceptions()).hasSize(3);
    }

    @Test
    void containsLooksIntoNestedGroups() {
        ExceptionGroup g = nested();
        assertThat(g.contains(FileNotFoundException.class)).isTrue();
        assertThat(g.contains(IllegalStateException.class)).isTrue();
        assertThat(g.contains(UnsupportedOperationException.class)).isFalse();
    }

    @Test
    void typesAboveExceptionGroupMatchTheFailuresNotTheGroups() {
        // An ExceptionGroup is itself a RuntimeException; matching by type looks at the failures inside.
        ExceptionGroup onlyChecked = new ExceptionGroup("io only", List.of(io, new ExceptionGroup("inner", List.of(missing))));
        assertThat(onlyChecked.contains(RuntimeException.class)).isFalse();
        assertThat(onlyChecked.subgroup(RuntimeException.class)).isNull();
        assertThat(onlyChecked.split(Exception.class).rest()).isNull();
        assertThat(onlyChecked.split(Exception.class).match().exceptions()).hasSize(2);
        assertThat(onlyChecked.contains(ExceptionGroup.class)).as("a group type still matches groups").isTrue();
    }

    @Test
    void deriveKeepsTheMessage() {
        ExceptionGroup derived = nested().derive(List.of(state));
        assertThat(derived.baseMessage()).isEqualTo("outer");
        assertThat(derived.exceptions()).containsExactly(state);
    }
}
