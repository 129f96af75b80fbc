package io.medualtime.tensor.cuda;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Runs the @Test methods of the CUDA test classes without Maven or a JUnit launcher (for GPU machines
 * that only have a JRE): {@code java -cp <classes, test-classes, jars> io.medualtime.tensor.cuda.CudaTestMain}.
 * Exit status 0 when nothing failed.
 */
public final class CudaTestMain {

    public static void main(String[] args) throws Exception {
        Class<?>[] classes = {CounterRngTest.class, CudaRuntimeTest.class, CudaSgemmTest.class};
        int pass = 0, fail = 0, skip = 0;
        for (Class<?> cls : classes) {
            Method[] ms = cls.getDeclaredMethods();
            Arrays.sort(ms, Comparator.comparing(Method::getName));
            for (Method m : ms) {
                if (!m.isAnnotationPresent(Test.class)) continue;
                if (args.length > 0 && !m.getName().matches(args[0])) continue;
                var ctor = cls.getDeclaredConstructor();
                ctor.setAccessible(true);
                Object inst = ctor.newInstance();
                long t0 = System.nanoTime();
                String status;
                try {
                    invokeAnnotated(inst, BeforeEach.class);
                    m.setAccessible(true);
                    m.invoke(inst);
                    status = "PASS";
                    pass++;
                } catch (InvocationTargetException e) {
                    Throwable c = e.getCause();
                    if (c instanceof TestAbortedException) {
                        status = "SKIP (" + c.getMessage() + ")";
                        skip++;
                    } else {
                        status = "FAIL " + c;
                        fail++;
                        c.printStackTrace(System.out);
                    }
                } finally {
                    try {
                        invokeAnnotated(inst, AfterEach.class);
                    } catch (Throwable ignored) {}
                }
                System.out.printf("%-5s %s.%s (%.0f ms)%n",
                        status.startsWith("PASS") ? "PASS" : status.startsWith("SKIP") ? "SKIP" : "FAIL",
                        cls.getSimpleName(), m.getName(), (System.nanoTime() - t0) / 1e6);
                if (!status.equals("PASS")) System.out.println("      " + status);
            }
        }
        System.out.printf("CUDA tests: %d passed, %d failed, %d skipped%n", pass, fail, skip);
        System.exit(fail == 0 ? 0 : 1);
    }

    private static void invokeAnnotated(Object inst, Class<? extends java.lang.annotation.Annotation> ann) throws Exception {
        for (Method m : inst.getClass().getDeclaredMethods()) {
            if (m.isAnnotationPresent(ann)) {
                m.setAccessible(true);
                try {
                    m.invoke(inst);
                } catch (InvocationTargetException e) {
                    throw e;
                }
            }
        }
    }
}
