package io.medualtime.data;

import io.medualtime.data.SyntheticBeat.Wave;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.medualtime.data.SyntheticBeat.TWO_PI;
import static io.medualtime.data.SyntheticBeat.scale;
import static io.medualtime.data.SyntheticBeat.unit;
import static io.medualtime.data.SyntheticBeat.vec;

/**
 * SYNTHETIC 12-lead ECG + report generator, modelled on the five PTB-XL diagnostic superclasses
 * (NORM, MI, STTC, CD, HYP). Every record is labelled synthetic in its dataset's provenance.
 *
 * <h2>Signal model</h2>
 * In the style of ECGSYN (McSharry et al., IEEE TBME 2003):
 * <ul>
 *   <li><b>Rhythm.</b> An RR tachogram with a Mayer-wave component (~0.1 Hz) and respiratory sinus
 *       arrhythmia at the respiration frequency (0.15-0.35 Hz); beat times are integrated from it.
 *       Rare ventricular premature complexes (with compensatory pause) and, for second-degree AV
 *       block, Wenckebach cycles (progressive PR, dropped QRS).</li>
 *   <li><b>Beat.</b> A sum of Gaussian waves (P, septal Q, two R components, S, T; T asymmetric)
 *       placed relative to each beat's fiducial point; as in ECGSYN the T position scales with
 *       sqrt(RR) (Bazett), so the QT interval follows the heart rate. Each wave carries a 3-D
 *       dipole vector (x = left, y = inferior, z = anterior) instead of a scalar amplitude, giving a
 *       vectorcardiographic QRS loop; ST-segment shifts are a smooth plateau from the J point to
 *       the T wave.</li>
 *   <li><b>Leads.</b> Each patient gets a random frontal axis rotation, horizontal rotation,
 *       morphology jitter and amplitude scale (limb and precordial separately, plus per-electrode
 *       placement gains). Leads I and II are projections of the dipole on the frontal lead
 *       vectors; III, aVR, aVL, aVF follow exactly from Einthoven/Goldberger; V1-V6 are projections
 *       on horizontal-plane lead vectors (V1 115 deg ... V6 5 deg) with proximity gains. Leads are
 *       therefore correlated the way real leads are.</li>
 *   <li><b>Sampling.</b> The continuous model is band-limited by an analytic Gaussian anti-alias
 *       filter (sigma = half a sample; widths add in quadrature, areas are kept) and then sampled.</li>
 *   <li><b>Noise</b> (all times {@code noiseLevel}) is generated per electrode (RA, LA, LL, V1-V6) and
 *       combined into leads the way a real recorder does (so it is correlated across leads):
 *       baseline wander (respiration + slow drift, occasionally a loose electrode), EMG (white,
 *       larger on limb electrodes, sometimes in bursts), mains interference and electrode/amplifier
 *       noise. At 100 Hz sampling, 50 Hz mains lies at the Nyquist frequency and would alias onto
 *       an alternating pattern; a real recorder's anti-alias filter removes most of it, so only a
 *       residual of 10 % is kept when the mains frequency is above 0.4 fs (it still aliases, to a
 *       slowly beating +-alternation, because the mains frequency jitters around 50 Hz).</li>
 * </ul>
 *
 * <h2>Class effects</h2> (severity s in [0, 1]; "mild" records, a fraction {@code ambiguityRate},
 * have s in [0.03, 0.25] and overlap NORM; NORM records in that fraction get a borderline
 * normal-variant finding instead)
 * <ul>
 *   <li><b>MI</b> (inferior 45 %, anterior 40 %, lateral 15 %): pathological (wide) Q waves and R-wave
 *       loss in the territory; old MI (70 %): T-wave inversion there; acute (30 %): ST elevation
 *       with hyperacute T (reciprocal depression appears by itself in the opposite leads).</li>
 *   <li><b>STTC</b>: ischemic ST depression (lateral/inferolateral) with T flattening; T-wave
 *       inversion in a territory; nonspecific ST-T flattening; long QT.</li>
 *   <li><b>CD</b>: complete LBBB (wide notched QRS, no septal q, discordant ST-T); RBBB (terminal
 *       rightward-anterior R', rSR' in V1; mild = incomplete); left anterior fascicular block (left
 *       axis deviation); first-degree AV block (long PR); second-degree AV block Mobitz I.</li>
 *   <li><b>HYP</b>: LVH (high R voltage left-posterior, deep S in V1-V2, sometimes strain = lateral ST
 *       depression + T inversion, sometimes left atrial P abnormality); RVH (right axis, tall R in
 *       V1).</li>
 * </ul>
 *
 * <h2>Reports</h2> See {@link SyntheticReports}: clinical-style English statements with synonyms,
 * hedging, incomplete and uninformative reports, and mentions of findings that are in the signal
 * but not in the label.
 *
 * <h2>Determinism</h2> Each record is a pure function of (seed, split, index in split) through
 * {@link SyntheticRandom#of(long...)}; all transcendental functions are {@link StrictMath}, so a seed gives the
 * same bytes on every machine. Class assignment per split is an exactly balanced (or PTB-XL-like)
 * list shuffled with a seeded generator.
 */
