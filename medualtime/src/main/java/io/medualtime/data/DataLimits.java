package io.medualtime.data;

/**
 * Bounds on every size read from a data file, checked before anything is allocated or read (see
 * FORMAT.md, "Limits"). Each is far above real ECG data (PTB-XL: 21,799 records, 12 leads,
 * 5,000 steps at 500 Hz) and low enough that a hostile or corrupt file cannot exhaust memory.
 */
final class DataLimits {
    private DataLimits() {}

    /** Records in one dataset or PTB-XL database (MIMIC-IV-ECG, the largest public set, has ~800,000). */
    static final int MAX_RECORDS = 2_000_000;
    /** Leads (signals) per record. */
    static final int MAX_LEADS = 256;
    /** Values (leads x steps) per record: 128 MiB as float32, e.g. 12 leads x 2.8 million steps. */
    static final int MAX_VALUES_PER_RECORD = 1 << 25;
    /** Sampling rate in Hz. */
    static final double MAX_SAMPLING_RATE = 1_000_000;
    /** Characters in one CSV record (a report is a few hundred). */
    static final int MAX_CSV_RECORD_CHARS = 1 << 20;
    /** Bytes of a WFDB header file (12 signal lines take ~1 KiB). */
    static final long MAX_HEADER_BYTES = 1 << 20;
    /** Bytes of dataset.json. */
    static final long MAX_JSON_BYTES = 16 << 20;
}
