package dev.tally.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the day of ad_click_counts as SSTables, in its own JVM on Cassandra's classpath (cassandra-all and the
 * DataStax driver do not share a classpath), configured by {@code -Dcassandra.config}. Calls CQLSSTableWriter by
 * reflection so the CLI does not compile against cassandra-all. Partitions go in token order, each writer a
 * contiguous share of the ring, so the SSTables do not overlap (and, fewer than four, need no compaction).
 *
 * <p>Arguments: keyspace, CREATE TABLE statement, INSERT statement, ads, day start (epoch ms), output folder, writers.
 */
final class SSTableWriterMain {
    static Path partDir(Path out, int part, String keyspace) {
        // keyspace/table folders, as Cassandra's tools expect of SSTable paths.
        return out.resolve("part-" + part).resolve(keyspace).resolve("ad_click_counts");
    }

    public static void main(String[] args) {
        try {
            write(
                    args[0],
                    args[1],
                    args[2],
                    Integer.parseInt(args[3]),
                    Long.parseLong(args[4]),
                    Path.of(args[5]),
                    Integer.parseInt(args[6]));
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void write(
            String keyspace, String createTable, String insert, int ads, long dayStartMillis, Path out, int writers)
            throws Exception {
        long begin = System.nanoTime();
        // As an offline tool, with the configuration in -Dcassandra.config (see writeToolConfig); the writer's own
        // client-mode initialization then does nothing.
        Class.forName("org.apache.cassandra.config.DatabaseDescriptor")
                .getMethod("toolInitialization")
                .invoke(null);
        Class<?> writerClass = Class.forName("org.apache.cassandra.io.sstable.CQLSSTableWriter");
        Object partitioner = Class.forName("org.apache.cassandra.dht.Murmur3Partitioner")
                .getField("instance")
                .get(null);
        java.lang.reflect.Method getToken = partitioner.getClass().getMethod("getToken", ByteBuffer.class);
        java.lang.reflect.Method tokenValue =
                Class.forName("org.apache.cassandra.dht.Token").getMethod("getTokenValue");

        byte[][] ids = new byte[ads + 1][];
        long[] tokens = new long[ads + 1];
        for (int r = 1; r <= ads; r++) {
            ids[r] = ClickModel.adId(r).getBytes(StandardCharsets.UTF_8);
            tokens[r] = (Long) tokenValue.invoke(getToken.invoke(partitioner, partitionKey(ids[r])));
        }
        Integer[] order = new Integer[ads];
        for (int r = 1; r <= ads; r++) {
            order[r - 1] = r;
        }
        // Partitioner order: token, then key bytes (never needed in practice; 64-bit tokens of 100,000 keys).
        Arrays.sort(
                order,
                (a, b) -> tokens[a] != tokens[b]
                        ? Long.compare(tokens[a], tokens[b])
                        : Arrays.compareUnsigned(
                                partitionKey(ids[a]).array(),
                                partitionKey(ids[b]).array()));

        List<Object> sstableWriters = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Path dir = Files.createDirectories(partDir(out, w, keyspace));
            Object builder = writerClass.getMethod("builder").invoke(null);
            Class<?> b = builder.getClass();
            b.getMethod("inDirectory", String.class).invoke(builder, dir.toString());
            b.getMethod("forTable", String.class).invoke(builder, createTable);
            b.getMethod("using", String.class).invoke(builder, insert);
            b.getMethod("sorted").invoke(builder);
            sstableWriters.add(b.getMethod("build").invoke(builder));
        }
        java.lang.reflect.Method rawAddRow = writerClass.getMethod("rawAddRow", List.class);
        java.lang.reflect.Method close = writerClass.getMethod("close");

        ClickModel model = new ClickModel(ads);
        AtomicLong rows = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> parts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Object writer = sstableWriters.get(w);
            int first = (int) ((long) ads * w / writers);
            int last = (int) ((long) ads * (w + 1) / writers);
            parts.add(pool.submit(() -> {
                ByteBuffer filter = ByteBuffer.allocate(4).putInt(0, ClickModel.FILTER);
                for (int i = first; i < last; i++) {
                    int rank = order[i];
                    ByteBuffer adId = ByteBuffer.wrap(ids[rank]);
                    // Clustering order is click_minute DESC: newest first.
                    for (int m = ClickModel.MINUTES - 1; m >= 0; m--) {
                        ByteBuffer minute = ByteBuffer.allocate(8).putLong(0, dayStartMillis + 60_000L * m);
                        ByteBuffer count = ByteBuffer.allocate(8).putLong(0, model.count(rank, m));
                        rawAddRow.invoke(writer, List.of(adId.duplicate(), filter.duplicate(), minute, count));
                    }
                    rows.addAndGet(ClickModel.MINUTES);
                }
                close.invoke(writer);
                return null;
            }));
        }
        pool.shutdown();
        long total = (long) ads * ClickModel.MINUTES;
        while (!pool.awaitTermination(15, TimeUnit.SECONDS)) {
            double s = (System.nanoTime() - begin) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "  %,d of %,d rows written (%.0f%%, %,.0f rows/s)%n",
                    rows.get(),
                    total,
                    100.0 * rows.get() / total,
                    rows.get() / s);
        }
        for (Future<?> part : parts) {
            part.get();
        }
        double s = (System.nanoTime() - begin) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "  %,d rows written as SSTables in %.0f s (%,.0f rows/s)%n",
                rows.get(),
                s,
                rows.get() / s);
    }

    /** The serialized (ad_id, filter_id) partition key: each component as length, bytes, end-of-component 0. */
    private static ByteBuffer partitionKey(byte[] adId) {
        ByteBuffer key = ByteBuffer.allocate(2 + adId.length + 1 + 2 + 4 + 1);
        key.putShort((short) adId.length).put(adId).put((byte) 0);
        key.putShort((short) 4).putInt(ClickModel.FILTER).put((byte) 0);
        key.flip();
        return key;
    }
}