public final class SyntheticEcg {
    /** Bumped when the generator's output for a given config changes. */
    public static final String VERSION = "1";

    private static final long SALT_LABELS = 0x4C4142454CL, SALT_RECORD = 0x5245434FL, SALT_REPORT = 0x5245504FL;

    private final SyntheticConfig cfg;
    private final int steps;
    private final double fs;
    private final int[][] labels = new int[Split.values().length][];

    public SyntheticEcg(SyntheticConfig cfg) {
        this.cfg = cfg;
        this.steps = cfg.steps();
        this.fs = cfg.samplingRate();
        for (Split s : Split.values()) labels[s.ordinal()] = assignLabels(cfg, s);
    }

    public SyntheticConfig config() { return cfg; }

    /** All records in memory (train, then val, then test). */
    public static InMemoryDataset generate(SyntheticConfig cfg) {
        return new SyntheticEcg(cfg).generate();
    }

    /** Writes the dataset in the canonical format (streaming, atomic). */
    public static Path writeTo(SyntheticConfig cfg, Path folder) throws IOException {
        return new SyntheticEcg(cfg).writeTo(folder);
    }

    public InMemoryDataset generate() {
        List<EcgRecord> out = new ArrayList<>(cfg.total());
        for (Split s : Split.values())
            for (int i = 0; i < cfg.size(s); i++) out.add(record(s, i));
        return new InMemoryDataset(info(), out);
    }

    public Path writeTo(Path folder) throws IOException {
        try (DatasetWriter w = DatasetWriter.create(folder, info())) {
            w.putExtra("generator", "io.medualtime.data.SyntheticEcg v" + VERSION);
            w.putExtra("generator_config", cfg.toMap());
            for (Split s : Split.values())
                for (int i = 0; i < cfg.size(s); i++) w.add(record(s, i));
            return w.commit();
        }
    }

    public DatasetInfo info() {
        String prov = "SYNTHETIC: generated by io.medualtime.data.SyntheticEcg v" + VERSION + " (" + cfg
                + "); not patient data";
        return new DatasetInfo("synthetic-ecg", prov, true, DatasetInfo.STANDARD_LEADS, steps, fs);
    }

    /** Record id of the i-th record of a split, e.g. {@code train-00012}. */
    public static String recordId(Split s, int i) {
        return String.format(Locale.ROOT, "%s-%05d", s.diskName(), i);
    }

    /** Fine label of the i-th record of a split. */
    public int label(Split s, int i) { return labels[s.ordinal()][i]; }

