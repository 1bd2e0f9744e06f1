package dev.tally.loadgen.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.schema.metrics.MetricPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineProtocolTest {

    @Test
    void readsTheBooksExample() {
        MetricPoint point = LineProtocol.parse("cpu.load host=webserver01,region=us-west 1613707265 50", 1)
                .orElseThrow();

        assertThat(point.getName()).isEqualTo("cpu.load");
        assertThat(point.getLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("host", "webserver01", "region", "us-west"));
        assertThat(point.getTs()).isEqualTo(1_613_707_265_000L);
        assertThat(point.getValue()).isEqualTo(50.0);
        assertThat(point.getKind()).isNull();
    }

    @Test
    void tagsAreOptionalTimesTakeMillisecondsAndCommentsAreSkipped() {
        List<MetricPoint> points = LineProtocol.parseAll(List.of(
                "# a comment", "", "requests_total 1613707265.250 1024", "  disk.free  dev=sda1   1613707266 -0.5  "));

        assertThat(points).hasSize(2);
        assertThat(points.get(0).getLabels()).isEmpty();
        assertThat(points.get(0).getTs()).isEqualTo(1_613_707_265_250L);
        assertThat(points.get(1).getName()).isEqualTo("disk.free");
        assertThat(points.get(1).getValue()).isEqualTo(-0.5);
    }

    @Test
    void aLineThatIsNotAPointNamesItsNumberAndWhatIsWrong() {
        assertThatThrownBy(() -> LineProtocol.parseAll(List.of("cpu.load 1613707265 1", "cpu.load host=a 1613707265")))
                .hasMessage("Line 2 is not a point: tags but no time or no value: cpu.load host=a 1613707265");
        assertThat(error("cpu.load host=a 1613707265 1 extra"))
                .contains("expected 'name [tag=value,...] epoch-seconds value', found 5 fields");
        assertThat(error("cpu host=a,host=b 1613707265 1")).contains("the tag 'host' is given twice");
        assertThat(error("cpu host 1613707265 1")).contains("the tag 'host' is not key=value");
        assertThat(error("cpu host=a, 1613707265 1")).contains("the tag '' is not key=value");
        assertThat(error("cpu 2021-02-19T04:01:05Z 1")).contains("is not epoch seconds");
        assertThat(error("cpu 1613707265.0001 1")).contains("to at most the millisecond");
        assertThat(error("cpu -5 1")).contains("to at most the millisecond");
        assertThat(error("cpu 1613707265 high")).contains("the value 'high' is not a number");
        assertThat(error("cpu=1 1613707265 1")).contains("holds '=' or ','");
    }

    private static String error(String line) {
        try {
            LineProtocol.parse(line, 1);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + line);
    }
}
