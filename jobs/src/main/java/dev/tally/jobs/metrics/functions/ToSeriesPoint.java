package dev.tally.jobs.metrics.functions;

import dev.tally.schema.metrics.MetricPoint;
import org.apache.flink.api.common.functions.MapFunction;

/** Keys a point by its series, once, before the shuffle. */
public final class ToSeriesPoint implements MapFunction<MetricPoint, SeriesPoint> {

    @Override
    public SeriesPoint map(MetricPoint point) {
        return SeriesPoint.of(point);
    }
}