    static int[] assignLabels(SyntheticConfig cfg, Split s) {
        int n = cfg.size(s);
        double[] w = cfg.balance().weights();
        double sum = 0;
        for (double x : w) sum += x;
        int[] count = new int[w.length];
        double[] rem = new double[w.length];
        int assigned = 0;
        for (int k = 0; k < w.length; k++) {
            double exact = n * w[k] / sum;
            count[k] = (int) Math.floor(exact);
            rem[k] = exact - count[k];
            assigned += count[k];
        }
        while (assigned < n) { // largest remainder, ties to the lower class id
            int best = 0;
            for (int k = 1; k < w.length; k++) if (rem[k] > rem[best]) best = k;
            count[best]++;
            rem[best] = -1;
            assigned++;
        }
        int[] lab = new int[n];
        int p = 0;
        for (int k = 0; k < w.length; k++) for (int j = 0; j < count[k]; j++) lab[p++] = k;
        SyntheticRandom.of(cfg.seed(), SALT_LABELS, s.ordinal()).shuffle(lab);
        return lab;
    }

    /** The i-th record of a split (deterministic, independent of other records). */
    public EcgRecord record(Split s, int i) {
        int fine = labels[s.ordinal()][i];
        SyntheticRandom rng = SyntheticRandom.of(cfg.seed(), SALT_RECORD, s.ordinal(), i);
        SyntheticFindings f = new SyntheticFindings();
        float[][] sig = signal(fine, rng, f);
        String report = SyntheticReports.report(f, SyntheticRandom.of(cfg.seed(), SALT_REPORT, s.ordinal(), i),
                cfg.uninformativeReportRate());
        return new EcgRecord(recordId(s, i), s, fine, report, sig);
    }

    // ------------------------------------------------------------------ signal

    /**
     * Builds the signal of one record and fills in the findings: the patient, their beat changed by
     * the class, the rhythm that places it, the heart's dipole over time, and its projection onto the
     * 12 leads with electrode noise. Every step draws from rng in this order, so the output is fixed.
     */
    private float[][] signal(int fine, SyntheticRandom rng, SyntheticFindings f) {
        f.fine = fine;
        Patient patient = Patient.draw(rng);
        SyntheticBeat beat = SyntheticBeat.normal(patient.pToR, patient.tOffC, patient.qrsW, rng);
        f.mild = rng.chance(cfg.ambiguityRate());
        double s = f.mild ? rng.uniform(0.03, 0.25) : rng.uniform(0.6, 1.0);
        f.severity = fine == EcgClasses.NORM ? 0 : s;
        beat.applyClass(fine, s, f.mild, rng, f);
        beat.orient(patient.axisRot, patient.horRot);
        f.heartRate = patient.hr;
        beat.measure(f);
        Rhythm rhythm = rhythm(patient.hr, beat, rng, f);
        return leads(dipole(beat, rhythm), patient, rhythm.fResp, rng, f);
    }

    /**
     * What is drawn first for each record: heart rate (bpm), P-to-R interval and T centre at RR = 1 s (s),
     * QRS width factor, frontal and horizontal rotation of the heart (degrees), limb and precordial gains.
     */
    private record Patient(double hr, double pToR, double tOffC, double qrsW, double axisRot, double horRot,
            double limbGain, double precGain) {
        static Patient draw(SyntheticRandom rng) {       // arguments are evaluated left to right: this is the draw order
            return new Patient(rng.normal(70, 11, 45, 118), rng.normal(0.155, 0.016, 0.12, 0.19),
                    rng.normal(0.265, 0.014, 0.23, 0.30), rng.normal(1.0, 0.07, 0.85, 1.15),
                    rng.normal(0, 17), rng.normal(0, 12), rng.logNormal(0.18), rng.logNormal(0.18));
        }
    }

    /**
     * The beats of a record, each {tR, rr, type (0 sinus, 1 ventricular premature, 2 non-conducted P),
     * P-to-R interval}, with the respiration that modulates them and the direction of the premature complexes.
     */
    private record Rhythm(List<double[]> beats, double fResp, double phResp, double[] pvcDir) {}

