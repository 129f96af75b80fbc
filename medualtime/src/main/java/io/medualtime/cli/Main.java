package io.medualtime.cli;

/** Entry point of the {@code ./medualtime} launcher (placeholder until the CLI lands). */
public final class Main {
    public static void main(String[] args) {
        System.out.println("medualtime: CLI not built yet");
    }
}
