package org.aio4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/getting-started.md, followed as written: every block marked
 * {@code <!-- getting-started:file PATH -->} is written to PATH in an empty folder, the project is
 * built offline with Maven ({@code mvn -o verify}, which compiles it and runs its {@code @AioTest}),
 * and its program is run with {@code exec:exec}, as the guide says.
 */
class GettingStartedTest {
    /*
     * Which aio4j the project builds against: the jars of the build that runs this test (the
     * reactor has packaged aio4j-core, aio4j-net and aio4j-test before this module's tests run),
     * staged in a local repository of the test's own, with the user's ~/.m2 behind it as a
     * read-only tail (Maven 3.9's maven.repo.local.tail) for Maven's plugins and JUnit. So the test
     * checks this commit's artifacts, needs no `./aio4j install` first, and never writes to ~/.m2.
     * When the module is built alone and the jars are not in target/, the snapshot `./aio4j
     * install` put in ~/.m2 is used; when it is not there either, the test is skipped with a
     * message that names the command.
     *
     * `verify` runs offline: everything it needs is what aio4j's own build resolves (the same
     * plugin and JUnit versions). `exec:exec` may go online once: aio4j's build does not use the
     * exec plugin, so on a fresh machine it is not in ~/.m2 yet.
     */
    private static final Pattern FILE_MARKER = Pattern.compile("<!-- getting-started:file (\\S+) -->");
    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2", "repository");

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theGuidesProjectBuildsOfflineRunsItsTestAndItsProgram(@TempDir Path tmp) throws Exception {
        String version = projectVersion();
        Map<String, String> files = guideFiles();
        assertThat(files).containsOnlyKeys("pom.xml", "src/main/java/com/example/Main.java",
                "src/test/java/com/example/MainTest.java");
        assertThat(files.get("pom.xml")).as("the guide's aio4j version is this build's")
                .contains("<aio4j.version>" + version + "</aio4j.version>");

        Path repo = Files.createDirectories(tmp.resolve("repository"));
        stageAio4j(repo, version);
        Path app = Files.createDirectories(tmp.resolve("my-app"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = app.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, f.getValue());
        }

        mvn(app, repo, "-o", "-q", "verify").assertSucceeded("mvn -o -q verify");
        assertThat(app.resolve("target/surefire-reports/TEST-com.example.MainTest.xml"))
                .as("the guide's @AioTest ran").exists()
                .content(StandardCharsets.UTF_8).contains("tests=\"1\"").contains("failures=\"0\"")
                .contains("errors=\"0\"").contains("skipped=\"0\"");

        Repo.Result run = mvn(app, repo, "-q", "compile", "exec:exec").assertSucceeded("mvn -q compile exec:exec");
        assertThat(run.stdout()).contains("took 1.0 s in LOOP_SCHEDULED mode\n[hello, Ada, hello, Grace]\n");
    }

    /** The files of the guide, by path, in the order it shows them. */
    private static Map<String, String> guideFiles() throws IOException {
        String doc = Files.readString(Repo.ROOT.resolve("docs/getting-started.md"));
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = FILE_MARKER.matcher(doc);
        while (m.find()) {
            String rest = doc.substring(m.end());
            assertThat(rest).as("a fenced block follows the marker for " + m.group(1)).startsWith("\n```");
            List<String> blocks = Repo.fencedBlocks(rest.substring(1, rest.indexOf("\n```", rest.indexOf('\n', 1)) + 4));
            assertThat(blocks).hasSize(1);
            assertThat(files.put(m.group(1), blocks.get(0))).as("one block per file: " + m.group(1)).isNull();
        }
        return files;
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>aio4j-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Repo.ROOT.resolve("pom.xml")));
        assertThat(m.find()).as("the parent POM's version").isTrue();
        return m.group(1);
    }

    /** Puts this build's aio4j (parent POM, core, net, test) into {@code repo}, in the repository layout. */
    private static void stageAio4j(Path repo, String version) throws IOException {
        stage(repo, "aio4j-parent", version, Repo.ROOT.resolve("pom.xml"), null);
        for (String module : List.of("aio4j-core", "aio4j-net", "aio4j-test")) {
            Path jar = Repo.ROOT.resolve(module + "/target/" + module + "-" + version + ".jar");
            Path installed = M2.resolve("org/aio4j/" + module + "/" + version + "/" + module + "-" + version + ".jar");
            if (Files.isRegularFile(jar)) {
                stage(repo, module, version, Repo.ROOT.resolve(module + "/pom.xml"), jar);
            } else {
                Assumptions.assumeTrue(Files.isRegularFile(installed), "neither " + jar + " (build the modules: "
                        + "./aio4j mvn -q install -DskipTests) nor an installed " + module + " " + version
                        + " in " + M2 + ": run ./aio4j install first");
            }
        }
    }

    private static void stage(Path repo, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("org/aio4j/" + artifactId + "/" + version));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Maven (the wrapper, through the script) on {@code app}'s POM, with {@code repo} in front of ~/.m2. */
    private static Repo.Result mvn(Path app, Path repo, String... goals) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("mvn", "-f", app.resolve("pom.xml").toString(),
                "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + M2));
        args.addAll(List.of(goals));
        return Repo.aio4j(app, 120, args.toArray(String[]::new));
    }
}
