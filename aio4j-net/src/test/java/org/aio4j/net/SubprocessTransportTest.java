package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.aio4j.test.OpenDescriptors;

/**
 * {@link Subprocesses#subprocessExec} with a {@link SubprocessProtocol}: the order of its callbacks,
 * writing through the stdin pipe transport, close() killing the child, a failing connectionMade.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessTransportTest {

    @BeforeAll
    static void warmUp() {
        SubprocessTest.warmUp(); // before any descriptor is counted
    }

    @AfterEach
    void backToTheDefaultMode() {
        ProcessSpawner.forceThreads = false;
    }

    /** Records every callback as a string, and completes {@link #lost} at connectionLost. */
    static final class Events implements SubprocessProtocol {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream[] data = {new ByteArrayOutputStream(), new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        final Future<Void> lost = Aio.runningLoop().createFuture();
        SubprocessTransport transport;

        @Override
        public void connectionMade(SubprocessTransport t) {
            transport = t;
            events.add("made");
        }

        @Override
        public void pipeDataReceived(int fd, byte[] d) {
            if (!events.get(events.size() - 1).equals("data " + fd)) {
                events.add("data " + fd); // consecutive chunks of one pipe count once
            }
            data[fd].writeBytes(d);
        }

        @Override
        public void pipeConnectionLost(int fd, Exception exc) {
            events.add("pipe lost " + fd + (exc == null ? "" : " " + exc.getClass().getSimpleName()));
        }

        @Override
        public void processExited() {
            events.add("exited " + transport.getReturncode());
        }

        @Override
        public void connectionLost(Exception exc) {
            events.add("lost");
            lost.setResult(null);
        }
    }

    static SubprocessConnection<Events> start(List<String> cmd, Redirect in, Redirect out, Redirect err) throws java.io.IOException {
        return Subprocesses.subprocessExec(Events::new, cmd, in, out, err, SubprocessOptions.DEFAULT);
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void callbacksComeInAsynciosOrder(ProcessSpawner.PipeMode mode) {
        SubprocessTest.use(mode);
        int before = OpenDescriptors.now();
        run(() -> {
            SubprocessConnection<Events> c = start(List.of("sh", "-c", "echo out; echo err >&2; exit 4"),
                    Redirect.DEVNULL, Redirect.PIPE, Redirect.PIPE);
            Events e = c.protocol();
            assertThat(e.events).containsExactly("made");
            assertThat(c.transport().getPid()).isPositive();
            Aio.timeout(PATIENCE, () -> Aio.await(e.lost));
            assertThat(s(e.data[1].toByteArray())).isEqualTo("out\n");
            assertThat(s(e.data[2].toByteArray())).isEqualTo("err\n");
            assertThat(e.events).first().isEqualTo("made");
            assertThat(e.events).last().isEqualTo("lost");
            assertThat(e.events).containsOnlyOnce("exited 4", "pipe lost 1", "pipe lost 2");
            assertThat(e.events.indexOf("data 1")).isLessThan(e.events.indexOf("pipe lost 1"));
            assertThat(e.events.indexOf("data 2")).isLessThan(e.events.indexOf("pipe lost 2"));
            assertThat(c.transport().getReturncode()).isEqualTo(4);
            assertThat(c.transport().getPipeTransport(0)).isNull();
            assertThatThrownBy(() -> c.transport().getPipeTransport(3)).isInstanceOf(IllegalArgumentException.class);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void theStdinPipeTransportWritesToTheChild() {
        run(() -> {
            SubprocessConnection<Events> c = start(List.of("cat"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            Transport stdin = c.transport().getPipeTransport(0);
            assertThat(stdin.canWriteEof()).isTrue();
            stdin.write(b("abc"));
            stdin.writeEof(); // closes the pipe once written: cat reads end of file
            Aio.timeout(PATIENCE, () -> Aio.await(c.protocol().lost));
            assertThat(s(c.protocol().data[1].toByteArray())).isEqualTo("abc");
            assertThat(c.protocol().events).contains("pipe lost 0", "exited 0");
            assertThatThrownBy(() -> c.transport().getPipeTransport(1).write(b("x")))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("read pipe");
        });
    }

    @Test
    void closeKillsARunningChildAndConnectionLostFollows() {
        int before = OpenDescriptors.now();
        run(() -> {
            SubprocessConnection<Events> c = start(List.of("sleep", "30"), Redirect.PIPE, Redirect.PIPE, Redirect.PIPE);
            c.transport().close();
            assertThat(c.transport().isClosing()).isTrue();
            Aio.timeout(PATIENCE, () -> Aio.await(c.protocol().lost));
            assertThat(c.transport().getReturncode()).isEqualTo(128 + 9);
            assertThat(c.protocol().events).last().isEqualTo("lost");
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aConnectionMadeThatThrowsFailsTheCallAndKillsTheChild() {
        int before = OpenDescriptors.now();
        long[] pid = new long[1];
        run(() -> {
            assertThatThrownBy(() -> Subprocesses.subprocessExec(() -> new SubprocessProtocol() {
                @Override
                public void connectionMade(SubprocessTransport t) {
                    pid[0] = t.getPid();
                    throw new IllegalStateException("boom");
                }
            }, List.of("sleep", "30"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT, SubprocessOptions.DEFAULT))
                    .isInstanceOf(IllegalStateException.class).hasMessage("boom");
            ProcessHandle h = ProcessHandle.of(pid[0]).orElse(null);
            if (h != null) {
                Aio.timeout(PATIENCE, () -> Aio.await(h.onExit()));
            }
            Aio.sleep(0.1); // the exit reaches the loop and the pipes' connectionLost run
        });
        OpenDescriptors.assertNoLeak(before);
    }
}
