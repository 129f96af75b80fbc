package io.medualtime.tensor.cuda.emulator;

import java.util.Arrays;

import io.medualtime.tensor.cuda.emulator.PtxModule.Function;
import io.medualtime.tensor.cuda.emulator.PtxModule.Insn;
import io.medualtime.tensor.cuda.emulator.PtxModule.Operand;

/**
 * One warp of a thread block, run SIMT-style: the group of lanes at the same instruction executes it
 * together (one decode, then a loop over the lanes), which is what makes the interpreter fast enough
 * for model tests. When a branch splits the group, the lanes that do not go on are parked with their
 * own position; the warp always runs the lanes that are furthest behind (deepest call, then lowest pc),
 * so diverged lanes meet again where their paths join - the label after an if, a loop's exit - as on
 * a GPU.
 *
 * <p>Registers: one array per function with 32 slots per register ({@code reg << 5 | lane}). Call
 * stacks are per lane: lanes of one group may have been called from different sites.
 */
final class PtxWarp {
    private static final int MAX_DEPTH = 32;
    /** Instructions one warp may run in one call of run(): far above any real kernel, so a kernel stuck in a loop fails instead of hanging the tests. */
    private static final long MAX_STEPS = 1L << 28;

    private final PtxBlock block;
    final int base, all;                        // first thread index; mask of this warp's lanes
    final int[] x = new int[32], y = new int[32], z = new int[32];
    final long[][] frames;
    private final int[] activeIn;               // per function: lanes inside it (recursion check)

    // parked lanes keep their own position
    private final Function[] fn = new Function[32];
    private final int[] pc = new int[32], depth = new int[32];
    private final Function[][] retFn = new Function[32][MAX_DEPTH];
    private final int[][] retPc = new int[32][MAX_DEPTH];
    private final Insn[][] retSite = new Insn[32][MAX_DEPTH];
    int exited, atBarrier;
    private int parked;
    private int bestLanes;                      // the parked lanes that should run next (same position)

    // the running group
    private int mask;
    private Function gfn;
    private int gpc, gdepth;

    PtxWarp(PtxBlock block, int base, int lanes, int bx, int by, int functions) {
        this.block = block;
        this.base = base;
        this.all = lanes == 32 ? -1 : (1 << lanes) - 1;
        for (int l = 0; l < lanes; l++) {
            int t = base + l;
            x[l] = t % bx;
            y[l] = (t / bx) % by;
            z[l] = t / (bx * by);
        }
        frames = new long[functions][];
        activeIn = new int[functions];
    }

    void start(Function kernel) {
        Arrays.fill(activeIn, 0);
        exited = atBarrier = parked = bestLanes = 0;
        enter(kernel, all);
        mask = all;
        gfn = kernel;
        gpc = 0;
        gdepth = 0;
    }

    private long[] enter(Function f, int lanes) {
        if ((activeIn[f.index] & lanes) != 0) throw new IllegalStateException("recursive call of " + f.name + " (not supported)");
        activeIn[f.index] |= lanes;
        long[] r = frames[f.index];
        if (r == null) r = frames[f.index] = new long[f.registerCount << 5];
        return r;
    }

    /** Lanes waiting at the barrier may go on. */
    void releaseBarrier() {
        parked |= atBarrier;
        atBarrier = 0;
        findBest();
    }

    /** Runs until every lane has exited or waits at a barrier. */
    void run() {
        if (mask == 0 && !select()) return;
        Insn in = null;
        int lane = Integer.numberOfTrailingZeros(mask);
        long steps = 0;
        try {
            while (true) {
                if (++steps > MAX_STEPS)
                    throw new IllegalStateException("no progress: " + MAX_STEPS
                            + " instructions in one warp without reaching a barrier or the end (an endless loop?)");
                in = gfn.code[gpc];
                long[] r = frames[gfn.index];
                int m = mask;
                if (in.guard >= 0) {
                    int reg = in.guard << 5;
                    for (int mm = mask; mm != 0; mm &= mm - 1) {
                        lane = Integer.numberOfTrailingZeros(mm);
                        if ((r[reg | lane] != 0) == in.guardNegated) m &= ~(1 << lane);
                    }
                }
                switch (in.op) {
                    case BRA:
                        branch(m, in.target);
                        break;
                    case CALL:
                    case RET:
                    case EXIT:
                    case BAR:
                        if (m == 0) gpc++;
                        else if (m != mask) split(m);          // predicated: those that do it go first
                        else control(in, r);
                        break;
                    case SHFL:
                        if (m != (all & ~exited) || exited != 0)
                            throw new IllegalStateException("shfl.sync reached by " + Integer.bitCount(m) + " of the "
                                    + Integer.bitCount(all) + " lanes of warp " + (base >> 5)
                                    + (exited != 0 ? " (the others exited)" : " (the others are elsewhere)"));
                        block.shuffle(in, this, m, r);
                        gpc++;
                        break;
                    default:
                        if (in.fast != 0) PtxBlock.executeFast(in, m, r);
                        else for (int mm = m; mm != 0; mm &= mm - 1) {
                            lane = Integer.numberOfTrailingZeros(mm);
                            block.execute(in, this, lane, r);
                        }
                        gpc++;
                }
                if (mask == 0) {
                    if (!select()) return;
                } else if (bestLanes != 0) {
                    merge();
                }
                lane = Integer.numberOfTrailingZeros(mask);
            }
        } catch (PtxBlock.PtxFault e) {
            throw e;
        } catch (RuntimeException e) {
            throw block.fault(this, lane, in, e.getMessage(), e);
        }
    }

