package dev.tally.jobs.metrics.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesKeysTest {

    @Test
    void labelsAreSortedAndQuoted() {
        assertThat(SeriesKeys.of("cpu.load", Map.of("region", "us-west", "host", "web01")))
                .isEqualTo("cpu.load{host=\"web01\",region=\"us-west\"}");
        assertThat(SeriesKeys.of("up", Map.of())).isEqualTo("up");
    }

    @Test
    void anyLabelValueParsesBack() {
        Map<String, String> labels = Map.of("path", "/a,b=c}{\"q\"\\", "empty", "", "host", "web01");
        String key = SeriesKeys.of("http_requests_total", labels);

        assertThat(key).isEqualTo("http_requests_total{empty=\"\",host=\"web01\",path=\"/a,b=c}{\\\"q\\\"\\\\\"}");
        assertThat(SeriesKeys.parse(key)).isEqualTo(new SeriesKeys.Series("http_requests_total", labels));
        assertThat(SeriesKeys.parse("up")).isEqualTo(new SeriesKeys.Series("up", Map.of()));
        assertThat(SeriesKeys.nameOf(key)).isEqualTo("http_requests_total");
        assertThat(SeriesKeys.nameOf("up")).isEqualTo("up");
    }
}
