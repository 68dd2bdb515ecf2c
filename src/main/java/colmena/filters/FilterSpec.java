package colmena.filters;

import java.math.BigDecimal;
import java.util.List;

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
