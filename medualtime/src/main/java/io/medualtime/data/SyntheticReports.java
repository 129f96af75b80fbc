package io.medualtime.data;

import io.medualtime.data.SyntheticFindings.Sub;
import io.medualtime.data.SyntheticFindings.Territory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the clinical-style English report of a synthetic ECG from what the generator put into its
 * signal ({@link SyntheticFindings}).
 *
 * <p>A fraction {@code uninformativeRate} of the reports carries no diagnostic statement
 * ("Unconfirmed report.", "Sinus rhythm.", "Borderline ECG.", ...). The others contain a diagnostic
 * statement drawn from varied templates and synonyms; it is hedged ("possible", "cannot exclude")
 * more often for mild findings, and in about a quarter of the cases it is incomplete: a finding
 * that several classes share (T-wave inversion, left axis deviation, high voltage, ST depression)
 * without the diagnosis. Reports also mention findings that are in the signal but not in the label
 * (rate, sinus arrhythmia, premature ventricular complexes, axis, noise, normal variants of
 * borderline NORM records) and, in about 12 %, a hedged statement pointing to another class.
 */
final class SyntheticReports {
    private SyntheticReports() {}

    static final double PARTIAL_RATE = 0.25, DISTRACTOR_RATE = 0.12;

    static String report(SyntheticFindings f, SyntheticRandom rng, double uninformativeRate) {
        List<String> out = new ArrayList<>();
        String rhythm = rhythm(f, rng);
        if (rng.chance(uninformativeRate)) {
            // @formatter:off
            switch (rng.pickWeighted(3, 3, 2, 1, 1, 1, 1, 0.6, 1)) {
                case 0: out.add("Unconfirmed report."); break;
                case 1: out.add(rhythm); break;
                case 2: out.add(rhythm); out.add("Unconfirmed report."); break;
                case 3: out.add(rng.pick("Technically limited recording; interpretation deferred.",
                        "Recording of limited quality, no interpretation.")); break;
                case 4: out.add(rhythm); out.add(rng.pick("Compare with previous ECG.", "No previous ECG for comparison.")); break;
                case 5: out.add(rng.pick("ECG recorded for preoperative assessment.", "Routine ECG.")); out.add(rhythm); break;
                case 6: out.add(rng.pick("Borderline ECG.", "Borderline tracing.")); break;
                case 7: out.add(f.fine == EcgClasses.NORM ? "Borderline ECG." : rng.pick("Abnormal ECG.", "Abnormal tracing.")); break;
                default: out.add(rhythm); out.add("Please see clinical notes."); break;
            }
            // @formatter:on
            extras(f, rng, out, 0.2);
            return String.join(" ", out);
        }
        if (rng.chance(0.6) && f.sub != Sub.CD_AVB2) out.add(rhythm);
        if (rng.chance(0.2) && f.sub != Sub.CD_LAFB) out.add(axis(f, rng));
        out.add(statement(f, rng));
        if (f.fine == EcgClasses.NORM && f.variant != SyntheticFindings.Variant.NONE && !out.get(out.size() - 1).startsWith("Normal")
                && rng.chance(0.5))
            out.add(rng.pick("Otherwise normal ECG.", "Otherwise within normal limits."));
        if (rng.chance(DISTRACTOR_RATE)) out.add(distractor(f, rng));
        extras(f, rng, out, 0.0);
        if (rng.chance(0.08)) out.add("Unconfirmed report.");
        return String.join(" ", out);
    }

