package org.aio4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's 30-second example, taken from the README itself (between its
 * {@code readme-example} markers) and run the way the README says, with {@code ./aio4j run}: if
 * it stops compiling or prints something else, the README is wrong.
 */
class ReadmeExampleTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void thirtySecondExampleRunsWithAio4jRunAndPrintsItsResults(@TempDir Path dir) throws Exception {
        String source = Repo.fencedBlock("README.md", "readme-example:start", "readme-example:end");
        Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
        assertThat(cls.find()).as("README example declares a public class").isTrue();
        Files.writeString(dir.resolve(cls.group(1) + ".java"), source);

        Repo.Result r = Repo.aio4j(dir, 90, "run", cls.group(1) + ".java").assertSucceeded("./aio4j run");

        assertThat(r.stdout()).isEqualTo("[first, b, c]\n");
        assertThat(r.stderr()).as("the flag is applied: no portable-mode warning").doesNotContain("PORTABLE");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void runPassesJvmOptionsAndArgumentsAndRunsInTheCallersFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("Args.java"), """
                import java.nio.file.*;
                import java.util.*;
                import org.aio4j.Aio;
                public class Args {
                    public static void main(String[] args) throws Exception {
                        String mode = Aio.strandMode().toString();
                        System.out.println(System.getProperty("greeting") + " " + Arrays.toString(args)
                                + " " + Files.exists(Path.of("Args.java")) + " " + mode);
                    }
                }
                """);

        Repo.Result r = Repo.aio4j(dir, 90, "run", "-Dgreeting=hello", "Args.java", "a", "b c")
                .assertSucceeded("./aio4j run");

        assertThat(r.stdout()).isEqualTo("hello [a, b c] true LOOP_SCHEDULED\n");
    }
}
