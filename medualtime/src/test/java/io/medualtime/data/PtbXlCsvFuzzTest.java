package io.medualtime.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.medualtime.fuzz.ParserContract;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Any bytes as PTB-XL's ptbxl_database.csv, next to a valid scp_statements.csv, read and labelled (ParserContract). */
class PtbXlCsvFuzzTest {
    private static final Path ROOT = ParserContract.scratch("ptbxl"), DATABASE = ROOT.resolve(PtbXl.DATABASE);
    static {
        ParserContract.write(ROOT.resolve(PtbXl.STATEMENTS), (",description,diagnostic,form,rhythm,diagnostic_class,diagnostic_subclass\n"
                + "NORM,normal ECG,1.0,,,NORM,NORM\nIMI,inferior myocardial infarction,1.0,,,MI,IMI\n"
                + "LVH,left ventricular hypertrophy,1.0,,,HYP,LVH\nSR,sinus rhythm,,,1.0,,\n").getBytes(StandardCharsets.UTF_8));
    }

    @Timeout(value = 5, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // per input; libFuzzer -timeout while fuzzing
    @FuzzTest(maxDuration = "10s") void fuzz(byte[] input) {
        ParserContract.write(DATABASE, input);
        ParserContract.check(() -> PtbXl.readDatabase(ROOT, PtbXl.Options.DEFAULT),
                List.of(EcgDataException.class, IOException.class), DATABASE);
    }
}
