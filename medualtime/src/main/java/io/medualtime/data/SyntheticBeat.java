package io.medualtime.data;

import io.medualtime.data.SyntheticFindings.Sub;
import io.medualtime.data.SyntheticFindings.Territory;
import io.medualtime.data.SyntheticFindings.Variant;

import java.util.ArrayList;
import java.util.List;

/**
 * The beat model of {@link SyntheticEcg}: one heartbeat as a sum of waves (P, septal Q, two R components,
 * S, T, then class-specific extras), each a Gaussian in time - or an ST plateau - times a 3-D dipole
 * vector (x = left, y = inferior, z = anterior). A record's beat is drawn for its patient
 * ({@link #normal}), changed by its diagnostic class ({@link #applyClass}) and turned with the heart
 * ({@link #orient}); the rhythm then places it at every beat time.
 */
final class SyntheticBeat {
    static final double TWO_PI = 2 * Math.PI;

    /** One Gaussian (or ST plateau) component of the beat, with a 3-D dipole vector in mV. */
    static final class Wave {
        final int kind; // 0 gaussian, 1 plateau
        double t, sl, sr; // centre (s, relative to R), left/right sigma (s); plateau: t..t2, edge sl
        double t2;
        final double[] v;
        boolean p, qt; // moves with PR / scales with sqrt(RR)

        Wave(int kind, double t, double sl, double sr, double[] v) {
            this.kind = kind;
            this.t = t;
            this.sl = sl;
            this.sr = sr;
            this.v = v;
        }

        double area() { return kind == 0 ? (sl + sr) * 0.5 * Math.sqrt(TWO_PI) : (t2 - t); }
    }

    // Standard QRS wave indices in the template
    private static final int P = 0, Q = 1, R1 = 2, R2 = 3, S = 4, T = 5;

    /** The waves: P, Q, R1, R2, S, T, then (after {@link #applyClass}) the class's extra ones. */
    final List<Wave> waves = new ArrayList<>();
    /** Class-specific extra waves (ST plateaus, R', notches), added after the class effects. */
    private final List<Wave> extra = new ArrayList<>();
    /** P-to-R interval and T centre at RR = 1 s (seconds); class effects may move them. */
    double pToR, tOffC;
    /** QRS width factor, and the J point (end of QRS, seconds after R) where ST plateaus start. */
    private final double qrsW;
    private double jPoint;
    /** Second-degree AV block: the rhythm drops a conduction every few beats (Wenckebach). */
    boolean avb2;

    private SyntheticBeat(double pToR, double tOffC, double qrsW) {
        this.pToR = pToR;
        this.tOffC = tOffC;
        this.qrsW = qrsW;
    }

    /** The normal beat of a patient with these intervals and QRS width factor, its wave directions jittered. */
    static SyntheticBeat normal(double pToR, double tOffC, double qrsW, SyntheticRandom rng) {
        SyntheticBeat b = new SyntheticBeat(pToR, tOffC, qrsW);
        List<Wave> w = b.waves;
        w.add(new Wave(0, -pToR, 0.022, 0.022, scale(unit(0.5, 0.8, 0.1), rng.normal(0.14, 0.025, 0.07, 0.22))));
        w.get(P).p = true;
        w.add(new Wave(0, -0.028 * qrsW, 0.008 * qrsW, 0.008 * qrsW, scale(unit(-0.6, 0.1, 0.8), rng.normal(0.14, 0.04, 0.03, 0.25))));
        w.add(new Wave(0, -0.010 * qrsW, 0.009 * qrsW, 0.009 * qrsW, scale(unit(0.5, 0.55, 0.65), rng.normal(0.9, 0.15, 0.5, 1.4))));
        w.add(new Wave(0, 0.004 * qrsW, 0.010 * qrsW, 0.010 * qrsW, scale(unit(0.6, 0.75, -0.3), rng.normal(1.3, 0.2, 0.8, 1.9))));
        w.add(new Wave(0, 0.024 * qrsW, 0.010 * qrsW, 0.010 * qrsW, scale(unit(-0.3, -0.35, -0.88), rng.normal(0.55, 0.12, 0.25, 0.9))));
        Wave tw = new Wave(0, tOffC, 0.062, 0.040, scale(unit(0.55, 0.6, 0.35), rng.normal(0.38, 0.07, 0.2, 0.6)));
        tw.qt = true;
        w.add(tw);
        // morphology jitter of directions
        for (Wave x : w) {
            double m = norm(x.v);
            double[] d = unit(x.v[0] / m + rng.normal(0, 0.12), x.v[1] / m + rng.normal(0, 0.12), x.v[2] / m + rng.normal(0, 0.12));
            System.arraycopy(scale(d, m), 0, x.v, 0, 3);
        }
        b.jPoint = 0.045 * qrsW;
        return b;
    }

