package io.medualtime.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every Java code block of the README and docs/ compiles against the project and runs.
 *
 * <ul>
 *   <li>{@code ```java}: runnable. A block with {@code static void main} is compiled as it is and its main run; any
 *   other block is the body of a method (the project's main packages imported). The paths the docs use for real
 *   downloads ({@code models/gpt2}, {@code runs/ptbxl-dual}) are mapped to the tiny GPT-2 fixture and a run the test
 *   trains. An HTML comment {@code <!-- snippet-output: REGEX -->} right after the block must match its stdout.</li>
 *   <li>{@code ```java excerpt:PATH}: a quotation of source code; its lines must appear, in order, in that file, with
 *   whitespace and line breaks ignored so that the formatter does not break it ({@link DocExcerpts}).</li>
 * </ul>
 * Pseudo-code is written as {@code ```text}.
 */
class DocSnippetsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> DOCS = List.of("README.md", "docs/INTERNALS.md", "docs/GPT2.md", "docs/TRAINING.md", "docs/CUDA.md",
            "medualtime/src/main/java/io/medualtime/data/FORMAT.md");
    static final String IMPORTS = """
            import io.medualtime.tensor.*;
            import io.medualtime.tensor.autograd.*;
            import io.medualtime.nn.*;
            import io.medualtime.nn.gpt2.*;
            import io.medualtime.nn.optim.*;
            import io.medualtime.train.*;
            import java.nio.file.*;
            import java.util.*;
            """;
    static final Pattern BLOCK = Pattern.compile("```java([^\\n]*)\\n(.*?)\\n```[ \\t]*\\n(?:<!-- snippet-output: (.*?) -->)?",
            Pattern.DOTALL);

    static final Map<String, String> PATHS = new LinkedHashMap<>();

    record Snippet(String doc, int line, String info, String code, String expectedOutput) {
        String name() { return doc + ":" + line; }
    }

    @BeforeAll static void fixtures(@TempDir Path tmp) {
        PATHS.put("\"models/gpt2\"", quoted(ROOT.resolve("nn/src/test/resources/fixtures/gpt2-tiny")));
        TrainingCommandsTest.tinyData(tmp.resolve("data"));
        Path run = tmp.resolve("run");
        var r = TrainingCommandsTest.run(TrainingCommandsTest.args(new String[]{"train", "--data", TrainingCommandsTest.data.toString(),
                "--epochs", "1", "--out", run.toString()}));
        assertEquals(0, r.code(), r.err());
        PATHS.put("\"runs/ptbxl-dual\"", quoted(run));
    }

    static String quoted(Path p) { return "\"" + p.toString().replace("\\", "\\\\") + "\""; }

    static List<Snippet> snippets() throws IOException {
        List<Snippet> out = new ArrayList<>();
        for (String doc : DOCS) {
            String text = Files.readString(ROOT.resolve(doc));
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                out.add(new Snippet(doc, line, m.group(1).strip(), m.group(2), m.group(3)));
            }
        }
        return out;
    }

    @TestFactory List<DynamicTest> everyJavaBlockCompilesAndRuns(@TempDir Path tmp) throws IOException {
        List<Snippet> all = snippets();
        assertTrue(all.size() >= 5, "expected the README's and INTERNALS' Java blocks, found " + all.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (Snippet s : all) {
            tests.add(DynamicTest.dynamicTest(s.name(), () -> {
                if (s.info().startsWith("excerpt:")) checkExcerpt(s, ROOT.resolve(s.info().substring("excerpt:".length())));
                else {
                    assertEquals("", s.info(), s.name() + ": unknown code block kind");
                    String stdout = compileAndRun(s, tmp.resolve("snippet" + s.line() + "-" + Math.abs(s.doc().hashCode())));
                    if (s.expectedOutput() != null)
                        assertTrue(Pattern.compile(s.expectedOutput()).matcher(stdout).find(),
                                s.name() + ": output does not match /" + s.expectedOutput() + "/:\n" + stdout);
                }
            }));
        }
        return tests;
    }

    static void checkExcerpt(Snippet s, Path source) throws IOException {
        assertTrue(Files.isRegularFile(source), s.name() + ": excerpt of a missing file " + source);
        String missing = DocExcerpts.firstMissingLine(s.code(), Files.readString(source));
        assertNull(missing,
                s.name() + ": the excerpt's line is not in " + ROOT.relativize(source) + " (in order, whitespace ignored): " + missing);
    }

    static String compileAndRun(Snippet s, Path dir) throws Exception {
        String code = s.code();
        for (var e : PATHS.entrySet()) code = code.replace(e.getKey(), e.getValue());
        String className;
        String source;
        Matcher cls = Pattern.compile("(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)").matcher(code);
        if (code.contains("static void main") && cls.find()) {
            className = cls.group(1);
            source = code;
        } else {
            className = "Snippet";
            source = IMPORTS + "public class Snippet {\n    public static void main(String[] args) throws Exception {\n" + code
                    + "\n    }\n}\n";
        }
        String pkg = packageOf(source);
        Path src = dir.resolve("src").resolve(className + ".java"), classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), "-proc:none", src.toString());
        assertEquals(0, rc, s.name() + " does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8) + "\n" + source);
        PrintStream saved = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, DocSnippetsTest.class.getClassLoader())) {
            Method main = loader.loadClass(pkg.isEmpty() ? className : pkg + "." + className).getMethod("main", String[].class);
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            throw new AssertionError(s.name() + " throws " + e.getCause(), e.getCause());
        } finally {
            System.setOut(saved);
        }
        return stdout.toString(StandardCharsets.UTF_8);
    }

    static String packageOf(String source) {
        Matcher m = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE).matcher(source);
        return m.find() ? m.group(1) : "";
    }
}
