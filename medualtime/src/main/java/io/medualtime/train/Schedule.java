package io.medualtime.train;

import io.medualtime.nn.optim.LrScheduler;
import io.medualtime.nn.optim.Optimizer;

import java.util.Locale;

/**
 * A learning-rate schedule stepped once per epoch, as a protocol option: exponential decay (lr x gamma every
 * epoch, PyTorch ExponentialLR; the supervised default) or step decay (lr x gamma every {@code stepSize} epochs,
 * PyTorch StepLR; the official transfer stage 1 uses 0.3 every 5). Invalid values are refused naming the option.
 *
 * @param kind     {@link Kind#EXP} or {@link Kind#STEP}
 * @param gamma    the decay factor, in (0, 1]
 * @param stepSize epochs between decays (step decay; 1 for exponential)
 */
public record Schedule(Kind kind, double gamma, int stepSize) {
    public enum Kind { EXP, STEP }

    public Schedule {
        if (kind == null) throw new IllegalArgumentException("the schedule kind is missing (expected exp or step)");
        Checks.inUnitInterval(kind == Kind.EXP ? "--gamma" : "--step-gamma", gamma);
        Checks.atLeast("--step-size", stepSize, 1);
        if (kind == Kind.EXP && stepSize != 1) throw new IllegalArgumentException("--step-size applies to --schedule step, not exp");
    }

    public static Schedule exponential(double gamma) { return new Schedule(Kind.EXP, gamma, 1); }

    public static Schedule step(int stepSize, double gamma) { return new Schedule(Kind.STEP, gamma, stepSize); }

    /** {@code exp} or {@code step} (case-insensitive) to a kind; anything else is refused naming the option. */
    public static Kind parseKind(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "exp", "exponential" -> Kind.EXP;
            case "step" -> Kind.STEP;
            default -> throw new IllegalArgumentException("--schedule must be exp or step, got '" + s + "'");
        };
    }

    /** The scheduler driving {@code o}'s learning rate from its current (base) value. */
    public LrScheduler create(Optimizer o) {
        return kind == Kind.EXP ? LrScheduler.exponential(o, gamma) : LrScheduler.step(o, stepSize, gamma);
    }

    /** What metrics.json records as {@code config.schedule}. */
    public String describe() {
        return kind == Kind.EXP
                ? "ExponentialLR(gamma=" + gamma + ") per epoch"
                : "StepLR(step_size=" + stepSize + ", gamma=" + gamma + ") per epoch";
    }
}