    private void control(Insn in, long[] r) {
        // @formatter:off
        switch (in.op) {
            case CALL: call(in, r); break;
            case RET: if (gdepth == 0) exit(); else ret(); break;
            case EXIT: exit(); break;
            default:                                      // BAR
                atBarrier |= mask;
                save(mask, gpc + 1);
                mask = 0;
        }
        // @formatter:on
    }

    private void branch(int taken, int target) {
        int next = gpc + 1;
        if (taken == mask) { gpc = target; return; }
        if (taken == 0) { gpc = next; return; }
        int notTaken = mask & ~taken;
        if (target < next) {            // backward, a loop: the lanes that loop go first
            park(notTaken, next);
            mask = taken;
            gpc = target;
        } else {                        // forward: the fall-through lanes go first
            park(taken, target);
            mask = notTaken;
            gpc = next;
        }
    }

    /** Lanes not taking a predicated control instruction step over it and wait. */
    private void split(int m) {
        park(mask & ~m, gpc + 1);
        mask = m;
    }

    private void call(Insn in, long[] r) {
        Function f = block.function(in.target);
        if (gdepth == MAX_DEPTH) throw new IllegalStateException("calls nested deeper than " + MAX_DEPTH);
        long[] callee = enter(f, mask);
        for (int mm = mask; mm != 0; mm &= mm - 1) {
            int l = Integer.numberOfTrailingZeros(mm);
            for (int i = 0; i < in.src.length; i++) callee[(f.paramRegs[i] << 5) | l] = block.value(in.src[i], this, l, r);
            retFn[l][gdepth] = gfn;
            retPc[l][gdepth] = gpc + 1;
            retSite[l][gdepth] = in;
        }
        gfn = f;
        gpc = 0;
        gdepth++;
    }

    private void ret() {
        Function callee = gfn;
        long[] from = frames[callee.index];
        activeIn[callee.index] &= ~mask;
        gdepth--;
        boolean same = true;
        Function f0 = null;
        int pc0 = -1;
        for (int mm = mask; mm != 0; mm &= mm - 1) {
            int l = Integer.numberOfTrailingZeros(mm);
            Function f = retFn[l][gdepth];
            Insn site = retSite[l][gdepth];
            long[] to = frames[f.index];
            for (int i = 0; i < site.dst.length; i++)
                if (site.dst[i].kind == Operand.REG) to[(site.dst[i].reg << 5) | l] = from[(callee.returnRegs[i] << 5) | l];
            if (f0 == null) {
                f0 = f;
                pc0 = retPc[l][gdepth];
            } else if (f != f0 || retPc[l][gdepth] != pc0) same = false;
        }
        if (same) {
            gfn = f0;
            gpc = pc0;
            return;
        }
        for (int mm = mask; mm != 0; mm &= mm - 1) {      // called from different sites: each lane goes back to its own
            int l = Integer.numberOfTrailingZeros(mm);
            fn[l] = retFn[l][gdepth];
            pc[l] = retPc[l][gdepth];
            depth[l] = gdepth;
        }
        parked |= mask;
        mask = 0;
        findBest();
    }

    private void exit() {
        for (int i = 0; i < activeIn.length; i++) activeIn[i] &= ~mask;
        exited |= mask;
        mask = 0;
    }

    /** Records that {@code lanes} stand at {@code at} in the group's function and call depth. */
    private void save(int lanes, int at) {
        for (int mm = lanes; mm != 0; mm &= mm - 1) {
            int l = Integer.numberOfTrailingZeros(mm);
            fn[l] = gfn;
            pc[l] = at;
            depth[l] = gdepth;
        }
    }

    /** {@code lanes} leave the group and wait at {@code at} until the group reaches them (or they run first). */
    private void park(int lanes, int at) {
        save(lanes, at);
        parked |= lanes;
        findBest();
    }

    /** true when position (d1, f1, p1) runs before (d2, f2, p2): deeper calls first, then lower pc. */
    private static boolean before(int d1, Function f1, int p1, int d2, Function f2, int p2) {
        if (d1 != d2) return d1 > d2;
        if (f1 != f2) return f1.index < f2.index;
        return p1 < p2;
    }

    private void findBest() {
        bestLanes = 0;
        int b = -1;
        for (int mm = parked; mm != 0; mm &= mm - 1) {
            int l = Integer.numberOfTrailingZeros(mm);
            if (b < 0 || before(depth[l], fn[l], pc[l], depth[b], fn[b], pc[b])) {
                b = l;
                bestLanes = 1 << l;
            } else if (depth[l] == depth[b] && fn[l] == fn[b] && pc[l] == pc[b]) bestLanes |= 1 << l;
        }
    }

    /** After each step with lanes parked: join them when the group reaches them, or let them run first. */
    private void merge() {
        int b = Integer.numberOfTrailingZeros(bestLanes);
        if (depth[b] == gdepth && fn[b] == gfn && pc[b] == gpc) {
            mask |= bestLanes;
            parked &= ~bestLanes;
            findBest();
        } else if (before(depth[b], fn[b], pc[b], gdepth, gfn, gpc)) {
            park(mask, gpc);
            mask = 0;
            select();
        }
    }

    /** Makes the best parked lanes the running group; false when no lane can run. */
    private boolean select() {
        if (bestLanes == 0) return false;
        int b = Integer.numberOfTrailingZeros(bestLanes);
        mask = bestLanes;
        gfn = fn[b];
        gpc = pc[b];
        gdepth = depth[b];
        parked &= ~bestLanes;
        findBest();
        return true;
    }
}
