package io.medualtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medualtime.nn.gpt2.Gpt2;
import io.medualtime.nn.gpt2.Gpt2Config;
import io.medualtime.nn.gpt2.Gpt2Loader;
import io.medualtime.nn.gpt2.Gpt2Pipeline;
import io.medualtime.nn.gpt2.Sampling;
import io.medualtime.nn.tokenizer.Gpt2Tokenizer;
import io.medualtime.tensor.io.ShardedSafetensors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code medualtime gpt2 generate|score|logits}: run a Hugging Face GPT-2 folder (config.json +
 * model.safetensors, optionally vocab.json + merges.txt) in plain Java: the command line of {@link Gpt2Pipeline},
 * which computes (and checks) every number printed here. See docs/GPT2.md.
 *
 * <p>Exit codes: 0 ok, 1 unexpected failure, 2 bad input (missing folder or file, bad config,
 * bad ids, ...): one line on stderr naming the path or the value, no stack trace.
 */
@Command(name = "gpt2", mixinStandardHelpOptions = true,
        description = "Run a GPT-2 model folder (Hugging Face layout: config.json + model.safetensors).",
        subcommands = {Gpt2Command.Generate.class, Gpt2Command.Score.class, Gpt2Command.Logits.class})
final class Gpt2Command implements Runnable {
    @Spec
    CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    /** A user error: printed as one line, exit code 2. */
    static final class UserError extends RuntimeException {
        UserError(String message) { super(message); }
    }

    static final int EXIT_USER_ERROR = 2;

    /** Shared: the model folder and the run-with-clean-errors wrapper. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR",
                description = "Hugging Face GPT-2 folder: config.json + model.safetensors (or a sharded index); "
                        + "vocab.json + merges.txt are used when present, else the built-in GPT-2 vocabulary.")
        Path model;

        PrintWriter out() { return spec.commandLine().getOut(); }
        PrintWriter err() { return spec.commandLine().getErr(); }

        @Override public final Integer call() {
            try {
                return execute();
            } catch (UserError e) {
                return fail(e.getMessage());
            } catch (IOException e) {   // ConfigException, SafetensorsException: messages name the file
                return fail(e.getMessage());
            } catch (IllegalArgumentException e) {   // Gpt2Pipeline: bad ids, non-finite logits
                return fail(e.getMessage());
            } catch (UncheckedIOException e) {       // Gpt2Pipeline: the weights file changed while mapped
                return fail(e.getCause().getMessage());
            }
        }

        private int fail(String message) {
            out().flush();   // what was printed stays (a generation cut short)
            err().println("error: " + message);
            err().flush();
            return EXIT_USER_ERROR;
        }

        abstract int execute() throws IOException;

        /** Checks the folder before loading, so each problem is one line naming the path; returns its config. */
        Gpt2Config checkFolder() throws IOException {
            if (!Files.exists(model)) throw new UserError("model folder " + model + " does not exist");
            if (!Files.isDirectory(model))
                throw new UserError("--model " + model + " is not a folder (expected a Hugging Face model folder)");
            Path config = model.resolve(Gpt2Config.CONFIG_FILE);
            if (!Files.isRegularFile(config)) throw new UserError(model + " has no " + Gpt2Config.CONFIG_FILE);
            if (!Files.isRegularFile(model.resolve(ShardedSafetensors.SINGLE_FILE))
                    && !Files.isRegularFile(model.resolve(ShardedSafetensors.INDEX_FILE)))
                throw new UserError(model + " has no " + ShardedSafetensors.SINGLE_FILE + " (nor " + ShardedSafetensors.INDEX_FILE
                        + "); only safetensors weights are read (not pytorch_model.bin)");
            return Gpt2Config.load(model);
        }

        /** The model, checked finite at load, as a {@link Gpt2Pipeline} (which checks each output). */
        Gpt2Pipeline load(Gpt2Tokenizer tokenizer) throws IOException {
            checkFolder();
            long t0 = System.nanoTime();
            Gpt2 lm = Gpt2Loader.load(model, true);   // inference only: large weights stay in the mapped file
            Gpt2Config c = lm.config;
            err().printf(Locale.ROOT, "[medualtime] loaded %s in %.0f ms: GPT-2-architecture LM, %d layers x %d wide, %d heads, "
                    + "vocab %d, %d positions, %.1fM params%n", model, (System.nanoTime() - t0) / 1e6,
                    c.nLayer(), c.nEmbd(), c.nHead(), c.vocabSize(), c.nPositions(), lm.parameterCount(false) / 1e6);
            err().flush();
            return new Gpt2Pipeline(lm, tokenizer);
        }

