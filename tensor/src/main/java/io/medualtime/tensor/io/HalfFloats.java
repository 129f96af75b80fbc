package io.medualtime.tensor.io;

/**
 * Bit-exact conversions of 16-bit floats to float32, as PyTorch's {@code .float()} does them.
 * Both conversions are exact (every F16 and BF16 value is representable in float32).
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /**
     * IEEE 754 binary16 to float32: normals, subnormals (mantissa * 2^-24), signed zeros, infinities,
     * and NaNs (sign and the 10 payload bits kept in the top of the float32 mantissa, and the NaN made
     * quiet, as PyTorch's CPU conversion does: 0x7C01 becomes 0x7FC02000).
     */
    public static float f16ToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float32
            float v = mant * 0x1.0p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1F) {
            if (mant == 0) return Float.intBitsToFloat(sign | 0x7F800000);
            return Float.intBitsToFloat(sign | 0x7FC00000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
    }

    /** bfloat16 to float32: the 16 bits are the top half of the float32. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