    /**
     * Changes the beat the way the fine class does, at severity s (mild: a NORM record gets a normal
     * variant instead), and records what it did in f.
     */
    void applyClass(int fine, double s, boolean mild, SyntheticRandom rng, SyntheticFindings f) {
        // @formatter:off
        switch (fine) {
            case EcgClasses.NORM: if (mild) normalVariant(rng, f); break;
            case EcgClasses.MI: infarction(s, rng, f); break;
            case EcgClasses.STTC: stChange(s, rng, f); break;
            case EcgClasses.CD: conductionDisturbance(s, mild, rng, f); break;
            default: hypertrophy(s, mild, rng, f);
        }
        // @formatter:on
        waves.addAll(extra);
    }

    private void normalVariant(SyntheticRandom rng, SyntheticFindings f) {
        List<Wave> w = waves;
        Variant[] vs = {Variant.T_FLAT, Variant.PR_BORDERLINE, Variant.HIGH_VOLTAGE, Variant.LEFT_AXIS,
                Variant.IRBBB, Variant.EARLY_REPOL};
        f.variant = vs[rng.nextInt(vs.length)];
        double b = rng.uniform(0.1, 0.3);
        // @formatter:off
        switch (f.variant) {
            case T_FLAT: scaleWave(w.get(T), 1 - 0.9 * b); break;
            case PR_BORDERLINE: pToR += 0.02 + 0.15 * b; w.get(P).t = -pToR; break;
            case HIGH_VOLTAGE: scaleWave(w.get(R2), 1 + 0.9 * b); scaleWave(w.get(S), 1 + b); break;
            case LEFT_AXIS: for (int k = Q; k <= S; k++) rotFrontal(w.get(k).v, -(60 + 35 * b)); break;
            case IRBBB: extra.add(new Wave(0, 0.045 * qrsW, 0.012, 0.012, scale(unit(-0.55, 0.05, 0.85), 0.25 + 0.6 * b))); break;
            default: { // early repolarisation: slight precordial/inferior ST elevation
                Wave st = plateau(jPoint, tOffC, scale(unit(0.3, 0.5, 0.8), 0.05 + 0.15 * b));
                extra.add(st);
            }
        }
        // @formatter:on
    }

    private void infarction(double s, SyntheticRandom rng, SyntheticFindings f) {
        List<Wave> w = waves;
        double r = rng.nextDouble();
        f.territory = r < 0.45 ? Territory.INFERIOR : r < 0.85 ? Territory.ANTERIOR : Territory.LATERAL;
        double[] d = territoryDir(f.territory);
        boolean acute = rng.chance(0.3);
        f.sub = acute ? Sub.MI_ACUTE : Sub.MI_OLD;
        // pathological Q: initial forces directed away from the infarct
        extra.add(new Wave(0, -0.026 * qrsW, 0.010 + 0.008 * s, 0.010 + 0.008 * s, scale(d, -(0.1 + 0.55 * s))));
        suppressAlong(w.get(Q).v, d, 1.0);
        suppressAlong(w.get(R1).v, d, 0.9 * s);
        suppressAlong(w.get(R2).v, d, 0.8 * s);
        if (acute) {
            extra.add(plateau(jPoint, tOffC, scale(d, 0.06 + 0.3 * s)));
            addTo(w.get(T).v, d, 0.1 + 0.25 * s);
        } else {
            suppressAlong(w.get(T).v, d, 1 + 0.9 * s);
            addTo(w.get(T).v, d, -0.15 * s);
        }
    }

    private void stChange(double s, SyntheticRandom rng, SyntheticFindings f) {
        List<Wave> w = waves;
        double r = rng.nextDouble();
        if (r < 0.4) {
            f.sub = Sub.STTC_ISCHEMIC;
            f.territory = rng.chance(0.5) ? Territory.INFEROLATERAL : Territory.LATERAL;
            double[] d = territoryDir(Territory.INFEROLATERAL);
            if (f.territory == Territory.LATERAL) d = unit(0.85, 0.15, 0.5);
            extra.add(plateau(jPoint, tOffC * 0.9, scale(d, -(0.04 + 0.2 * s))));
            scaleWave(w.get(T), 1 - 0.6 * s);
        } else if (r < 0.7) {
            f.sub = Sub.STTC_TINV;
            double q = rng.nextDouble();
            f.territory = q < 0.4 ? Territory.ANTERIOR : q < 0.7 ? Territory.INFEROLATERAL : Territory.INFERIOR;
            double[] d = territoryDir(f.territory);
            suppressAlong(w.get(T).v, d, 0.5 + 1.3 * s);
            addTo(w.get(T).v, d, -0.1 * s);
        } else if (r < 0.9) {
            f.sub = Sub.STTC_NONSPECIFIC;
            scaleWave(w.get(T), 1 - 0.85 * s);
            extra.add(plateau(jPoint, tOffC * 0.9, scale(territoryDir(Territory.INFEROLATERAL), -0.06 * s)));
        } else {
            f.sub = Sub.STTC_LONG_QT;
            tOffC += 0.03 + 0.09 * s;
            w.get(T).t = tOffC;
            w.get(T).sl *= 1 + 0.3 * s;
            w.get(T).sr *= 1 + 0.2 * s;
            scaleWave(w.get(T), 1 - 0.3 * s);
        }
    }