        /** The folder's tokenizer, refused (before the model is loaded) when it has ids the model's vocabulary lacks. */
        Gpt2Tokenizer tokenizer(Gpt2Config config) throws IOException {
            return Gpt2Tokenizer.forModelFolder(model, config.vocabSize());
        }

        /** Keeps the last {@code max} ids, saying so on stderr. */
        int[] fitLeft(int[] ids, int max, String what) {
            if (ids.length <= max) return ids;
            err().printf("[medualtime] %s has %d tokens; the model takes %d positions: keeping the last %d%n",
                    what, ids.length, max, max);
            err().flush();
            return Arrays.copyOfRange(ids, ids.length - max, ids.length);
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Continue a prompt, streaming tokens to stdout; speed (prefill and decode tokens/s) on stderr.")
    static final class Generate extends Base {
        @Option(names = "--prompt", required = true, description = "Text to continue.")
        String prompt;
        @Option(names = "--max-new", defaultValue = "50", description = "New tokens to generate (default ${DEFAULT-VALUE}).")
        int maxNew;
        @Option(names = "--temperature", defaultValue = "0",
                description = "0 = greedy (default); > 0 samples from softmax(logits / T) (a finite number).")
        float temperature;
        @Option(names = "--top-k", defaultValue = "0",
                description = "Sample among the K most likely tokens only (0 = all; default ${DEFAULT-VALUE}).")
        int topK;
        @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--no-cache",
                description = "Recompute the whole prefix each step instead of using the KV cache (slow; for checking).")
        boolean noCache;

        @Override int execute() throws IOException {
            if (maxNew < 1) throw new UserError("--max-new must be >= 1, got " + maxNew);
            if (!(temperature >= 0) || Float.isInfinite(temperature))
                throw new UserError("--temperature must be a finite number >= 0 (0 = greedy), got " + temperature);
            if (topK < 0) throw new UserError("--top-k must be >= 0, got " + topK);
            if (topK > 0 && temperature == 0)
                throw new UserError("--top-k " + topK + " has no effect with --temperature 0 (greedy): give a temperature > 0 to sample");
            Gpt2Config config = checkFolder();
            int positions = config.nPositions();
            if (maxNew >= positions)
                throw new UserError("--max-new " + maxNew + " leaves no room for the prompt: the model has " + positions + " positions");
            Gpt2Tokenizer tok = tokenizer(config);
            Gpt2Pipeline gpt2 = load(tok);
            int[] ids = fitLeft(tok.encode(prompt), positions - maxNew, "the prompt (+ " + maxNew + " new tokens)");
            Sampling sampling = Sampling.sample(temperature, topK, seed);

            PrintWriter out = out();
            StreamingDecoder stream = new StreamingDecoder(tok, out);
            long[] firstAt = {0};
            long t0 = System.nanoTime();
            int[] generated = gpt2.generate(ids, maxNew, sampling, !noCache, id -> {   // each token after the weights file is checked
                if (firstAt[0] == 0) {
                    firstAt[0] = System.nanoTime();
                    out.print(prompt);    // only once a token is known to be sound
                }
                stream.accept(id);
            });
            long t1 = System.nanoTime();
            stream.finish();
            out.println();
            out.flush();
            double prefillS = (firstAt[0] - t0) / 1e9, decodeS = (t1 - firstAt[0]) / 1e9;
            err().printf(Locale.ROOT, "[medualtime] prompt %d tokens, generated %d (%s, %s): prefill %.1f tokens/s (%.0f ms), "
                    + "decode %s%n", ids.length, generated.length,
                    temperature == 0 ? "greedy" : "temperature " + temperature + (topK > 0 ? ", top-k " + topK : "") + ", seed " + seed,
                    noCache ? "no KV cache" : "KV cache",
                    ids.length / prefillS, prefillS * 1e3,
                    generated.length > 1
                            ? String.format(Locale.ROOT, "%.1f tokens/s (%d tokens in %.0f ms)",
                                    (generated.length - 1) / decodeS, generated.length - 1, decodeS * 1e3)
                            : "-");
            err().flush();
            return 0;
        }
    }

    /**
     * Prints the text of generated ids as they come. A byte-level BPE token can end in the middle
     * of a UTF-8 character, so the text of all ids so far is decoded and only a suffix that does
     * not end in an incomplete character (U+FFFD) is printed.
     */
    static final class StreamingDecoder {
        private final Gpt2Tokenizer tok;
        private final PrintWriter out;
        private int[] ids = new int[16];
        private int n, printed;

        StreamingDecoder(Gpt2Tokenizer tok, PrintWriter out) { this.tok = tok; this.out = out; }

