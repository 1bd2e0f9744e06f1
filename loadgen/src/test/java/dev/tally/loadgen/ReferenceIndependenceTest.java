package dev.tally.loadgen;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.tally.loadgen.leaderboard.LeaderboardGenerator;
import dev.tally.loadgen.leaderboard.reference.LeaderboardReference;
import dev.tally.loadgen.metrics.ExpectedMetrics;
import dev.tally.loadgen.metrics.MetricsGenerator;
import dev.tally.loadgen.metrics.MetricsTruth;
import dev.tally.loadgen.metrics.reference.MetricsReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The expected results are computed by code written from the SPEC that uses nothing of the jobs: a
 * ground truth sharing code with the job it checks could not catch that code's bugs. Only the
 * verifiers, which read the jobs' output, may use the jobs' table definitions. (javac inlines constants,
 * which no class-file check can see: a copied constant is the one thing this cannot catch.)
 */
class ReferenceIndependenceTest {

    private static final JavaClasses LOADGEN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tally.loadgen");

    @Test
    void groundTruthsAndGeneratorsImportNothingFromTheJobs() {
        noClasses()
                .that()
                .doNotHaveSimpleName("AdClickVerifier")
                .and()
                .doNotHaveFullyQualifiedName("dev.tally.loadgen.leaderboard.LeaderboardVerifier")
                .and()
                .doNotHaveFullyQualifiedName("dev.tally.loadgen.metrics.MetricsVerifier")
                .and()
                .doNotHaveFullyQualifiedName("dev.tally.loadgen.salesrank.SalesRankVerifier")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.tally.jobs..")
                .because("a reference that shares the job's code cannot catch that code's bugs")
                .check(LOADGEN);
    }

    /** The reference's own tests too: their expected values are worked out from the SPEC, not by the job. */
    @Test
    void theReferencesTestsImportNothingFromTheJobs() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.tally.loadgen.reference..",
                        "dev.tally.loadgen.leaderboard.reference..",
                        "dev.tally.loadgen.metrics.reference..",
                        "dev.tally.loadgen.salesrank.reference..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.tally.jobs..")
                .check(new ClassFileImporter()
                        .importPackages(
                                "dev.tally.loadgen.reference",
                                "dev.tally.loadgen.leaderboard.reference",
                                "dev.tally.loadgen.metrics.reference",
                                "dev.tally.loadgen.salesrank.reference"));
    }

    /** The rules above are not vacuous: the generators, truths and references are among the classes they check. */
    @Test
    void theGeneratorsTruthsAndReferencesAreAmongTheClassesChecked() {
        assertThat(List.of(
                        LeaderboardGenerator.class,
                        LeaderboardReference.class,
                        MetricsGenerator.class,
                        MetricsTruth.class,
                        ExpectedMetrics.class,
                        MetricsReference.class,
                        dev.tally.loadgen.salesrank.SalesRankGenerator.class,
                        dev.tally.loadgen.salesrank.SalesRankTruth.class,
                        dev.tally.loadgen.salesrank.reference.SalesRankReference.class))
                .allMatch(LOADGEN::contain);
    }
}
