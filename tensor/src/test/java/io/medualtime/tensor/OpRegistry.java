package io.medualtime.tensor;

import com.fasterxml.jackson.databind.JsonNode;

/** Maps the op names of tools/reference/ops.py to our API (test scope). */
final class OpRegistry {
    private OpRegistry() {}

    static int[] intArray(JsonNode n) {
        if (n.isInt()) return new int[]{n.asInt()};
        int[] a = new int[n.size()];
        for (int i = 0; i < a.length; i++) a[i] = n.get(i).asInt();
        return a;
    }

    static int[] shapeOf(JsonNode shapes, int i) { return intArray(shapes.get(i)); }

    static Tensor[] run(String op, JsonNode args, Tensor[] in, int[][] ints, JsonNode shapes) {
        Tensor x = in[0];
        // @formatter:off
        switch (op) {
            case "add": return one(x.add(in[1]));
            case "sub": return one(x.sub(in[1]));
            case "mul": return one(x.mul(in[1]));
            case "div": return one(x.div(in[1]));
            case "pow": return one(x.pow(in[1]));
            case "neg": return one(x.neg());
            case "sqrt": return one(x.sqrt());
            case "exp": return one(x.exp());
            case "log": return one(x.log());
            case "tanh": return one(x.tanh());
            case "sigmoid": return one(x.sigmoid());
            case "relu": return one(x.relu());
            case "gelu_tanh": return one(x.gelu());
            case "add_scalar": return one(x.add((float) args.get("s").asDouble()));
            case "mul_scalar": return one(x.mul((float) args.get("s").asDouble()));
            case "pow_scalar": return one(x.pow((float) args.get("p").asDouble()));
            case "matmul": return one(x.matmul(in[1]));
            case "sum": return one(x.sum(intArray(args.get("dims")), args.get("keepdim").asBoolean()));
            case "mean": return one(x.mean(intArray(args.get("dims")), args.get("keepdim").asBoolean()));
            case "max": return one(x.max(args.get("dim").asInt(), args.get("keepdim").asBoolean()));
            case "var": return one(x.var(intArray(args.get("dims")), args.get("unbiased").asBoolean(), args.get("keepdim").asBoolean()));
            case "softmax": return one(x.softmax(args.get("dim").asInt()));
            case "log_softmax": return one(x.logSoftmax(args.get("dim").asInt()));
            case "layer_norm": return one(F.layerNorm(x, in[1], in[2], (float) args.get("eps").asDouble()));
            case "embedding": return one(F.embedding(x, ints[1], shapeOf(shapes, 1)));
            case "cross_entropy": return one(F.crossEntropy(x, ints[1], args.get("ignore_index").asInt()));
            case "cat": return one(F.cat(args.get("dim").asInt(), in));
            case "stack": return one(F.stack(args.get("dim").asInt(), in));
            case "split": {
                JsonNode s = args.get("split_size_or_sections");
                int dim = args.get("dim").asInt();
                if (s.isArray()) return F.split(x, dim, intArray(s));
                int each = s.asInt(), len = x.size(dim), n = (len + each - 1) / each;
                int[] sizes = new int[n];
                for (int i = 0; i < n; i++) sizes[i] = Math.min(each, len - i * each);
                return F.split(x, dim, sizes);
            }
            case "chunk": return F.chunk(x, args.get("chunks").asInt(), args.get("dim").asInt());
            case "gather": return one(F.gather(x, args.get("dim").asInt(), ints[1], shapeOf(shapes, 1)));
            case "index_select": return one(F.indexSelect(x, args.get("dim").asInt(), ints[1]));
            case "where": return one(F.where(x, in[1], in[2]));
            case "masked_fill": return one(F.maskedFill(x, in[1], (float) args.get("value").asDouble()));
            case "conv1d": return one(F.conv1d(x, in[1], in.length > 2 ? in[2] : null));
            case "batch_norm": return one(F.batchNorm1d(x, in[1], in[2], in[3], in[4], args.get("training").asBoolean(),
                    (float) args.get("momentum").asDouble(), (float) args.get("eps").asDouble()));
            case "mean_pool_last": return one(x.mean(-1, false));
            case "l2_normalize": return one(F.l2Normalize(x, args.get("dim").asInt(), (float) args.get("eps").asDouble()));
            case "unfold": return one(x.unfold(args.get("dim").asInt(), args.get("size").asInt(), args.get("step").asInt()));
            case "transpose": return one(x.transpose(args.get("dim0").asInt(), args.get("dim1").asInt()));
            case "permute": return one(x.permute(intArray(args.get("dims"))));
            case "reshape": return one(x.reshape(intArray(args.get("shape"))));
            case "view": return one(x.view(intArray(args.get("shape"))));
            case "expand": return one(x.expand(intArray(args.get("shape"))));
            case "narrow": return one(x.narrow(args.get("dim").asInt(), args.get("start").asInt(), args.get("length").asInt()));
            case "slice": return one(F.slice(x, args.get("dim").asInt(), args.get("start").asInt(), args.get("end").asInt(), args.get("step").asInt()));
            case "squeeze": return one(x.squeeze(args.get("dim").asInt()));
            case "unsqueeze": return one(x.unsqueeze(args.get("dim").asInt()));
            default: throw new AssertionError("fixture op '" + op + "' has no Java mapping");
        }
        // @formatter:on
    }

    private static Tensor[] one(Tensor t) { return new Tensor[]{t}; }
}
