package colmena.filters;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A filter as a job asks for it: its name and its parameters ({@code sigma} for {@code blur},
 * {@code scale} for {@code resize}; the others take none). Parameters have at most three
 * decimals, so they travel in tasks as whole thousandths and come back the same.
 */
public record FilterSpec(String name, double sigma, double scale) {
    public static final List<String> NAMES = List.of("grey", "blur", "sobel", "resize");
    public static final double DEFAULT_SIGMA = 2;
    public static final double DEFAULT_SCALE = 0.5;

    /** {@code name} with the default parameters. */
    public static FilterSpec of(String name) {
        return new FilterSpec(name, DEFAULT_SIGMA, DEFAULT_SCALE);
    }

    /** The names of the parameters filter {@code name} takes: sigma for blur, scale for resize, none for the others. */
    public static Set<String> parametersOf(String name) {
        return switch (name) {
            case "blur" -> Set.of("sigma");
            case "resize" -> Set.of("scale");
            default -> Set.of();
        };
    }

    /** The parameters this filter takes, by name, as {@code POST /api/jobs} and the job's params have them. */
    public Map<String, Object> parameters() {
        return switch (name) {
            case "blur" -> Map.of("sigma", sigma);
            case "resize" -> Map.of("scale", scale);
            default -> Map.of();
        };
    }

    /** As a task carries it: parameters in thousandths. */
    public static FilterSpec fromMilli(String name, long sigmaMilli, long scaleMilli) {
        return new FilterSpec(name, sigmaMilli / 1000.0, scaleMilli / 1000.0);
    }

    /**
     * @throws IllegalArgumentException whose message starts with the bad field's name ({@code filter},
     *     {@code sigma} or {@code scale})
     */
    public void check() {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("filter must be one of " + String.join(", ", NAMES) + "; got \""
                    + name + "\"");
        }
        checkDecimals("sigma", sigma);
        checkDecimals("scale", scale);
        filter();
    }

    private static void checkDecimals(String field, double value) {
        if (!Double.isFinite(value) || BigDecimal.valueOf(value).stripTrailingZeros().scale() > 3) {
            throw new IllegalArgumentException(field + " may have at most 3 decimal places; got " + value);
        }
    }

    /**
     * @throws IllegalArgumentException for an unknown name or a parameter out of bounds, naming it first
     */
    public ImageFilter filter() {
        return switch (name) {
            case "grey" -> new Grey();
            case "blur" -> new GaussianBlur(sigma);
            case "sobel" -> new SobelEdges();
            case "resize" -> new Resize(scale);
            default -> throw new IllegalArgumentException("filter must be one of " + String.join(", ", NAMES)
                    + "; got \"" + name + "\"");
        };
    }

    public long sigmaMilli() {
        return Math.round(sigma * 1000);
    }

    public long scaleMilli() {
        return Math.round(scale * 1000);
    }
}