    private static void extras(SyntheticFindings f, SyntheticRandom rng, List<String> out, double axisRate) {
        if (rng.chance(axisRate)) out.add(axis(f, rng));
        if (f.pvcs > 0 && rng.chance(0.7))
            out.add(f.pvcs > 1
                    ? rng.pick("Occasional ventricular extrasystoles.", "Ventricular premature complexes.", "Two PVCs.")
                    : rng.pick("Single ventricular premature complex.", "Isolated PVC.", "One VPB."));
        if (f.noisy && rng.chance(0.4)) out.add(rng.pick("Baseline wander.", "Muscle artefact.", "Noisy recording."));
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    private static String rhythm(SyntheticFindings f, SyntheticRandom rng) {
        int hr = (int) Math.round(f.heartRate);
        String r;
        if (f.sub == Sub.CD_AVB2) r = "Sinus rhythm";
        else if (hr < 57) r = "Sinus bradycardia";
        else if (hr > 100) r = "Sinus tachycardia";
        else if (f.sinusArrhythmia) r = "Sinus arrhythmia";
        else r = rng.chance(0.2) ? "Normal sinus rhythm" : "Sinus rhythm";
        if (rng.chance(0.3)) r += rng.chance(0.5) ? fmt(", rate %d/min", hr) : fmt(" (%d bpm)", hr);
        return r + ".";
    }

    private static String axis(SyntheticFindings f, SyntheticRandom rng) {
        double a = f.axisDeg;
        if (a < -30) return rng.pick("Left axis deviation.", "Left axis.", fmt("QRS axis %d degrees (left).", Math.round(a)));
        if (a > 100) return rng.pick("Right axis deviation.", "Right axis.", fmt("QRS axis %d degrees (right).", Math.round(a)));
        return rng.pick("Normal axis.", "Normal QRS axis.", fmt("QRS axis %d degrees.", Math.round(a)));
    }

    private static String leads(Territory t, SyntheticRandom rng) {
        // @formatter:off
        switch (t) {
            case INFERIOR: return rng.pick("II, III, aVF", "II, III and aVF", "the inferior leads", "III, aVF");
            case ANTERIOR: return rng.pick("V1-V4", "V1-V3", "V2-V4", "the anteroseptal leads", "V1, V2, V3");
            case LATERAL: return rng.pick("I, aVL, V5, V6", "I, aVL", "V5-V6", "the lateral leads", "I, aVL, V6");
            default: return rng.pick("II, III, aVF, V4-V6", "V4-V6", "V5, V6", "the inferolateral leads", "II, aVF, V5, V6");
        }
        // @formatter:on
    }

    private static String wall(Territory t, SyntheticRandom rng) {
        // @formatter:off
        switch (t) {
            case INFERIOR: return rng.pick("inferior", "inferior wall", "diaphragmatic");
            case ANTERIOR: return rng.pick("anterior", "anteroseptal", "anterior wall");
            case LATERAL: return rng.pick("lateral", "high lateral", "lateral wall");
            default: return "inferolateral";
        }
        // @formatter:on
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String statement(SyntheticFindings f, SyntheticRandom rng) {
        boolean hedge = rng.chance(f.mild ? 0.6 : 0.15);
        boolean partial = rng.chance(PARTIAL_RATE);
        int qrs = (int) (Math.round(f.qrsMs / 2.0) * 2), pr = (int) (Math.round(f.prMs / 2.0) * 2);
        // @formatter:off
        switch (f.fine) {
            case EcgClasses.NORM: {
                if (f.variant != SyntheticFindings.Variant.NONE && rng.chance(0.5)) {
                    switch (f.variant) {
                        case T_FLAT: return rng.pick("Slightly flat T waves, probably normal.", "Low T waves, nonspecific.");
                        case PR_BORDERLINE: return fmt("PR interval at upper limit of normal (%d ms).", pr);
                        case HIGH_VOLTAGE: return rng.pick("High QRS voltage, normal for age.", "High voltage, probably normal variant.");
                        case LEFT_AXIS: return rng.pick("Left axis deviation.", "Borderline left axis.");
                        case IRBBB: return rng.pick("Incomplete right bundle branch block, normal variant.", "RSR' in V1, normal variant.");
                        default: return rng.pick("Early repolarisation, normal variant.", "ST elevation in V2-V4, early repolarisation.");
                    }
                }
                return rng.pick("Normal ECG.", "Within normal limits.", "Normal tracing.", "No pathological findings.",
                        "Normal electrocardiogram.", "Normal axis, no ST-T changes. Normal ECG.", "Normal ECG for age.");
            }
            case EcgClasses.MI: {
                String l = leads(f.territory, rng), w = wall(f.territory, rng);
                boolean acute = f.sub == Sub.MI_ACUTE;
                if (partial) {
                    if (acute) return fmt("ST elevation in %s.", l);
                    return rng.pick(fmt("Q waves in %s.", l), "Small Q waves in III.", fmt("T wave inversion in %s.", l),
                            f.territory == Territory.ANTERIOR ? "Poor R wave progression in V1-V4." : fmt("Q waves in %s.", l));
                }
                if (hedge) {
                    if (acute) return rng.pick(fmt("ST elevation in %s, cannot exclude acute %s injury.", l, w),
                            fmt("Possible acute %s infarction.", w));
                    return rng.pick(fmt("Possible old %s infarction.", w),
                            fmt("Cannot exclude %s myocardial infarction, age undetermined.", w),
                            fmt("Q waves in %s, probably old %s infarction.", l, w),
                            fmt("Consider %s infarct, age undetermined.", w));
                }
                if (acute) return rng.pick(fmt("ST elevation in %s, consistent with acute %s myocardial infarction.", l, w),
                        fmt("Acute %s STEMI.", w),
                        fmt("ST segment elevation in %s with reciprocal ST depression: acute %s infarction.", l, w),
                        fmt("Evolving %s myocardial infarction.", w));
                return rng.pick(fmt("Pathological Q waves in %s, consistent with old %s myocardial infarction.", l, w),
                        fmt("%s myocardial infarction, age undetermined.", cap(w)),
                        fmt("Old %s infarction.", w),
                        fmt("Q waves and T wave inversion in %s: old %s MI.", l, w),
                        fmt("Previous %s myocardial infarct.", w),
                        fmt("Status post %s myocardial infarction.", w));
            }
            case EcgClasses.STTC: {
                String l = leads(f.territory, rng);
                if (partial) return rng.pick("T wave abnormality.", "ST changes.", "ST-T changes, clinical correlation recommended.");
                if (hedge) return rng.pick("Possible ischemic ST changes.", "Cannot exclude ischemia.", "Borderline ST depression in V5, V6.",
                        fmt("Slight ST depression in %s, of uncertain significance.", l), "Possible repolarisation abnormality.");
                switch (f.sub) {
                    case STTC_ISCHEMIC:
                        return rng.pick(fmt("ST depression in %s, possibly ischemic.", l),
                                fmt("ST depression in %s, consistent with ischemia.", l),
                                fmt("ST depression in %s, suggestive of subendocardial ischemia.", l),
                                fmt("Horizontal ST segment depression in %s.", l),
                                "ST-T changes compatible with myocardial ischemia.",
                                fmt("Downsloping ST depression in %s, ischemic ST changes.", l));
                    case STTC_TINV:
                        return rng.pick(fmt("T wave inversion in %s, nonspecific.", l), fmt("T wave inversion in %s, possibly ischemic.", l),
                                fmt("Negative T waves in %s.", l), fmt("Inverted T waves in %s, consider ischemia.", l));
                    case STTC_NONSPECIFIC:
                        return rng.pick("Nonspecific ST-T wave changes.", "Nonspecific T wave flattening.", "Minor ST-T abnormality.",
                                "Repolarisation abnormality.", fmt("Flat T waves in %s.", l));
                    default:
                        return rng.pick(fmt("Prolonged QT interval (QTc %d ms).", Math.round(f.qtcMs)), "Long QT.", "QT prolongation.");
                }
            }
            case EcgClasses.CD: {
                if (partial) {
                    switch (f.sub) {
                        case CD_AVB1: case CD_AVB2: return "Prolonged PR interval.";
                        case CD_LAFB: return "Left axis deviation.";
                        default: return rng.pick("QRS widening.", "Conduction abnormality.", fmt("QRS duration %d ms.", qrs));
                    }
                }
                String st;
                switch (f.sub) {
                    case CD_LBBB:
                        st = f.mild ? rng.pick("Incomplete left bundle branch block.", "Intraventricular conduction delay.",
                                "Nonspecific intraventricular conduction delay.")
                                : rng.pick(fmt("QRS widened (%d ms), complete left bundle branch block.", qrs), "Complete LBBB.",
                                "Left bundle branch block.", "Left axis deviation, QRS widened, complete left bundle branch block.");
                        break;
                    case CD_RBBB:
                        st = f.mild ? rng.pick("Incomplete right bundle branch block.", "RSR' in V1, incomplete RBBB.")
                                : rng.pick("Complete right bundle branch block.", "RBBB.",
                                fmt("rSR' pattern in V1 with QRS %d ms: right bundle branch block.", qrs));
                        break;
                    case CD_LAFB:
                        st = f.mild ? rng.pick("Left axis deviation.", "Borderline left axis deviation.")
                                : rng.pick("Left axis deviation, left anterior fascicular block.", "Left anterior hemiblock.", "LAFB.");
                        break;
                    case CD_AVB1:
                        st = f.mild ? rng.pick("Borderline PR interval.", fmt("PR interval at upper limit of normal (%d ms).", pr))
                                : rng.pick(fmt("First-degree AV block (PR %d ms).", pr), "Prolonged PR interval, first degree AV block.",
                                "AV block I.");
                        break;
                    default:
                        st = rng.pick("Sinus rhythm with second-degree AV block, Mobitz type I (Wenckebach).", "Wenckebach periodicity.",
                                "AV block II, type Wenckebach.");
                }
                if (hedge && !f.mild) st = "Possible " + Character.toLowerCase(st.charAt(0)) + st.substring(1);
                return st;
            }
            default: { // HYP
                if (partial) {
                    if (f.sub == Sub.HYP_RVH) return rng.pick("Right axis deviation.", "Tall R wave in V1.");
                    if (f.strain) return "ST depression in V5, V6.";
                    if (f.leftAtrial) return "Left atrial abnormality.";
                    return rng.pick("High QRS voltage.", "Increased QRS amplitude in the precordial leads.");
                }
                if (f.sub == Sub.HYP_RVH)
                    return hedge ? "Possible right ventricular hypertrophy." : rng.pick("Right axis deviation, right ventricular hypertrophy.",
                            "Probable right ventricular hypertrophy.", "RVH.");
                if (f.mild || hedge)
                    return rng.pick("Borderline voltage criteria for LVH.", "High QRS voltage, possibly normal variant.",
                            "Possible left ventricular hypertrophy.");
                String st = f.strain
                        ? rng.pick("Left ventricular hypertrophy with repolarisation abnormality (strain pattern).",
                        "LVH with secondary ST-T changes.")
                        : rng.pick("Voltage criteria for left ventricular hypertrophy.", "Left ventricular hypertrophy.",
                        "LVH by voltage criteria (Sokolow-Lyon).");
                if (f.leftAtrial && rng.chance(0.6)) st += " Left atrial enlargement.";
                return st;
            }
        }
        // @formatter:on
    }

    private static String distractor(SyntheticFindings f, SyntheticRandom rng) {
        while (true) {
            int k = rng.nextInt(5);
            if (k == f.fine) continue;
            // @formatter:off
            switch (k) {
                case EcgClasses.NORM: return "Borderline ECG.";
                case EcgClasses.MI: return rng.pick("Cannot exclude inferior infarction.", "Small Q waves in III.", "Possible old anterior infarct.");
                case EcgClasses.STTC: return rng.pick("Nonspecific T wave changes.", "Minor ST-T abnormality.", "Possible repolarisation abnormality.");
                case EcgClasses.CD: return rng.pick("Left axis deviation.", "Borderline PR interval.", "Incomplete right bundle branch block.");
                default: return rng.pick("High QRS voltage.", "Borderline voltage criteria for LVH.");
            }
            // @formatter:on
        }
    }
}
