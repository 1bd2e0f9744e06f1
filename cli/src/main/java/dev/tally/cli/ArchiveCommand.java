package dev.tally.cli;

import dev.tally.jobs.kit.ArchiveEraser;
import dev.tally.jobs.kit.ArchiveRetention;
import dev.tally.jobs.kit.RawArchive;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tally archive}: the raw archive's personal data: erase one person's records, prune by age. */
@Command(
        name = "archive",
        mixinStandardHelpOptions = true,
        description =
                "The raw archive of a job's accepted input (--archive-dir): erase one person's records, or prune old hours.",
        subcommands = {ArchiveCommand.Erase.class, ArchiveCommand.Prune.class})
final class ArchiveCommand {

    /** A local archive directory given as a path or a file: URI, as the jobs take it. */
    static Path localDir(String dir) {
        return RawArchive.localRoot(dir)
                .orElseThrow(() -> new IllegalArgumentException(
                        "Only a local archive (a path or file: URI) can be handled here, not " + dir));
    }

    @Command(
            name = "erase",
            mixinStandardHelpOptions = true,
            description = {
                "Rewrite the committed archive files of [--from, --to) without the records whose --field equals --value",
                "(e.g. --field user_id --value u-123). Files still being written are committed at the job's next",
                "checkpoint: run it again after that. Replays of erased hours no longer count those records."
            })
    static final class Erase implements Callable<Integer> {

        @Option(names = "--archive-dir", required = true, description = "The job's --archive-dir.")
        String dir;

        @Option(
                names = "--field",
                required = true,
                description = "A field of the archived records, e.g. user_id or ip.")
        String field;

        @Option(names = "--value", required = true, description = "The value whose records are erased.")
        String value;

        @Option(names = "--from", description = "First hour to search (default: ${DEFAULT-VALUE}).")
        Instant from = Instant.EPOCH;

        @Option(names = "--to", description = "End of the hours to search (default: now plus a day).")
        Instant to;

        @Option(names = "--dry-run", description = "Only count the records that would be erased.")
        boolean dryRun;

        @Override
        public Integer call() {
            Instant end = to != null ? to : Instant.now().plus(Duration.ofDays(1));
            ArchiveEraser.Report report = ArchiveEraser.erase(localDir(dir), from, end, field, value, dryRun);
            System.out.printf(
                    "%s %,d records with %s=%s in %,d of %,d files%s%n",
                    dryRun ? "Would erase" : "Erased",
                    report.recordsErased(),
                    field,
                    value,
                    report.filesRewritten(),
                    report.filesScanned(),
                    dryRun ? "" : String.format(" (%,d records kept in those files)", report.recordsKept()));
            return 0;
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            description =
                    "Delete the archive's hour folders older than --retention now, as a live job does every hour.")
    static final class Prune implements Callable<Integer> {

        @Option(names = "--archive-dir", required = true, description = "The job's --archive-dir.")
        String dir;

        @Option(names = "--retention", required = true, description = "Keep hours younger than this, e.g. P30D.")
        Duration retention;

        @Override
        public Integer call() {
            var deleted = ArchiveRetention.prune(
                    new org.apache.flink.core.fs.Path(localDir(dir).toUri()), retention, Instant.now());
            System.out.printf("Deleted %,d hour folders older than %s%n", deleted.size(), retention);
            return 0;
        }
    }
}