        void accept(int id) {
            if (n == ids.length) ids = Arrays.copyOf(ids, 2 * n);
            ids[n++] = id;
            String text = tok.decode(Arrays.copyOf(ids, n));
            if (text.endsWith("\uFFFD")) return;   // wait for the rest of the character
            emit(text);
        }

        void finish() { emit(tok.decode(Arrays.copyOf(ids, n))); }

        private void emit(String text) {
            if (text.length() > printed) {
                out.print(text.substring(printed));
                out.flush();
                printed = text.length();
            }
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Per-token log-probabilities (natural log) of a text and its perplexity exp(mean NLL). "
                    + "The first token has no prediction unless --prepend-eos.")
    static final class Score extends Base {
        @Option(names = "--text", required = true, description = "Text to score.")
        String text;
        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;
        @Option(names = "--prepend-eos", description = "Prepend <|endoftext|> so the first token is scored too (as GPT-2 evaluations do).")
        boolean prependEos;

        @Override int execute() throws IOException {
            Gpt2Tokenizer tok = tokenizer(checkFolder());
            Gpt2Pipeline gpt2 = load(tok);
            int[] ids = fitLeft(gpt2.encode(text, prependEos), gpt2.config().nPositions(), "the text");
            if (ids.length == 1) throw new UserError("the text is 1 token; scoring needs at least 2 (or use --prepend-eos)");
            Gpt2Pipeline.Score score = gpt2.score(ids);
            double[] logprobs = score.logprobs();
            double meanNll = score.meanNll(), ppl = score.perplexity();
            PrintWriter out = out();
            if (json) {
                ObjectMapper m = new ObjectMapper();
                ObjectNode root = m.createObjectNode();
                ArrayNode tokens = root.putArray("tokens");
                for (int i = 1; i < ids.length; i++) {
                    ObjectNode o = tokens.addObject();
                    o.put("position", i);
                    o.put("token", tok.decode(new int[]{ids[i]}));
                    o.put("id", ids[i]);
                    o.put("logprob", logprobs[i - 1]);
                }
                root.put("scored", logprobs.length);
                root.put("mean_nll", meanNll);
                root.put("perplexity", ppl);
                out.println(m.writeValueAsString(root));
            } else {
                out.printf("%5s  %7s  %10s  %s%n", "pos", "id", "logprob", "token");
                out.printf(Locale.ROOT, "%5d  %7d  %10s  %s%n", 0, ids[0], "-", quote(tok.decode(new int[]{ids[0]})));
                for (int i = 1; i < ids.length; i++)
                    out.printf(Locale.ROOT, "%5d  %7d  %10.4f  %s%n", i, ids[i], logprobs[i - 1], quote(tok.decode(new int[]{ids[i]})));
                out.printf(Locale.ROOT, "%d tokens scored: mean NLL %.4f nats, perplexity %.4f%n", logprobs.length, meanNll, ppl);
            }
            out.flush();
            return 0;
        }

        private static String quote(String s) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '\n' -> b.append("\\n");
                    case '\t' -> b.append("\\t");
                    case '\r' -> b.append("\\r");
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    default -> b.append(c);
                }
            }
            return b.append('"').toString();
        }
    }

    @Command(name = "logits", mixinStandardHelpOptions = true,
            description = "The last position's logits as JSON {\"ids\":[...],\"logits\":[...]}, for comparison with other implementations.")
    static final class Logits extends Base {
        static final class Input {
            @Option(names = "--prompt", description = "Text, tokenized with the model's vocabulary.")
            String prompt;
            @Option(names = "--ids", split = ",", description = "Token ids, comma-separated (e.g. 464,2068,7586).")
            int[] ids;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Input input;

        @Override int execute() throws IOException {
            Gpt2Tokenizer tok = input.ids != null ? null : tokenizer(checkFolder());
            Gpt2Pipeline gpt2 = load(tok);
            int[] ids = fitLeft(input.ids != null ? input.ids : tok.encode(input.prompt), gpt2.config().nPositions(), "the input");
            float[] last = gpt2.lastLogits(ids);
            StringBuilder b = new StringBuilder(last.length * 12 + ids.length * 6 + 32).append("{\"ids\":[");
            for (int i = 0; i < ids.length; i++) b.append(i == 0 ? "" : ",").append(ids[i]);
            b.append("],\"logits\":[");
            for (int i = 0; i < last.length; i++) b.append(i == 0 ? "" : ",").append(last[i]);   // Float.toString round-trips
            b.append("]}");
            out().println(b);
            out().flush();
            return 0;
        }
    }
}