    private void conductionDisturbance(double s, boolean mild, SyntheticRandom rng, SyntheticFindings f) {
        List<Wave> w = waves;
        double r = rng.nextDouble();
        if (mild && r >= 0.9) r = rng.uniform(0.45, 0.9); // Wenckebach is never mild here
        if (r < 0.2) {
            f.sub = Sub.CD_LBBB;
            double widen = 1 + 1.4 * s, spread = 1 + 1.2 * s;
            for (int k = Q; k <= S; k++) {
                Wave x = w.get(k);
                x.t *= spread;
                x.sl *= widen;
                x.sr *= widen;
            }
            scaleWave(w.get(Q), 1 - s);
            rotHorizontal(w.get(R1).v, -40 * s);
            rotHorizontal(w.get(R2).v, -20 * s);
            rotFrontal(w.get(R2).v, -20 * s);
            // notch: late leftward-posterior force
            extra.add(new Wave(0, 0.03 * spread, 0.014 * widen, 0.014 * widen, scale(unit(0.8, 0.2, -0.55), 0.9 * s)));
            scaleWave(w.get(S), 1 - 0.5 * s);
            double[] qrsDir = unit(0.8, 0.3, -0.5);
            suppressAlong(w.get(T).v, qrsDir, 1.0 * s);
            addTo(w.get(T).v, qrsDir, -0.45 * s);
            jPoint *= spread;
            extra.add(plateau(jPoint, tOffC, scale(qrsDir, -0.15 * s)));
        } else if (r < 0.45) {
            f.sub = Sub.CD_RBBB;
            for (int k = Q; k <= S; k++) { w.get(k).sl *= 1 + 0.3 * s; w.get(k).sr *= 1 + 0.3 * s; }
            extra.add(new Wave(0, (0.045 + 0.025 * s) * qrsW, 0.012 + 0.014 * s, 0.012 + 0.014 * s,
                    scale(unit(-0.55, 0.05, 0.85), 0.25 + 0.7 * s)));
            suppressAlong(w.get(T).v, territoryDir(Territory.ANTERIOR), 0.8 * s);
            jPoint += 0.03 * s;
        } else if (r < 0.65) {
            f.sub = Sub.CD_LAFB;
            for (int k = Q; k <= S; k++) {
                rotFrontal(w.get(k).v, -(60 + 45 * s));
                w.get(k).sl *= 1 + 0.15 * s;
                w.get(k).sr *= 1 + 0.15 * s;
            }
        } else if (r < 0.9) {
            f.sub = Sub.CD_AVB1;
            pToR += 0.02 + 0.15 * s;
            w.get(P).t = -pToR;
        } else {
            f.sub = Sub.CD_AVB2;
            avb2 = true;
            pToR += 0.03;
            w.get(P).t = -pToR;
        }
    }

    private void hypertrophy(double s, boolean mild, SyntheticRandom rng, SyntheticFindings f) {
        List<Wave> w = waves;
        if (rng.chance(0.85)) {
            f.sub = Sub.HYP_LVH;
            scaleWave(w.get(R2), 1 + 0.9 * s);
            rotHorizontal(w.get(R2).v, -10 * s);
            scaleWave(w.get(S), 1 + 1.1 * s);
            addTo(w.get(S).v, vec(0, 0, -1), 0.4 * s);
            for (int k = Q; k <= S; k++) { w.get(k).sl *= 1 + 0.12 * s; w.get(k).sr *= 1 + 0.12 * s; }
            f.strain = !mild && rng.chance(0.4);
            if (f.strain) {
                double[] d = territoryDir(Territory.INFEROLATERAL);
                extra.add(plateau(jPoint, tOffC * 0.9, scale(d, -(0.05 + 0.1 * s))));
                suppressAlong(w.get(T).v, d, 1.2 * s);
            }
            f.leftAtrial = rng.chance(0.3);
            if (f.leftAtrial) {
                Wave p2 = new Wave(0, -pToR + 0.035, 0.02, 0.02, vec(0.02, 0.03, -0.08 - 0.06 * s));
                p2.p = true;
                extra.add(p2);
                w.get(P).sl *= 1.2;
                w.get(P).sr *= 1.2;
            }
        } else {
            f.sub = Sub.HYP_RVH;
            for (int k = Q; k <= S; k++) rotFrontal(w.get(k).v, 40 + 45 * s);
            extra.add(new Wave(0, 0.012 * qrsW, 0.012, 0.012, scale(unit(-0.45, 0.15, 0.88), 0.3 + 0.9 * s)));
            suppressAlong(w.get(T).v, territoryDir(Territory.ANTERIOR), 0.9 * s);
        }
    }

