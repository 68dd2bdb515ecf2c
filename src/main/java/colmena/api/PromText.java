package colmena.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: one {@code # HELP} and
 * {@code # TYPE} line per metric family, then its samples, label values escaped as the format
 * says (backslash, double quote, line feed), numbers in the format's spelling ({@code +Inf},
 * {@code NaN}). Families are written whole, one after another, so a name never appears twice.
 */
final class PromText {
    /** A histogram's bucket bounds, in seconds: half a millisecond to a minute. */
    static final double[] SECONDS_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1, 2.5, 5, 10, 30, 60};
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder(8_192);

    /** A family and its samples; {@code type} is gauge, counter or histogram. */
    Family family(String name, String type, String help) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return new Family(name);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    final class Family {
        private final String name;

        private Family(String name) {
            this.name = name;
        }

        /** One sample: {@code labels} are name, value, name, value… */
        Family sample(double value, String... labels) {
            return sampleOf(name, value, labels);
        }

        /**
         * A histogram's samples from cumulative counts: {@code _bucket} for each bound of
         * {@link #SECONDS_BUCKETS} and {@code +Inf}, then {@code _sum} and {@code _count}.
         *
         * @param cumulative counts at or under each bound, then the total
         */
        Family histogram(long[] cumulative, double sumSeconds, String... labels) {
            for (int i = 0; i < SECONDS_BUCKETS.length; i++) {
                sampleOf(name + "_bucket", cumulative[i], with(labels, "le", number(SECONDS_BUCKETS[i])));
            }
            long count = cumulative[SECONDS_BUCKETS.length];
            sampleOf(name + "_bucket", count, with(labels, "le", "+Inf"));
            sampleOf(name + "_sum", sumSeconds, labels);
            sampleOf(name + "_count", count, labels);
            return this;
        }

        private Family sampleOf(String metric, double value, String... labels) {
            out.append(metric);
            if (labels.length > 0) {
                out.append('{');
                for (int i = 0; i + 1 < labels.length; i += 2) {
                    if (!LABEL.matcher(labels[i]).matches()) {
                        throw new IllegalArgumentException("not a label name: " + labels[i]);
                    }
                    out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
                }
                out.append('}');
            }
            out.append(' ').append(number(value)).append('\n');
            return this;
        }
    }

    private static String[] with(String[] labels, String name, String value) {
        List<String> all = new ArrayList<>(List.of(labels));
        all.add(name);
        all.add(value);
        return all.toArray(new String[0]);
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).toPlainString(); // 0.0005, not 5.0E-4
    }

    /**
     * Cumulative counts for {@link #SECONDS_BUCKETS} from {@code [upperBoundNs, count]} pairs (how
     * the coordinator publishes its histograms): each count goes to the first bound at or above
     * its bucket's upper bound.
     */
    static long[] cumulative(List<long[]> buckets) {
        long[] c = new long[SECONDS_BUCKETS.length + 1];
        for (long[] b : buckets) {
            double seconds = b[0] / 1e9;
            int i = 0;
            while (i < SECONDS_BUCKETS.length && seconds > SECONDS_BUCKETS[i]) {
                i++;
            }
            for (int j = i; j < c.length; j++) {
                c[j] += b[1];
            }
        }
        return c;
    }
}
