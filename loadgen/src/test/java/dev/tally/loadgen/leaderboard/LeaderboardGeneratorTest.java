package dev.tally.loadgen.leaderboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.connectors.avro.AvroCodec;
import dev.tally.connectors.avro.AvroDecodeException;
import dev.tally.loadgen.GeneratedRecord;
import dev.tally.loadgen.GeneratedRecord.Kind;
import dev.tally.loadgen.leaderboard.reference.LeaderboardReference;
import dev.tally.schema.leaderboard.MatchResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator against what the verifier relies on: the records are what their kind says (valid by the
 * job's rules, or not; within the correction horizon, or beyond it), and the truth is exactly the
 * reference of the records sent.
 */
class LeaderboardGeneratorTest {

    private static final long HOUR = 3_600_000L;
    private static final long START = Instant.parse("2026-12-10T08:00:00Z").toEpochMilli();
    private static final LeaderboardSettings SETTINGS = LeaderboardSettings.forTest(7, 200_001, START);
    private static final AvroCodec<MatchResult> CODEC = AvroCodec.of(MatchResult.class);

    /** A generated record with its result decoded (null when it does not decode). */
    private record Decoded(GeneratedRecord record, MatchResult result) {}

    private static LeaderboardTruth truth;
    private static List<Decoded> records;

    @BeforeAll
    static void generate() {
        truth = new LeaderboardTruth();
        records = decode(new LeaderboardGenerator(SETTINGS, truth));
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        List<GeneratedRecord> again = new ArrayList<>();
        new LeaderboardGenerator(SETTINGS, LeaderboardTruth.totalsOnly()).forEachRemaining(again::add);

        assertThat(again).hasSameSizeAs(records);
        for (int i = 0; i < again.size(); i++) {
            GeneratedRecord a = again.get(i);
            GeneratedRecord b = records.get(i).record();
            assertThat(a.key()).isEqualTo(b.key());
            assertThat(a.value()).isEqualTo(b.value());
            assertThat(a.timestamp()).isEqualTo(b.timestamp());
            assertThat(a.kind()).isEqualTo(b.kind());
        }
    }

    @Test
    void everyFaultTakesAboutItsShareAndTheTotalsCountEveryRecord() {
        Map<Kind, Long> kinds = new EnumMap<>(Kind.class);
        records.forEach(d -> kinds.merge(d.record().kind(), 1L, Long::sum));
        ExpectedLeaderboard.Totals t = truth.totals();
        long n = records.size();

        assertThat(n).isEqualTo(SETTINGS.records());
        assertThat(t.results() + t.corrections() + t.duplicates() + t.late() + t.malformed())
                .isEqualTo(n);
        assertThat(kinds.get(Kind.RESULT)).isEqualTo(t.results());
        assertThat(kinds.get(Kind.CORRECTION)).isEqualTo(t.corrections());
        assertThat(kinds.get(Kind.DUPLICATE)).isEqualTo(t.duplicates());
        assertThat(kinds.get(Kind.LATE)).isEqualTo(t.late());
        assertThat(kinds.get(Kind.MALFORMED)).isEqualTo(t.malformed());
        // Shares of records (late matches start only after lateBy, 30 of the stream's ~83 minutes).
        assertThat((double) t.corrections() / n).isBetween(0.017, 0.023);
        assertThat((double) t.duplicates() / n).isBetween(0.017, 0.023);
        assertThat((double) t.malformed() / n).isBetween(0.008, 0.012);
        assertThat((double) t.lateResults() / n).isBetween(0.004, 0.01);
        assertThat((double) t.staleDuplicates() / n).isBetween(0.002, 0.005);
    }

    @Test
    void validRecordsPassTheJobsValidationAndMalformedOnesFailIt() {
        Map<String, Long> reasons = new HashMap<>();
        for (Decoded d : records) {
            String reason = deadLetterReason(d);
            if (d.record().kind() == Kind.MALFORMED) {
                assertThat(reason).as("malformed record %s", d.result()).isNotNull();
                reasons.merge(reason, 1L, Long::sum);
            } else {
                assertThat(reason)
                        .as("%s record %s", d.record().kind(), d.result())
                        .isNull();
            }
        }
        assertThat(reasons.keySet())
                .containsExactlyInAnyOrder("UNDECODABLE", "MISSING_FIELD", "POINTS_OUT_OF_RANGE", "INVALID_FIELD");
    }

    @Test
    void lateRecordsAreBeyondTheHorizonAndTheOthersWellWithinIt() {
        for (Decoded d : records) {
            if (d.result() == null || d.record().kind() == Kind.MALFORMED) {
                continue;
            }
            long behind = d.record().timestamp() - d.result().getTs();
            if (d.record().kind() == Kind.LATE) {
                assertThat(behind)
                        .isGreaterThan(SETTINGS.staleBy().toMillis())
                        .isLessThanOrEqualTo(SETTINGS.lateBy().toMillis());
            } else {
                assertThat(behind).isBetween(0L, LeaderboardGenerator.CORRECTABLE_MILLIS + 60_000);
            }
        }
    }

    @Test
    void theTruthIsTheReferenceOfTheRecordsTheJobMustApply() {
        List<MatchResult> applied = new ArrayList<>();
        Set<ResultId> late = new HashSet<>();
        for (Decoded d : records) {
            switch (d.record().kind()) {
                case RESULT, CORRECTION, DUPLICATE -> applied.add(d.result());
                case LATE -> late.add(ResultId.of(d.result()));
                default -> {}
            }
        }
        ExpectedLeaderboard expected = truth.expected(10);

        assertThat(expected.standings()).isEqualTo(LeaderboardReference.compute(applied, 10));
        assertThat(expected.late()).isEqualTo(late).isNotEmpty();
        assertThat(expected.standings().top().keySet()).containsExactlyInAnyOrder("chess#2026-12", "go#2026-12");
    }

    @Test
    void matchesHaveTwoPlayersOneWinnerAndUniqueIds() {
        Map<String, List<MatchResult>> byMatch = new HashMap<>();
        records.stream()
                .filter(d -> d.record().kind() == Kind.RESULT || d.record().kind() == Kind.LATE && !isStale(d))
                .forEach(d -> byMatch.computeIfAbsent(d.result().getMatchId(), m -> new ArrayList<>())
                        .add(d.result()));
        int complete = 0;
        for (List<MatchResult> sides : byMatch.values()) {
            if (sides.size() == 1) {
                continue; // the stream may end between a match's two records
            }
            complete++;
            assertThat(sides).hasSize(2);
            MatchResult a = sides.get(0);
            MatchResult b = sides.get(1);
            assertThat(a.getUserId()).isNotEqualTo(b.getUserId());
            assertThat(a.getPoints() + b.getPoints()).isEqualTo(1);
            assertThat(List.of(a.getRevision(), b.getRevision())).containsOnly(0);
            assertThat(a.getTs()).isEqualTo(b.getTs());
            assertThat(a.getGame()).isEqualTo(b.getGame());
        }
        assertThat(byMatch.size() - complete).isLessThanOrEqualTo(1);
    }

    @Test
    void aCorrectionIsTheNextRevisionWithTheWinnerSwappedAndTheOriginalTs() {
        Map<ResultId, MatchResult> seen = new HashMap<>();
        int corrections = 0;
        for (Decoded d : records) {
            Kind kind = d.record().kind();
            if (kind == Kind.CORRECTION) {
                MatchResult c = d.result();
                MatchResult previous = seen.get(new ResultId(c.getMatchId(), c.getUserId(), c.getRevision() - 1));
                assertThat(previous).as("the revision before %s", c).isNotNull();
                assertThat(c.getPoints()).isEqualTo(1 - previous.getPoints());
                assertThat(c.getTs()).isEqualTo(previous.getTs());
                assertThat(c.getGame()).isEqualTo(previous.getGame());
                corrections++;
            }
            if (kind == Kind.RESULT || kind == Kind.CORRECTION) {
                seen.put(ResultId.of(d.result()), d.result());
            }
        }
        assertThat(corrections).isPositive();
        assertThat(seen.keySet().stream().filter(id -> id.revision() >= 2)).isNotEmpty();
    }

    @Test
    void keysAreUserIdsAndTimestampsFollowTheFront() {
        long previous = Long.MIN_VALUE;
        for (Decoded d : records) {
            GeneratedRecord r = d.record();
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(previous);
            previous = r.timestamp();
            if (d.result() != null) {
                assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .isEqualTo(d.result().getUserId());
            }
        }
        // ~96,000 matches at 20 a second.
        assertThat(previous - START).isBetween(75 * 60_000L, 85 * 60_000L);
    }

    @Test
    void theBotPlaysAboutTwoPercentOfTheMatches() {
        long results =
                records.stream().filter(d -> d.record().kind() == Kind.RESULT).count();
        long bot = records.stream()
                .filter(d -> d.record().kind() == Kind.RESULT
                        && d.result().getUserId().equals(LeaderboardGenerator.BOT))
                .count();

        assertThat((double) bot / (results / 2.0)).isBetween(0.015, 0.025);
    }

    @Test
    void crossingAMonthPlacesAMatchInItsLast100MillisAndTheNextAtTheNewMonthsStart() {
        long december = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        // One match a second without disorder, fronts at xx:xx:xx.500: no other match comes near the boundary.
        LeaderboardSettings settings = new LeaderboardSettings(
                3,
                2_000,
                200,
                1.0,
                2,
                1,
                december - 5 * 60_000 + 500,
                Duration.ZERO,
                0.02,
                0.02,
                0.01,
                Duration.ofMinutes(30),
                0.005,
                Duration.ofMinutes(20),
                0.01,
                0.02);
        LeaderboardTruth crossing = new LeaderboardTruth();
        List<Decoded> stream = decode(new LeaderboardGenerator(settings, crossing));

        List<Long> nearTheBoundary = stream.stream()
                .filter(d -> d.record().kind() == Kind.RESULT)
                .map(d -> d.result().getTs())
                .filter(ts -> ts >= december - 400 && ts <= december + 400)
                .distinct()
                .sorted()
                .toList();
        assertThat(nearTheBoundary).hasSize(2);
        assertThat(nearTheBoundary.get(0)).isBetween(december - 100, december - 1);
        assertThat(nearTheBoundary.get(1)).isEqualTo(december);
        assertThat(crossing.expected(10).standings().top().keySet())
                .containsExactlyInAnyOrder("chess#2026-11", "go#2026-11", "chess#2026-12", "go#2026-12");
    }

    @Test
    void aTotalsOnlyTruthCountsTheSame() {
        LeaderboardTruth totals = LeaderboardTruth.totalsOnly();
        new LeaderboardGenerator(SETTINGS, totals).forEachRemaining(r -> {});

        assertThat(totals.totals()).isEqualTo(truth.totals());
    }

    /** The job's validation as its README states it; null for a valid record. */
    private static String deadLetterReason(Decoded d) {
        MatchResult r = d.result();
        if (r == null) {
            return "UNDECODABLE";
        }
        if (r.getMatchId().length() > 128
                || r.getUserId().length() > 128
                || r.getGame().length() > 64) {
            return "FIELD_TOO_LONG";
        }
        if (r.getMatchId().isEmpty() || r.getGame().isEmpty() || r.getUserId().isEmpty()) {
            return "MISSING_FIELD";
        }
        if (r.getGame().contains("#") || r.getRevision() < 0) {
            return "INVALID_FIELD";
        }
        if (r.getPoints() < 0 || r.getPoints() > 100) {
            return "POINTS_OUT_OF_RANGE";
        }
        long kafka = d.record().timestamp();
        if (r.getTs() < kafka - Duration.ofDays(7).toMillis() || r.getTs() > kafka + HOUR) {
            return "TIMESTAMP_OUT_OF_RANGE";
        }
        return null;
    }

    /** A stale duplicate: a re-send, so its match id is an earlier on-time match's. */
    private static boolean isStale(Decoded d) {
        return d.record().timestamp() - d.result().getTs() < SETTINGS.lateBy().toMillis();
    }

    @Test
    void everyResultIsPublishedAtTheFrontAndAReSendCarriesItsOriginalsTime() {
        for (Decoded d : records) {
            if (d.result() == null || d.record().kind() == Kind.MALFORMED) {
                continue;
            }
            if (d.record().kind() == Kind.DUPLICATE || d.record().kind() == Kind.LATE) {
                // The exact bytes again: published then, not now (a stale re-send is LATE too).
                assertThat(d.result().getPublishedAt())
                        .isLessThanOrEqualTo(d.record().timestamp());
            } else {
                assertThat(d.result().getPublishedAt()).isEqualTo(d.record().timestamp());
            }
        }
    }

    @Test
    void aLiveGeneratorsFrontNeverFallsBehindTheWallClock() {
        long wall = START + 5 * HOUR;
        List<Decoded> live = decode(new LeaderboardGenerator(
                LeaderboardSettings.forTest(7, 1_000, START), LeaderboardTruth.totalsOnly(), () -> wall));

        assertThat(live).allSatisfy(d -> assertThat(d.record().timestamp()).isEqualTo(wall));
        assertThat(live.stream().filter(d -> d.record().kind() == Kind.RESULT))
                .allSatisfy(d -> assertThat(d.result().getTs()).isBetween(wall - 5_000, wall));
    }

    private static List<Decoded> decode(LeaderboardGenerator generator) {
        List<Decoded> decoded = new ArrayList<>();
        generator.forEachRemaining(r -> decoded.add(new Decoded(r, decodeOrNull(r.value()))));
        return decoded;
    }

    private static MatchResult decodeOrNull(byte[] value) {
        try {
            return CODEC.decode(value);
        } catch (AvroDecodeException e) {
            return null;
        }
    }
}
