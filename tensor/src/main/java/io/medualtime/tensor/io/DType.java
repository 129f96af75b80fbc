package io.medualtime.tensor.io;

import java.util.Locale;

/**
 * Element types of the safetensors format that this reader understands.
 *
 * <p>The safetensors spec knows more types (U16, U32, U64, F8_E4M3, F8_E5M2, ...). Files that use
 * them are rejected at open time with a {@link SafetensorsException} naming the tensor and dtype,
 * rather than being half-supported.
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for the types {@code readFloat} converts (F32, F16, BF16, F64). */
    public boolean isFloatingPoint() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** True for the types {@code readInt} converts (I64 with a range check, I32, I16, I8, U8, BOOL). */
    public boolean isInteger() {
        return !isFloatingPoint();
    }

    /** Parses the spec's dtype string ("F32", "BF16", ...); returns null for anything unknown. */
    static DType parse(String s) {
        if (s == null) return null;
        for (DType d : values()) {
            if (d.name().equals(s)) return d;
        }
        // the spec spells them upper case; be strict like the reference implementation
        return null;
    }

    @Override public String toString() {
        return name().toUpperCase(Locale.ROOT);
    }
}
