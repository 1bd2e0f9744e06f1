package dev.tally.loadgen.metrics;

import dev.tally.schema.metrics.MetricPoint;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The books' line protocol for metric points, one point a line:
 * {@code name[ tag=value[,tag=value...]] epoch-seconds value}, e.g.
 * {@code cpu.load host=web01,region=us-west 1613707265 0.5}. The time may have a fraction down to the
 * millisecond; blank lines and lines starting with {@code #} are skipped. The kind is left to the job
 * (a name ending in {@code _total} or {@code _count} is a counter), and so are the job's own limits
 * (labels, lengths, NaN): a point that breaks them is the job's dead letter, with its reason.
 */
final class LineProtocol {

    private LineProtocol() {}

    /** Every point of {@code lines}; a line that is not one fails the whole input, naming it. */
    static List<MetricPoint> parseAll(List<String> lines) {
        List<MetricPoint> points = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            parse(lines.get(i), i + 1).ifPresent(points::add);
        }
        return points;
    }

    /** The point of line {@code number}, or empty for a blank or comment line. */
    static Optional<MetricPoint> parse(String line, int number) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return Optional.empty();
        }
        String[] fields = trimmed.split("\\s+");
        if (fields.length != 3 && fields.length != 4) {
            throw bad(
                    number,
                    line,
                    "expected 'name [tag=value,...] epoch-seconds value', found " + fields.length + " fields");
        }
        if (fields.length == 3 && fields[1].contains("=")) {
            throw bad(number, line, "tags but no time or no value");
        }
        String name = fields[0];
        if (name.contains("=") || name.contains(",")) {
            throw bad(number, line, "the name '" + name + "' holds '=' or ','");
        }
        Map<String, String> labels = fields.length == 4 ? labels(fields[1], number, line) : Map.of();
        long ts = millis(fields[fields.length - 2], number, line);
        double value;
        try {
            value = Double.parseDouble(fields[fields.length - 1]);
        } catch (NumberFormatException e) {
            throw bad(number, line, "the value '" + fields[fields.length - 1] + "' is not a number");
        }
        return Optional.of(MetricPoint.newBuilder()
                .setName(name)
                .setLabels(labels)
                .setTs(ts)
                .setValue(value)
                .setKind(null)
                .build());
    }

    private static Map<String, String> labels(String tags, int number, String line) {
        Map<String, String> labels = new TreeMap<>();
        for (String tag : tags.split(",", -1)) {
            int eq = tag.indexOf('=');
            if (eq <= 0 || eq == tag.length() - 1 || tag.indexOf('=', eq + 1) >= 0) {
                throw bad(number, line, "the tag '" + tag + "' is not key=value");
            }
            if (labels.put(tag.substring(0, eq), tag.substring(eq + 1)) != null) {
                throw bad(number, line, "the tag '" + tag.substring(0, eq) + "' is given twice");
            }
        }
        return labels;
    }

    private static long millis(String seconds, int number, String line) {
        BigDecimal value;
        try {
            value = new BigDecimal(seconds);
        } catch (NumberFormatException e) {
            throw bad(number, line, "the time '" + seconds + "' is not epoch seconds");
        }
        if (value.signum() <= 0 || value.scale() > 3) {
            throw bad(
                    number,
                    line,
                    "the time '" + seconds + "' is not positive epoch seconds to at most the millisecond");
        }
        try {
            return value.movePointRight(3).longValueExact();
        } catch (ArithmeticException e) {
            throw bad(number, line, "the time '" + seconds + "' is out of range");
        }
    }

    private static IllegalArgumentException bad(int number, String line, String what) {
        String shown = line.length() <= 200 ? line : line.substring(0, 200) + "...";
        return new IllegalArgumentException("Line " + number + " is not a point: " + what + ": " + shown);
    }
}
