package org.aio4j.examples.docs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.Future;
import org.aio4j.TimeoutError;
import org.aio4j.net.ProcessOutput;
import org.aio4j.net.Redirect;
import org.aio4j.net.Subprocess;
import org.aio4j.net.SubprocessConnection;
import org.aio4j.net.SubprocessOptions;
import org.aio4j.net.SubprocessProtocol;
import org.aio4j.net.SubprocessTransport;
import org.aio4j.net.Subprocesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/subprocess.md, with real child processes: if they break, the guide is wrong. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessGuideTest {

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    @Test
    void runACommandAndCollectItsOutput() {
        run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(List.of("sort"),
                    Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            ProcessOutput out = p.communicate("pear\napple\n".getBytes(UTF_8));
            assertThat(out.stdoutText(UTF_8)).isEqualTo("apple\npear\n");
            assertThat(out.returncode()).isZero();
            assertThat(out.stderr()).isNull();
        });
    }

    @Test
    void aMissingProgramIsNamed() {
        run(() -> assertThatThrownBy(() -> Subprocesses.createSubprocessExec("no-such-program", "--help"))
                .isInstanceOf(FileNotFoundException.class).hasMessageContaining("no-such-program"));
    }

    @Test
    void readOutputAsItComes() {
        run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell("for i in 1 2 3; do echo line $i; done",
                    Redirect.DEVNULL, Redirect.PIPE, Redirect.INHERIT);
            List<String> lines = new ArrayList<>();
            for (byte[] line : p.stdout().lines()) {    // each step waits for the next line
                lines.add(new String(line, UTF_8).strip());
            }
            int status = p.waitFor();
            assertThat(lines).containsExactly("line 1", "line 2", "line 3");
            assertThat(status).isZero();
        });
    }

    @Test
    void talkToAProcess() {
        run(() -> {
            Subprocess cat = Subprocesses.createSubprocessExec(List.of("cat"),
                    Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            cat.stdin().write("ping\n".getBytes(UTF_8));
            cat.stdin().drain();
            byte[] answer = Aio.timeout(5.0, () -> cat.stdout().readline());
            cat.stdin().close();
            int status = cat.waitFor();
            assertThat(new String(answer, UTF_8)).isEqualTo("ping\n");
            assertThat(status).isZero();
        });
    }

    @Test
    void aTimeLimitThenKill() {
        run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(List.of("sleep", "30"),
                    Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT);
            boolean timedOut = false;
            try {
                Aio.timeout(0.5, p::waitFor);
            } catch (TimeoutError e) {
                timedOut = true;
                p.kill();
            }
            int status = p.waitFor();
            assertThat(timedOut).isTrue();
            assertThat(status).isEqualTo(137);
        });
    }

    /** The guide's protocol. */
    static final class Collect implements SubprocessProtocol {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Future<Integer> done = Aio.runningLoop().createFuture();
        SubprocessTransport transport;

        @Override
        public void connectionMade(SubprocessTransport t) {
            transport = t;
        }

        @Override
        public void pipeDataReceived(int fd, byte[] data) {
            if (fd == 1) {
                out.writeBytes(data);
            }
        }

        @Override
        public void connectionLost(Exception exc) {
            done.setResult(transport.getReturncode());
        }
    }

    @Test
    void transportsAndProtocols() {
        run(() -> {
            SubprocessConnection<Collect> c = Subprocesses.subprocessExec(Collect::new, List.of("tr", "a-z", "A-Z"),
                    Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT, SubprocessOptions.DEFAULT);
            c.transport().getPipeTransport(0).write("shout\n".getBytes(UTF_8));
            c.transport().getPipeTransport(0).close();
            int status = Aio.timeout(5.0, () -> Aio.await(c.protocol().done));
            assertThat(status).isZero();
            assertThat(c.protocol().out.toString(UTF_8)).isEqualTo("SHOUT\n");
        });
    }

    @Test
    void communicateAvoidsTheFullPipeTrap() {
        run(() -> {
            Subprocess p = Subprocesses.createSubprocessExec(List.of("head", "-c", "10000000", "/dev/zero"),
                    Redirect.DEVNULL, Redirect.PIPE, Redirect.INHERIT);
            assertThatThrownBy(() -> Aio.timeout(1.0, p::waitFor)).isInstanceOf(TimeoutError.class);
            ProcessOutput out = p.communicate();
            assertThat(out.stdout()).hasSize(10_000_000);
            assertThat(out.returncode()).isZero();
        });
    }
}
