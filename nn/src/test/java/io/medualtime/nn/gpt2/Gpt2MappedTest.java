package io.medualtime.nn.gpt2;

import io.medualtime.nn.optim.AdamW;
import io.medualtime.tensor.F;
import io.medualtime.tensor.Fixtures;
import io.medualtime.tensor.Tensor;
import io.medualtime.tensor.cpu.MappedStorage;
import io.medualtime.tensor.io.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tiny GPT-2 loaded with read-only memory-mapped weights (every F32 matrix mapped: threshold
 * 0) computes bitwise what the heap-loaded model computes, forward and backward to the inputs, and
 * refuses to be trained.
 */
class Gpt2MappedTest {
    static Path dir() throws Exception { return Fixtures.resource(Gpt2MappedTest.class, "gpt2-tiny"); }

    static int[] ids() throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(dir().resolve("expected.safetensors"))) {
            return f.readInt("ids");
        }
    }

    @Test void mappedWeightsGiveBitwiseTheHeapLogitsAndInputGradients() throws Exception {
        Gpt2 heap = Gpt2Loader.load(dir()), mapped = Gpt2Loader.load(dir(), 0L);
        heap.freeze().eval();
        mapped.eval();
        assertEquals(0, mapped.parameterCount(true), "a mapped model comes back frozen");
        assertInstanceOf(MappedStorage.class, mapped.wte.weight.storage());
        assertInstanceOf(MappedStorage.class, mapped.h.get(0).cFc.weight.storage());
        int[] ids = ids();
        assertArrayEquals(heap.logits(heap.hidden(ids, null, 2, 16, null)).toArray(),
                mapped.logits(mapped.hidden(ids, null, 2, 16, null)).toArray());

        // backward through the frozen mapped weights to a leaf input (as MedualTime's adapters need)
        Tensor[] grads = new Tensor[2];
        Gpt2[] models = {heap, mapped};
        for (int i = 0; i < 2; i++) {
            Tensor x = models[i].embed(ids, 2, 16, 0).detach().requiresGrad(true);
            Tensor logits = models[i].logits(models[i].lnF.forward(models[i].blocks(x, null, null, null)));
            F.crossEntropy(logits.reshape(32, -1), ids).backward();
            grads[i] = x.grad();
        }
        assertArrayEquals(grads[0].toArray(), grads[1].toArray());
    }

    @Test void heapLoadingStaysTheDefaultAndSmallTensorsAreCopied() throws Exception {
        assertFalse(Gpt2Loader.load(dir()).wte.weight.storage() instanceof MappedStorage);
        Gpt2 lm = Gpt2Loader.load(dir(), true);   // 1 MiB threshold: only the token embedding is that big
        assertInstanceOf(MappedStorage.class, lm.wte.weight.storage());
        assertFalse(lm.h.get(0).cFc.weight.storage() instanceof MappedStorage);
        assertFalse(lm.lnF.weight.storage() instanceof MappedStorage);
        assertEquals(0, lm.parameterCount(true));
    }

    @Test void loadingAStateDictReplacesMappedWeights() throws Exception {
        Gpt2 heap = Gpt2Loader.load(dir()), mapped = Gpt2Loader.load(dir(), 0L);
        Tensor w = heap.wte.weight.mul(2f);
        mapped.loadStateDict(java.util.Map.of("wte.weight", w), false);
        assertArrayEquals(w.toArray(), mapped.wte.weight.toArray());
    }

    @Test void trainingMappedWeightsFailsClearly() throws Exception {
        Gpt2 lm = Gpt2Loader.load(dir(), 0L);
        Tensor w = lm.wte.weight.requiresGrad(true);
        int[] ids = ids();
        F.crossEntropy(lm.logits(lm.hidden(ids, null, 2, 16, null)).reshape(32, -1), ids).backward();
        assertNotNull(w.grad(), "gradients of mapped weights can be computed (into heap tensors)");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AdamW(List.of(w), 1e-3f).step());
        assertTrue(e.getMessage().contains("read-only memory-mapped weights") && e.getMessage().contains("load with heap weights to train"),
                e.getMessage());
    }
}
