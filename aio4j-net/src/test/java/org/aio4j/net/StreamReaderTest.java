package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StreamReader}'s logic with {@code feedData}/{@code feedEof} from the test: asyncio's
 * {@code test_streams.py} cases, plus cancellation and the one-reader rule. Flow control against a
 * real transport is in {@link StreamsTest}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamReaderTest {

    private static StreamReader fed(int limit, String... chunks) {
        StreamReader r = new StreamReader(limit);
        for (String c : chunks) {
            r.feedData(b(c));
        }
        return r;
    }

    /** Feeds {@code data} from another task after the reader has had a chance to wait. */
    private static void feedLater(StreamReader r, String data, boolean eof) {
        Aio.createTask(Aio.async(() -> {
            Aio.sleep(0.01);
            if (!data.isEmpty()) {
                r.feedData(b(data));
            }
            if (eof) {
                r.feedEof();
            }
        }));
    }

    // ================================================================ construction

    @Test
    void zeroOrNegativeLimitIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> new StreamReader(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> new StreamReader(-5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-5");
        assertThat(new StreamReader().limit()).isEqualTo(64 * 1024);
    }

    // ================================================================ read

    @Test
    void readReturnsUpToNBytesOfWhatIsBuffered() {
        run(() -> {
            StreamReader r = fed(100, "hello", " world");
            assertThat(s(r.read(3))).isEqualTo("hel");
            assertThat(s(r.read(100))).isEqualTo("lo world");
        });
    }

    @Test
    void readZeroReturnsEmptyWithoutWaiting() {
        run(() -> assertThat(new StreamReader().read(0)).isEmpty());
    }

    @Test
    void readWaitsForAtLeastOneByte() {
        run(() -> {
            StreamReader r = new StreamReader();
            feedLater(r, "abc", false);
            assertThat(s(Aio.timeout(PATIENCE, () -> r.read(10)))).isEqualTo("abc");
        });
    }

    @Test
    void readMinusOneReadsEverythingUntilEof() {
        run(() -> {
            StreamReader r = fed(4, "0123456789");
            feedLater(r, "abcdefghij", true);
            assertThat(s(Aio.timeout(PATIENCE, () -> r.read(-1)))).isEqualTo("0123456789abcdefghij");
            assertThat(r.read(-1)).isEmpty();
        });
    }

    @Test
    void readAtEofReturnsEmpty() {
        run(() -> {
            StreamReader r = fed(10, "ab");
            r.feedEof();
            assertThat(r.atEof()).isFalse();
            assertThat(s(r.read(5))).isEqualTo("ab");
            assertThat(r.atEof()).isTrue();
            assertThat(r.read(5)).isEmpty();
        });
    }

    // ================================================================ readline

    @Test
    void readlineReturnsThroughTheNewline() {
        run(() -> {
            StreamReader r = fed(100, "line1\nli", "ne2\nrest");
            assertThat(s(r.readline())).isEqualTo("line1\n");
            assertThat(s(r.readline())).isEqualTo("line2\n");
            feedLater(r, "", true);
            assertThat(s(Aio.timeout(PATIENCE, r::readline))).isEqualTo("rest");
            assertThat(r.readline()).isEmpty();
        });
    }

    @Test
    void lineLongerThanTheLimitWithItsNewlineBufferedIsDroppedThroughTheNewline() {
        run(() -> {
            StreamReader r = fed(5, "abcdefgh\nxyz\n");
            assertThatThrownBy(r::readline).isInstanceOf(LimitOverrunError.class)
                    .hasMessageContaining("longer than limit");
            assertThat(s(r.readline())).isEqualTo("xyz\n");
        });
    }

    @Test
    void lineLongerThanTheLimitWithoutItsNewlineClearsTheBuffer() {
        run(() -> {
            StreamReader r = fed(5, "abcdefgh");
            assertThatThrownBy(r::readline).isInstanceOf(LimitOverrunError.class)
                    .hasMessageContaining("exceed the limit");
            assertThat(r.size()).isZero();
            r.feedData(b("ij\nk\n"));
            assertThat(s(r.readline())).isEqualTo("ij\n"); // the rest of the long line reads as a line
            assertThat(s(r.readline())).isEqualTo("k\n");
        });
    }

    @Test
    void lineOfExactlyTheLimitIsAccepted() {
        run(() -> {
            StreamReader r = fed(5, "abcde\n");
            assertThat(s(r.readline())).isEqualTo("abcde\n");
        });
    }

    // ================================================================ readexactly

    @Test
    void readexactlyWaitsForAllTheBytes() {
        run(() -> {
            StreamReader r = fed(100, "abc");
            feedLater(r, "defgh", false);
            assertThat(s(Aio.timeout(PATIENCE, () -> r.readexactly(6)))).isEqualTo("abcdef");
            assertThat(s(r.read(10))).isEqualTo("gh");
            assertThat(r.readexactly(0)).isEmpty();
        });
    }

    @Test
    void readexactlyIncompleteCarriesThePartialBytesAndTheExpectedCount() {
        run(() -> {
            StreamReader r = fed(100, "abc");
            feedLater(r, "d", true);
            IncompleteReadError e = Aio.timeout(PATIENCE, () -> {
                try {
                    r.readexactly(10);
                    throw new AssertionError("readexactly returned");
                } catch (IncompleteReadError x) {
                    return x;
                }
            });
            assertThat(s(e.partial())).isEqualTo("abcd");
            assertThat(e.expected()).isEqualTo(10);
            assertThat(e).hasMessage("4 bytes read on a total of 10 expected bytes").isInstanceOf(java.io.EOFException.class);
            assertThat(r.atEof()).isTrue();
        });
    }

    @Test
    void readexactlyOfANegativeCountIsIllegal() {
        run(() -> assertThatThrownBy(() -> new StreamReader().readexactly(-1))
                .isInstanceOf(IllegalArgumentException.class));
    }

    // ================================================================ readuntil

    @Test
    void readuntilFindsAMultiByteSeparatorSplitAcrossFeeds() {
        run(() -> {
            StreamReader r = fed(100, "header\r");
            feedLater(r, "\nbody", false);
            assertThat(s(Aio.timeout(PATIENCE, () -> r.readuntil(b("\r\n"))))).isEqualTo("header\r\n");
            assertThat(r.size()).isEqualTo(4);
        });
    }

    @Test
    void readuntilOverrunLeavesTheDataInTheBuffer() {
        run(() -> {
            StreamReader r = fed(5, "abcdefgh|x");
            LimitOverrunError found = catchOverrun(r, "|");
            assertThat(found.consumed()).isEqualTo(8);
            assertThat(found).hasMessageContaining("Separator is found");
            assertThat(r.size()).isEqualTo(10);
            assertThat(s(r.readexactly(9))).isEqualTo("abcdefgh|");

            StreamReader r2 = fed(5, "abcdefghij");
            LimitOverrunError notFound = catchOverrun(r2, "||");
            assertThat(notFound.consumed()).isEqualTo(9);
            assertThat(notFound).hasMessageContaining("Separator is not found");
            assertThat(r2.size()).isEqualTo(10);
        });
    }

    private static LimitOverrunError catchOverrun(StreamReader r, String sep) throws IOException {
        try {
            r.readuntil(b(sep));
        } catch (LimitOverrunError e) {
            return e;
        }
        throw new AssertionError("no LimitOverrunError");
    }

    @Test
    void readuntilAtEofThrowsIncompleteReadWithEverythingBuffered() {
        run(() -> {
            StreamReader r = fed(100, "abc\r");
            r.feedEof();
            assertThatThrownBy(() -> r.readuntil(b("\r\n"))).isInstanceOfSatisfying(IncompleteReadError.class, e -> {
                assertThat(s(e.partial())).isEqualTo("abc\r");
                assertThat(e.expected()).isEqualTo(IncompleteReadError.UNKNOWN);
                assertThat(e).hasMessageContaining("undefined");
            });
            assertThat(r.atEof()).isTrue();
        });
    }

    @Test
    void readuntilFindsTheSeparatorInTheLastChunkBeforeEof() {
        run(() -> {
            StreamReader r = fed(100, "ab|");
            r.feedEof();
            assertThat(s(r.readuntil(b("|")))).isEqualTo("ab|");
        });
    }

    @Test
    void readuntilWithAnEmptySeparatorIsIllegal() {
        run(() -> assertThatThrownBy(() -> new StreamReader().readuntil(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one byte"));
    }

    // ================================================================ one reader at a time

    @Test
    void twoTasksWaitingOnOneReaderConflictAtOnce() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> first = Aio.createTask(Aio.async(() -> r.read(10)));
            Aio.sleep(0.01);
            assertThatThrownBy(r::readline).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("readuntil() called while another task")
                    .hasMessageContaining("already waiting for incoming data");
            r.feedData(b("data"));
            assertThat(s(Aio.timeout(PATIENCE, () -> Aio.await(first)))).isEqualTo("data");
        });
    }

    @Test
    void aReaderCanWaitAgainAfterTheFirstWaiterWasCancelled() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> first = Aio.createTask(Aio.async(() -> r.read(10)));
            Aio.sleep(0.01);
            first.cancel();
            Aio.sleep(0.01);
            feedLater(r, "x", false);
            assertThat(s(Aio.timeout(PATIENCE, () -> r.read(10)))).isEqualTo("x");
        });
    }

    // ================================================================ cancellation

    @Test
    void cancelledReadexactlyLeavesTheBufferedDataInPlace() {
        run(() -> {
            StreamReader r = fed(100, "12345");
            assertThatThrownBy(() -> Aio.timeout(0.05, () -> r.readexactly(10))).isInstanceOf(TimeoutError.class);
            assertThat(r.size()).isEqualTo(5);
            r.feedData(b("67890"));
            assertThat(s(r.readexactly(10))).isEqualTo("1234567890");
        });
    }

    @Test
    void cancelledReadlineAndReaduntilLeaveTheBufferedDataInPlace() {
        run(() -> {
            StreamReader r = fed(100, "partial");
            assertThatThrownBy(() -> Aio.timeout(0.05, r::readline)).isInstanceOf(TimeoutError.class);
            assertThatThrownBy(() -> Aio.timeout(0.05, () -> r.readuntil(b("!!")))).isInstanceOf(TimeoutError.class);
            assertThatThrownBy(() -> Aio.timeout(0.05, () -> r.read(-1))).isInstanceOf(TimeoutError.class);
            assertThat(r.size()).isEqualTo(7);
            r.feedData(b(" line\n"));
            assertThat(s(r.readline())).isEqualTo("partial line\n");
        });
    }

    @Test
    void readWokenAndCancelledInTheSameIterationLeavesTheData() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> t = Aio.createTask(Aio.async(() -> r.read(10)));
            Aio.sleep(0.01);
            r.feedData(b("kept"));
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            assertThat(s(r.read(10))).isEqualTo("kept");
        });
    }

    // ================================================================ errors and EOF

    @Test
    void setExceptionWakesTheWaitingReadAndFailsLaterReads() {
        run(() -> {
            StreamReader r = new StreamReader();
            IOException boom = new IOException("boom");
            Task<byte[]> t = Aio.createTask(Aio.async(() -> r.readline()));
            Aio.sleep(0.01);
            r.setException(boom);
            assertThatThrownBy(() -> Aio.await(t)).isSameAs(boom);
            r.feedData(b("buffered\n"));
            assertThatThrownBy(() -> r.read(1)).isSameAs(boom); // even with data buffered, as asyncio
            assertThatThrownBy(r::readline).isSameAs(boom);
            assertThatThrownBy(() -> r.readexactly(1)).isSameAs(boom);
            assertThat(r.exception()).isSameAs(boom);
        });
    }

    @Test
    void aStoredCheckedExceptionThatIsNotAnIoExceptionIsWrapped() {
        run(() -> {
            StreamReader r = new StreamReader();
            Exception odd = new Exception("odd");
            r.setException(odd);
            assertThatThrownBy(() -> r.read(1)).isInstanceOf(IOException.class).hasCause(odd);
        });
    }

    @Test
    void feedDataAfterFeedEofIsAnError() {
        StreamReader r = new StreamReader();
        r.feedEof();
        assertThatThrownBy(() -> r.feedData(b("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after feedEof");
        r.feedEof(); // idempotent
    }

    // ================================================================ lines()

    @Test
    void linesIteratesOverTheLinesUntilEof() {
        run(() -> {
            StreamReader r = fed(100, "one\ntwo\nthr");
            feedLater(r, "ee\nlast", true);
            List<String> lines = new ArrayList<>();
            Aio.timeout(PATIENCE, () -> {
                for (byte[] line : r.lines()) {
                    lines.add(s(line));
                }
            });
            assertThat(lines).containsExactly("one\n", "two\n", "three\n", "last");
            assertThat(r.lines().iterator().hasNext()).isFalse();
        });
    }

    @Test
    void linesReportsAnOverlongLineAsUncheckedAndCanGoOn() {
        run(() -> {
            StreamReader r = fed(3, "toolong\nok\n");
            r.feedEof();
            var it = r.lines().iterator();
            assertThatThrownBy(it::hasNext).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(LimitOverrunError.class);
            assertThat(s(it.next())).isEqualTo("ok\n");
            assertThat(it.hasNext()).isFalse();
        });
    }
}
