package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.jobs.metrics.functions.SeriesKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The match parameter and how it selects series keys. */
class SeriesMatcherTest {

    @Test
    void matchesTheNameAndEveryGivenLabel() {
        SeriesMatcher web01 = SeriesMatcher.parse("cpu.load", "host=web01");
        assertThat(web01.matches("cpu.load{host=\"web01\",region=\"us\"}")).isTrue();
        assertThat(web01.matches("cpu.load{host=\"web02\",region=\"us\"}")).isFalse();
        assertThat(web01.matches("cpu.load")).as("a series without the label").isFalse();
        assertThat(web01.matches("cpu.load.idle{host=\"web01\"}"))
                .as("another name with the same prefix")
                .isFalse();
        assertThat(SeriesMatcher.parse("cpu.load", "").matches("cpu.load")).isTrue();
        assertThat(SeriesMatcher.parse(null, "host=web01").matches("cpu.load.idle{host=\"web01\"}"))
                .isTrue();
    }

    @Test
    void quotedValuesHoldCommasQuotesAndBackslashes() {
        String value = "a,b \"c\" \\d";
        SeriesMatcher matcher = SeriesMatcher.parse("m", "path=\"a,b \\\"c\\\" \\\\d\",code=200");
        assertThat(matcher.labels()).isEqualTo(Map.of("path", value, "code", "200"));
        assertThat(matcher.matches(SeriesKeys.of("m", Map.of("path", value, "code", "200"))))
                .isTrue();
    }

    @Test
    void badMatchersAreRefusedWithTheRule() {
        for (String bad : new String[] {
            "host", "host=web01,", "1host=a", "host=a\"b", "host=\"web01", "host=a,host=b", "host=\"a\"b"
        }) {
            assertThatThrownBy(() -> SeriesMatcher.parse("m", bad))
                    .as(bad)
                    .isInstanceOf(BadParameter.class)
                    .extracting(e -> ((BadParameter) e).parameter())
                    .isEqualTo("match");
        }
        assertThatThrownBy(() -> SeriesMatcher.parse("9cpu", null))
                .isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter())
                .isEqualTo("name");
    }
}
