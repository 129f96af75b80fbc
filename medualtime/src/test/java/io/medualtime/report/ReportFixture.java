package io.medualtime.report;

import io.medualtime.data.DatasetInfo;
import io.medualtime.data.DatasetWriter;
import io.medualtime.data.EcgClasses;
import io.medualtime.data.EcgRecord;
import io.medualtime.data.Split;
import io.medualtime.train.BootstrapCI;
import io.medualtime.train.ClassificationReport;
import io.medualtime.train.MetricsFile;
import io.medualtime.train.RunFolder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run folder written by hand (no training): a 12-lead dataset of 5 test records whose reports hold markup and a
 * control character, and a metrics.json with a 3-epoch history and a test confusion matrix whose NORM row is all
 * right (one cell of the page's full blue).
 */
final class ReportFixture {
    static final String NASTY_REPORT = "<script>alert('x')</script> & \"ST\" <b>elevation</b>\u0001 V2-V4";
    static final int[][] CONFUSION = {{6, 0, 0, 0, 0}, {1, 4, 1, 0, 0}, {0, 2, 3, 1, 0}, {0, 0, 1, 5, 0}, {1, 0, 0, 2, 3}};

    private ReportFixture() {}

    /** Writes the run into {@code dir} (dataset in dir/data) and returns dir. */
    static Path run(Path dir, boolean synthetic, boolean pretrainedLm) throws Exception {
        Path data = dir.resolve("data");
        DatasetInfo info = new DatasetInfo("fixture", "hand-made fixture <of the report test>", synthetic, DatasetInfo.STANDARD_LEADS, 500,
                50);
        try (DatasetWriter w = DatasetWriter.create(data, info)) {
            int n = 0;
            for (Split s : Split.values())
                for (int c = 0; c < EcgClasses.numFine(); c++, n++)
                    w.add(new EcgRecord("r" + n, s, c, c == 1 ? NASTY_REPORT : "Report of class " + EcgClasses.FINE.get(c) + ".",
                            signal(n)));
            w.commit();
        }
        MetricsFile m = new MetricsFile().command("train").seed(7).threads(2)
                .data(info.provenance() + " [fixture]", synthetic)
                .config("data_folder", data.toAbsolutePath().toString()).config("mode", "dual <both>");
        if (pretrainedLm) m.lmPretrained(Path.of("/models/gpt2"), "GPT-2 weights");
        else m.lm("GPT-2-architecture LM, random initialisation, NOT pretrained (1 layers, width 32)", false);
        for (int e = 1; e <= 3; e++)
            m.addEpoch(
                    new MetricsFile.Epoch(e, 1.6 - 0.3 * e, 1.5 - 0.2 * e + (e == 3 ? 0.5 : 0), 1e-3, 1.0, Map.of("valAccuracy", 0.2 * e)));
        m.selectedEpoch(2, MetricsFile.LOWEST_VAL_LOSS);
        ClassificationReport r = new ClassificationReport(EcgClasses.FINE, CONFUSION);
        int[][] pairs = pairs(CONFUSION);
        m.test(new MetricsFile.Evaluation(r, BootstrapCI.compute(pairs[0], pairs[1], 5, 7)));
        RunFolder.at(dir).writeMetrics(m);
        return dir;
    }

    static int[][] pairs(int[][] confusion) {
        int n = 0;
        for (int[] row : confusion) for (int v : row) n += v;
        int[] t = new int[n], p = new int[n];
        int i = 0;
        for (int a = 0; a < confusion.length; a++)
            for (int b = 0; b < confusion.length; b++)
                for (int k = 0; k < confusion[a][b]; k++, i++) {
                    t[i] = a;
                    p[i] = b;
                }
        return new int[][]{t, p};
    }

    private static float[][] signal(int seed) {
        float[][] s = new float[12][500];
        for (int l = 0; l < 12; l++)
            for (int t = 0; t < 500; t++)
                s[l][t] = (float) (Math.exp(-Math.pow((t % 50) - 20, 2) / 3.0) * (1 + 0.1 * l) + 0.05 * Math.sin(t * 0.1 + seed));
        return s;
    }

    /** Parses the page as XML (its markup is well-formed by design), with no external entities or DTDs fetched. */
    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** The element with {@code id}, or null. */
    static Element byId(Document d, String id) {
        NodeList all = d.getElementsByTagName("*");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) return e;
        }
        return null;
    }
}
