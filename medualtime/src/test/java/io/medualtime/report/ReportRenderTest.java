package io.medualtime.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page renders in a real browser: headless Chromium (Debian package {@code chromium}) takes a screenshot from
 * disk with networking off, and the PNG must be of the asked size and show the page's colours (the synthetic-data
 * banner, the heat map's full blue). Skipped, saying why, where Chromium is not installed.
 */
class ReportRenderTest {
    static final int W = 1100, H = 1400;

    static Path chromium() {
        String env = System.getenv("CHROMIUM");
        for (String c : new String[]{env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
            if (c != null && Files.isExecutable(Path.of(c))) return Path.of(c);
        return null;
    }

    /** Renders {@code page} to a PNG of W x H with headless Chromium (networking off, a fresh profile). */
    static BufferedImage screenshot(Path chromium, Path page, Path work) throws Exception {
        Path png = work.resolve("shot.png"), profile = Files.createDirectories(work.resolve("profile"));
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                // wait for the page to finish (layout, scripts, every compositor stage) before the shot: on a busy
                // machine a bare --screenshot caught the heat map half drawn
                "--virtual-time-budget=10000", "--run-all-compositor-stages-before-draw", "--screenshot=" + png,
                "--window-size=" + W + "," + H,
                page.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("headless Chromium did not finish in 120 s; log: " + Files.readString(work.resolve("chromium.log")));
        }
        assertTrue(Files.isRegularFile(png),
                "no screenshot; exit " + p.exitValue() + ", log: " + Files.readString(work.resolve("chromium.log")));
        return read(png);
    }

    static BufferedImage read(Path png) throws IOException {
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG file");
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "ImageIO reads the PNG");
        return img;
    }

    @Test void pageRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
        Path chromium = chromium();
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium, or set CHROMIUM): the render check is skipped");
        Path page = RunReport.write(ReportFixture.run(tmp.resolve("run"), true, false));
        BufferedImage img = screenshot(chromium, page, tmp);
        assertEquals(W, img.getWidth());
        assertEquals(H, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        int banner = 0, fullBlue = 0;
        for (int y = 0; y < H; y += 1)
            for (int x = 0; x < W; x += 1) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb == 0xfff1e0) banner++;
                if (rgb == 0x0072b2) fullBlue++;
            }
        assertTrue(colours.size() > 200, "a real page, not a blank one: " + colours.size() + " colours");
        assertTrue(banner > 20_000, "the SYNTHETIC banner is drawn in its colour: " + banner + " pixels");
        assertTrue(fullBlue > 1_500, "the heat map's all-right NORM cell (54 x 54) is drawn: " + fullBlue + " pixels");
    }
}
