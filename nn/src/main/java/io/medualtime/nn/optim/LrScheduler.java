package io.medualtime.nn.optim;

/**
 * Learning-rate schedules, stepped once per epoch (or per step, as the caller decides):
 * exponential decay, step decay, and cosine with linear warm-up.
 */
public abstract class LrScheduler {
    protected final Optimizer optimizer;
    protected final float baseLr;
    protected int count;

    protected LrScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
    }

    /** Advances one step and sets the optimiser's learning rate. */
    public void step() {
        count++;
        optimizer.setLr(lrAt(count));
    }

    protected abstract float lrAt(int step);

    /** Steps taken (the state a checkpoint saves). */
    public int steps() { return count; }

    /** Continues after {@code steps} steps: the optimiser's learning rate becomes the one of that step. */
    public void restore(int steps) {
        if (steps < 0) throw new IllegalArgumentException("scheduler steps must be >= 0, got " + steps);
        count = steps;
        optimizer.setLr(steps == 0 ? baseLr : lrAt(steps));
    }

    /** lr = base * gamma^step (PyTorch ExponentialLR). */
    public static LrScheduler exponential(Optimizer o, double gamma) {
        return new LrScheduler(o) { protected float lrAt(int s) { return (float) (baseLr * Math.pow(gamma, s)); } };
    }

    /** lr = base * gamma^(step / stepSize) (PyTorch StepLR). */
    public static LrScheduler step(Optimizer o, int stepSize, double gamma) {
        return new LrScheduler(o) { protected float lrAt(int s) { return (float) (baseLr * Math.pow(gamma, s / stepSize)); } };
    }

    /** Linear warm-up to base over warmup steps, then cosine decay to minLr at total steps. */
    public static LrScheduler cosine(Optimizer o, int warmup, int total, double minLr) {
        return new LrScheduler(o) {
            protected float lrAt(int s) {
                if (s < warmup) return (float) (baseLr * (s + 1) / warmup);
                double progress = Math.min(1.0, (s - warmup) / (double) Math.max(1, total - warmup));
                return (float) (minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * progress)));
            }
        };
    }
}
