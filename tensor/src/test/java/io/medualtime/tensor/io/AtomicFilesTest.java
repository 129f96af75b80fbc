package io.medualtime.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The pid of a process that has exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /** A temporary name as another process of this host would have made it. */
    static String tempNameOf(Path target, long pid) throws Exception {
        Path mine = AtomicFiles.newTempFile(target);
        Files.delete(mine);
        String n = mine.getFileName().toString();
        String[] parts = n.substring(n.lastIndexOf(".tmp-") + 5).split("-");
        return n.substring(0, n.lastIndexOf(".tmp-") + 5) + parts[0] + "-" + pid + "-" + parts[2];
    }

    @Test void tempNamesCarryThePidAndStaleOnesOfDeadProcessesAreCleaned() throws Exception {
        Path target = tmp.resolve("model.safetensors");
        Path mine = AtomicFiles.newTempFile(target);
        assertTrue(mine.getFileName().toString().startsWith(".model.safetensors.tmp-"), mine.toString());
        assertTrue(mine.getFileName().toString().contains("-" + ProcessHandle.current().pid() + "-"), mine.toString());

        long dead = deadPid();
        Path staleFile = Files.writeString(tmp.resolve(tempNameOf(target, dead)), "half a checkpoint");
        Path staleDir = Files.createDirectory(tmp.resolve(tempNameOf(tmp.resolve("data"), dead)));
        Files.writeString(staleDir.resolve("signals.f32"), "x");
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "kept");
        Files.createSymbolicLink(staleDir.resolve("link"), outside);           // removed as a link, never followed
        Path live = Files.writeString(tmp.resolve(tempNameOf(target, ProcessHandle.current().parent().orElseThrow().pid())), "busy");
        Path otherHost = Files.writeString(tmp.resolve(".model.safetensors.tmp-00000000-" + dead + "-ab"), "another machine");
        Path legacy = Files.writeString(tmp.resolve(".model.safetensors.123456.tmp"), "no owner recorded");
        Path user = Files.writeString(tmp.resolve("notes.tmp-1-2"), "the user's");

        assertEquals(2, AtomicFiles.cleanStale(tmp));
        assertFalse(Files.exists(staleFile));
        assertFalse(Files.exists(staleDir));
        for (Path kept : List.of(mine, live, otherHost, legacy, user, outside)) assertTrue(Files.exists(kept), kept.toString());
        assertEquals("kept", Files.readString(outside));
        assertEquals(0, AtomicFiles.cleanStale(tmp.resolve("missing")));
    }

    @Test void writtenFilesHaveTheDefaultPermissionsOfANewFileNotOwnerOnly() throws Exception {
        assumePosix();
        Path normal = Files.createFile(tmp.resolve("normal"));
        Path written = tmp.resolve("metrics.json");
        AtomicFiles.write(written, "{}".getBytes());
        Set<PosixFilePermission> want = Files.getPosixFilePermissions(normal);
        assertEquals(want, Files.getPosixFilePermissions(written));
        assertEquals("{}", Files.readString(written));
        Path st = tmp.resolve("w.safetensors");
        new SafetensorsWriter().addFloat("x", new float[]{1}, 1).write(st);
        assertEquals(want, Files.getPosixFilePermissions(st));
        assertEquals(List.of("metrics.json", "normal", "w.safetensors"), listing(tmp), "no temporary file left");
    }

    @Test void deleteTreeRemovesLinksWithoutFollowingThem() throws Exception {
        Path keep = Files.createDirectory(tmp.resolve("keep"));
        Files.writeString(keep.resolve("a"), "a");
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.createSymbolicLink(tree.resolve("to-keep"), keep);
        AtomicFiles.deleteTree(tmp.resolve("tree"));
        assertFalse(Files.exists(tmp.resolve("tree")));
        assertTrue(Files.exists(keep.resolve("a")));
    }

    static void assumePosix() {
        org.junit.jupiter.api.Assumptions
                .assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }
}
