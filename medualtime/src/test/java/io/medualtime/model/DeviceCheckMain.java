package io.medualtime.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Runs the @Test methods of the given JUnit classes without the JUnit launcher (the GPU machine's
 * working-tree copy is size-limited and the console launcher alone is 2.8 MB): @BeforeAll,
 * then per test a fresh instance, @BeforeEach and the test, then @AfterAll. Prints PASS / SKIP / FAIL
 * per test and exits 1 if any failed.
 *
 * <pre>java -cp ... io.medualtime.model.DeviceCheckMain io.medualtime.tensor.GatedPrefixAttentionTest io.medualtime.model.MedualTimeCudaTest</pre>
 *
 * <p>How it was run on the GPU machine (tree + carry must stay under 64 MiB): a git-ignored
 * {@code target-model-gpu/} with a jlink'd JRE (java.base, java.logging, jdk.incubator.vector,
 * jdk.unsupported; --strip-debug --compress=2; libjvm.so stripped) and lib/ = the tensor, tensor
 * tests, nn, model and model tests jars, the JCuda and JCublas jars (+natives), jackson core /
 * databind / annotations, junit-jupiter-api, junit-platform-commons, opentest4j; classpath
 * {@code tensor/src/test/resources:medualtime/src/test/resources:target-model-gpu/lib/*.jar}.
 */
public final class DeviceCheckMain {
    public static void main(String[] args) throws Throwable {
        int failed = 0, passed = 0, skipped = 0;
        for (String name : args) {
            Class<?> c = Class.forName(name);
            for (Method m : c.getDeclaredMethods()) if (m.isAnnotationPresent(BeforeAll.class)) call(m, null);
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Test.class)) continue;
                long t0 = System.nanoTime();
                try {
                    var ctor = c.getDeclaredConstructor();
                    ctor.setAccessible(true);
                    Object o = ctor.newInstance();
                    for (Method b : c.getDeclaredMethods()) if (b.isAnnotationPresent(BeforeEach.class)) call(b, o);
                    call(m, o);
                    passed++;
                    System.out.printf("PASS %s.%s (%.1f s)%n", c.getSimpleName(), m.getName(), (System.nanoTime() - t0) / 1e9);
                } catch (TestAbortedException e) {
                    skipped++;
                    System.out.println("SKIP " + c.getSimpleName() + "." + m.getName() + ": " + e.getMessage());
                } catch (Throwable e) {
                    failed++;
                    System.out.println("FAIL " + c.getSimpleName() + "." + m.getName() + ": " + e);
                }
            }
            for (Method m : c.getDeclaredMethods()) if (m.isAnnotationPresent(AfterAll.class)) call(m, null);
        }
        System.out.printf("RESULT %d passed, %d failed, %d skipped%n", passed, failed, skipped);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void call(Method m, Object target) throws Throwable {
        m.setAccessible(true);
        try {
            m.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