    /** The RR tachogram (respiratory and Mayer waves, Wenckebach cycles) and rare premature complexes. */
    private Rhythm rhythm(double hr, SyntheticBeat beat, SyntheticRandom rng, SyntheticFindings f) {
        double pToR = beat.pToR;
        boolean avb2 = beat.avb2;
        double dur = steps / fs;
        double rr0 = 60.0 / hr;
        double fResp = rng.uniform(0.15, 0.35), phResp = rng.uniform(0, TWO_PI);
        double fMayer = rng.normal(0.1, 0.015), phMayer = rng.uniform(0, TWO_PI);
        f.sinusArrhythmia = rng.chance(0.08);
        double aHF = f.sinusArrhythmia ? rng.uniform(0.09, 0.14) : rng.uniform(0.01, 0.05);
        double aLF = rng.uniform(0.01, 0.04);
        List<double[]> beats = new ArrayList<>(); // {tR, rr, type(0 sinus, 1 pvc, 2 dropped), pToR}
        double t = -rng.uniform(1.0, 1.0 + rr0);
        int wenck = avb2 ? 3 + rng.nextInt(3) : 0, cyc = 0;
        while (t < dur + 0.6) {
            double rr = rr0 * (1 + aHF * StrictMath.sin(TWO_PI * fResp * t + phResp)
                    + aLF * StrictMath.sin(TWO_PI * fMayer * t + phMayer) + 0.008 * rng.gaussian());
            if (avb2) {
                // atrial time t; PR grows through the cycle, last P is not conducted
                int j = cyc % wenck;
                double pr = pToR + (j == 0 ? 0 : 0.12 * (1 - StrictMath.pow(0.5, j)));
                beats.add(new double[]{t + pr - pToR, rr, j == wenck - 1 ? 2 : 0, pr});
                cyc++;
            } else {
                beats.add(new double[]{t, rr, 0, pToR});
            }
            t += rr;
        }
        // ventricular premature complexes (signal finding, not a label)
        double[] pvcDir = null;
        if (rng.chance(0.06)) {
            f.pvcs = 1 + (rng.chance(0.35) ? 1 : 0);
            pvcDir = unit(rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1));
            for (int c = 0; c < f.pvcs; c++) {
                int k = 2 + rng.nextInt(Math.max(1, beats.size() - 4));
                double[] b = beats.get(k), prev = beats.get(k - 1);
                if (b[2] != 0 || prev[2] != 0) continue;
                b[0] = prev[0] + prev[1] * rng.uniform(0.55, 0.7);
                b[2] = 1;
            }
        }
        double rrSum = 0;
        int rrN = 0;
        for (int k = 1; k < beats.size(); k++)
            if (beats.get(k)[0] >= 0 && beats.get(k)[0] < dur && beats.get(k)[2] == 0) {
                rrSum += beats.get(k)[1];
                rrN++;
            }
        if (rrN > 0) f.heartRate = 60.0 / (rrSum / rrN);
        return new Rhythm(beats, fResp, phResp, pvcDir);
    }

    /** The heart's dipole [3][steps]: the beat rendered at every beat time (premature complexes their own shape). */
    private double[][] dipole(SyntheticBeat beat, Rhythm rhythm) {
        double[][] dip = new double[3][steps];
        double aa = 0.5 / fs; // anti-alias sigma
        for (double[] b : rhythm.beats) {
            double tR = b[0], rr = b[1];
            int type = (int) b[2];
            double sq = Math.sqrt(rr);
            double mod = 1 + 0.05 * StrictMath.sin(TWO_PI * rhythm.fResp * tR + rhythm.phResp + 1.0);
            if (type == 1) {
                double[] pv = rhythm.pvcDir;
                render(dip, tR, 0, 0.032, 0.032, scale(pv, 1.7), aa);
                render(dip, tR, 0.055, 0.03, 0.03, scale(pv, -0.5), aa);
                render(dip, tR, 0.30 * sq, 0.07, 0.05, scale(pv, -0.55), aa);
                continue;
            }
            for (Wave x : beat.waves) {
                if (type == 2 && !x.p) continue; // non-conducted P
                double c = x.t;
                if (x.p) c = x.t + (beat.pToR - b[3]);
                if (x.qt) c = x.t * sq;
                if (x.kind == 0) {
                    double[] v = (x.p || x.qt) ? x.v : scale(x.v, mod);
                    render(dip, tR, c, x.sl, x.sr, v, aa);
                } else {
                    renderPlateau(dip, tR, x.t, x.t2 * sq, x.sl, x.v, aa);
                }
            }
        }
        return dip;
    }

    /**
     * The 12 leads [12][steps]: the dipole projected on the limb and precordial lead vectors (per-electrode
     * placement gains), plus electrode noise combined the way a recorder combines it and amplifier noise.
     */
    private float[][] leads(double[][] dip, Patient patient, double fResp, SyntheticRandom rng, SyntheticFindings f) {
        float[][] out = new float[12][steps];
        double[] uI = vec(1, 0, 0), uII = vec(0.5, Math.sqrt(3) / 2, 0);
        double[] betas = {115, 95, 75, 55, 30, 5};
        double[] pg = {1.2, 2.0, 2.2, 2.1, 1.8, 1.45};
        double[][] uV = new double[6][];
        for (int k = 0; k < 6; k++) {
            double bRad = Math.toRadians(betas[k] + rng.normal(0, 5));
            double g = pg[k] * patient.precGain * rng.logNormal(0.08);
            uV[k] = vec(g * StrictMath.cos(bRad), g * 0.1, g * StrictMath.sin(bRad));
        }
        double gI = patient.limbGain * rng.logNormal(0.05), gII = patient.limbGain * rng.logNormal(0.05);
        double[][] noise = electrodeNoise(rng, f, fResp);
        double amp = 0.004 * cfg.noiseLevel(); // amplifier noise, mV
        for (int n = 0; n < steps; n++) {
            double x = dip[0][n], y = dip[1][n], z = dip[2][n];
            double lI = gI * (x * uI[0] + y * uI[1]);
            double lII = gII * (x * uII[0] + y * uII[1]);
            double ra = noise[0][n], la = noise[1][n], ll = noise[2][n];
            double nI = la - ra, nII = ll - ra;
            // amplifier noise enters the measured leads (I, II, V1-V6); III and aVR/aVL/aVF are derived
            double vI = lI + nI + amp * rng.gaussian(), vII = lII + nII + amp * rng.gaussian();
            out[0][n] = (float) vI;
            out[1][n] = (float) vII;
            out[2][n] = (float) (vII - vI);              // III = II - I
            out[3][n] = (float) (-(vI + vII) / 2);       // aVR
            out[4][n] = (float) (vI - vII / 2);          // aVL
            out[5][n] = (float) (vII - vI / 2);          // aVF
            double wct = (ra + la + ll) / 3;
            for (int k = 0; k < 6; k++) {
                double[] u = uV[k];
                out[6 + k][n] = (float) (x * u[0] + y * u[1] + z * u[2] + noise[3 + k][n] - wct + amp * rng.gaussian());
            }
        }
        return out;
    }

    /** Adds an asymmetric Gaussian wave (centre tR + c) to the dipole, band-limited by sigma aa. */
    private void render(double[][] dip, double tR, double c, double sl, double sr, double[] v, double aa) {
        double el = Math.sqrt(sl * sl + aa * aa), er = Math.sqrt(sr * sr + aa * aa);
        double ampK = (sl + sr) / (el + er);
        double centre = tR + c;
        int n0 = Math.max(0, (int) Math.ceil((centre - 5 * el) * fs));
        int n1 = Math.min(steps - 1, (int) Math.floor((centre + 5 * er) * fs));
        if (n0 > n1) return;
        double vx = v[0] * ampK, vy = v[1] * ampK, vz = v[2] * ampK;
        for (int n = n0; n <= n1; n++) {
            double d = n / fs - centre;
            double sg = d < 0 ? el : er;
            double g = StrictMath.exp(-0.5 * d * d / (sg * sg));
            dip[0][n] += vx * g;
            dip[1][n] += vy * g;
            dip[2][n] += vz * g;
        }
    }

    /** Adds a smooth plateau from tR + t1 to tR + t2 (edges of width e) to the dipole. */
    private void renderPlateau(double[][] dip, double tR, double t1, double t2, double e, double[] v, double aa) {
        double ee = Math.sqrt(e * e + aa * aa);
        double a = tR + t1, b = tR + t2;
        int n0 = Math.max(0, (int) Math.ceil((a - 4 * ee) * fs));
        int n1 = Math.min(steps - 1, (int) Math.floor((b + 4 * ee) * fs));
        for (int n = n0; n <= n1; n++) {
            double tt = n / fs;
            double g = 0.5 * (StrictMath.tanh((tt - a) / ee) - StrictMath.tanh((tt - b) / ee));
            dip[0][n] += v[0] * g;
            dip[1][n] += v[1] * g;
            dip[2][n] += v[2] * g;
        }
    }

    /** Noise potentials of the 9 electrodes RA, LA, LL, V1..V6 (mV). */
    private double[][] electrodeNoise(SyntheticRandom rng, SyntheticFindings f, double fResp) {
        double nl = cfg.noiseLevel();
        double[][] e = new double[9][steps];
        if (nl == 0) return e;
        double recordNoise = rng.logNormal(0.35);
        f.noisy = recordNoise > 1.5;
        double k = nl * recordNoise;
        double mainsF = 50 + rng.normal(0, 0.05);
        double mainsK = mainsF >= 0.4 * fs ? 0.1 : 1.0; // residual after the recorder's anti-alias filter
        double mainsPh = rng.uniform(0, TWO_PI);
        // EMG bursts (shared by limb electrodes: patient movement / tremor)
        double[] env = new double[steps];
        java.util.Arrays.fill(env, 1.0);
        if (rng.chance(0.3)) {
            int bursts = 1 + rng.nextInt(3);
            for (int b = 0; b < bursts; b++) {
                int c = rng.nextInt(steps), half = (int) (rng.uniform(0.25, 1.0) * fs);
                double amp = rng.uniform(2, 6);
                for (int n = Math.max(0, c - half); n < Math.min(steps, c + half); n++) env[n] = Math.max(env[n], amp);
            }
        }
        // sinusoid tables: respiration, 3 slow drift frequencies (shared by all electrodes, own phases), mains
        double[] freqs = {fResp, rng.uniform(0.02, 0.06), rng.uniform(0.06, 0.1), rng.uniform(0.1, 0.14), mainsF};
        double[][] sinT = new double[freqs.length][steps], cosT = new double[freqs.length][steps];
        for (int j = 0; j < freqs.length; j++)
            for (int n = 0; n < steps; n++) {
                double a = TWO_PI * freqs[j] * n / fs;
                sinT[j][n] = StrictMath.sin(a);
                cosT[j][n] = StrictMath.cos(a);
            }
        double[] mainsWave = new double[steps];
        for (int n = 0; n < steps; n++)
            mainsWave[n] = sinT[4][n] * StrictMath.cos(mainsPh) + cosT[4][n] * StrictMath.sin(mainsPh);
        for (int el = 0; el < 9; el++) {
            boolean limb = el < 3;
            double[] x = e[el];
            double loose = rng.chance(0.05) ? rng.uniform(2, 4) : 1;
            double[] cs = new double[4], cc = new double[4];
            for (int j = 0; j < 4; j++) {
                double amp = (j == 0 ? rng.uniform(0.0, 0.05) : rng.uniform(0, 0.04)) * k * loose;
                double ph = rng.uniform(0, TWO_PI);
                cs[j] = amp * StrictMath.cos(ph);
                cc[j] = amp * StrictMath.sin(ph);
            }
            double emg = (limb ? 0.010 : 0.006) * k;
            double mains = rng.uniform(0, 0.05) * mainsK * nl;
            for (int n = 0; n < steps; n++) {
                double v = mains * mainsWave[n];
                for (int j = 0; j < 4; j++) v += cs[j] * sinT[j][n] + cc[j] * cosT[j][n];
                v += emg * (limb ? env[n] : 1 + 0.3 * (env[n] - 1)) * rng.gaussian();
                x[n] = v;
            }
        }
        return e;
    }
}