    /** Whole-heart orientation: frontal, then horizontal rotation of every wave (degrees). */
    void orient(double axisRot, double horRot) {
        for (Wave x : waves) {
            rotFrontal(x.v, axisRot);
            rotHorizontal(x.v, horRot);
        }
    }

    /** The measured-like intervals and axis a report quotes: PR, QRS width, QTc (ms) and the frontal QRS axis. */
    void measure(SyntheticFindings f) {
        f.prMs = pToR * 1000;
        double qrsOn = 0, qrsOff = 0, ax = 0, ay = 0;
        for (int k = 0; k < waves.size(); k++) {
            Wave x = waves.get(k);
            if (x.kind != 0 || x.p || x.qt || norm(x.v) < 0.05) continue;
            qrsOn = Math.min(qrsOn, x.t - 2 * x.sl);
            qrsOff = Math.max(qrsOff, x.t + 2 * x.sr);
            ax += x.v[0] * x.area();
            ay += x.v[1] * x.area();
        }
        f.qrsMs = (qrsOff - qrsOn) * 1000;
        f.axisDeg = Math.toDegrees(StrictMath.atan2(ay, ax));
        f.qtcMs = (tOffC + 2 * waves.get(T).sr - qrsOn) * 1000;
    }

    private static void scaleWave(Wave x, double k) {
        for (int i = 0; i < 3; i++) x.v[i] *= k;
    }

    private static Wave plateau(double t1, double t2, double[] v) {
        Wave x = new Wave(1, t1, 0.02, 0.02, v);
        x.t2 = t2;
        x.qt = false; // end scales with sqrt(RR) in render
        return x;
    }

    private static double[] territoryDir(Territory t) {
        // @formatter:off
        switch (t) {
            case INFERIOR: return unit(0.05, 1, 0.05);
            case ANTERIOR: return unit(-0.3, 0, 0.95);
            case LATERAL: return unit(1, -0.35, 0.1);
            default: return unit(0.6, 0.55, 0.45); // inferolateral / lateral precordial
        }
        // @formatter:on
    }

    // ------------------------------------------------------------------ 3-D vectors

    static double[] vec(double x, double y, double z) { return new double[]{x, y, z}; }

    static double[] unit(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return new double[]{x / n, y / n, z / n};
    }

    static double[] scale(double[] a, double s) { return vec(a[0] * s, a[1] * s, a[2] * s); }

    private static double dot(double[] a, double[] b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

    private static double norm(double[] a) { return Math.sqrt(dot(a, a)); }

    private static void addTo(double[] a, double[] b, double s) { a[0] += b[0] * s; a[1] += b[1] * s; a[2] += b[2] * s; }

    /** Removes the positive component of a along unit d, times k (k = 1 removes it, k = 2 mirrors it). */
    private static void suppressAlong(double[] a, double[] d, double k) {
        double c = dot(a, d);
        if (c > 0) addTo(a, d, -k * c);
    }

    /** Rotation in the frontal plane (about the antero-posterior z axis), degrees; +90 = towards inferior. */
    private static void rotFrontal(double[] a, double deg) {
        double c = StrictMath.cos(Math.toRadians(deg)), s = StrictMath.sin(Math.toRadians(deg));
        double x = a[0] * c - a[1] * s, y = a[0] * s + a[1] * c;
        a[0] = x;
        a[1] = y;
    }

    /** Rotation in the horizontal plane (about the y axis), degrees; + = from left towards anterior. */
    private static void rotHorizontal(double[] a, double deg) {
        double c = StrictMath.cos(Math.toRadians(deg)), s = StrictMath.sin(Math.toRadians(deg));
        double x = a[0] * c - a[2] * s, z = a[0] * s + a[2] * c;
        a[0] = x;
        a[2] = z;
    }
}
