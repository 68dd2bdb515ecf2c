package colmena.filters;

import java.util.Arrays;

/**
 * A Gaussian blur as OpenCV's {@code GaussianBlur(src, dst, Size(0, 0), sigma)}: a separable
 * kernel of {@code 2·round(3σ)+1} taps (OpenCV's size for 8-bit images), weights
 * {@code exp(-x²/2σ²)} normalised to sum 1, computed in floats, rows then columns, borders
 * reflected (101) at the image's edges. Each colour channel is blurred alone.
 */
public final class GaussianBlur implements ImageFilter {
    public static final double MIN_SIGMA = 0.3;
    public static final double MAX_SIGMA = 20;

    private final float[] kernel;
    private final int radius;

    /**
     * @throws IllegalArgumentException when sigma is outside {@link #MIN_SIGMA} to {@link #MAX_SIGMA}
     */
    public GaussianBlur(double sigma) {
        if (!(sigma >= MIN_SIGMA && sigma <= MAX_SIGMA)) {
            throw new IllegalArgumentException("sigma must be from " + MIN_SIGMA + " to " + MAX_SIGMA + ", got " + sigma);
        }
        int size = ((int) Math.round(sigma * 6 + 1)) | 1;
        radius = size / 2;
        kernel = new float[size];
        double sum = 0;
        double[] w = new double[size];
        for (int i = 0; i < size; i++) {
            double x = i - radius;
            w[i] = Math.exp(-x * x / (2 * sigma * sigma));
            sum += w[i];
        }
        for (int i = 0; i < size; i++) {
            kernel[i] = (float) (w[i] / sum);
        }
    }

    @Override
    public int[] sourceRows(int outY0, int outY1, int width, int height) {
        return ImageFilter.reflectedRows(outY0, outY1, radius, height);
    }

    @Override
    public Pixels apply(Pixels strip, int stripY0, int outY0, int outY1, int width, int height) {
        checkStrip(strip, stripY0, outY0, outY1, width, height);
        int ch = strip.channels();
        int rowLength = width * ch;
        float[] across = horizontal(strip);
        byte[] out = new byte[(outY1 - outY0) * rowLength];
        float[] sum = new float[rowLength];
        for (int y = outY0; y < outY1; y++) {
            Arrays.fill(sum, 0f);
            for (int k = -radius; k <= radius; k++) {
                int from = (ImageFilter.reflect101(y + k, height) - stripY0) * rowLength;
                float weight = kernel[k + radius];
                for (int i = 0; i < rowLength; i++) {
                    sum[i] += weight * across[from + i];
                }
            }
            int to = (y - outY0) * rowLength;
            for (int i = 0; i < rowLength; i++) {
                out[to + i] = (byte) clamp(sum[i]);
            }
        }
        return new Pixels(width, outY1 - outY0, ch, out);
    }

    /** Every row of the strip blurred along itself. */
    private float[] horizontal(Pixels strip) {
        int w = strip.width(), ch = strip.channels();
        byte[] in = strip.data();
        float[] out = new float[in.length];
        for (int y = 0; y < strip.height(); y++) {
            int row = y * w * ch;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < ch; c++) {
                    float s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        s += kernel[k + radius] * (in[row + ImageFilter.reflect101(x + k, w) * ch + c] & 0xff);
                    }
                    out[row + x * ch + c] = s;
                }
            }
        }
        return out;
    }

    static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.floor(v + 0.5)));
    }
}
