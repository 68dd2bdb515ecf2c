package colmena.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A grey tile as it travels through Redis: {@code CGRY1}, width and height (4 bytes each, big
 * endian), then the pixels row by row, deflated. Lossless, so a tile detected on another machine
 * sees exactly the pixels the whole photo has there; and quick to make (a fast deflate level, no
 * per-row filters), since a 12-megapixel photo is cut into tiles before any of them runs.
 */
public final class GrayCodec {
    private static final byte[] MAGIC = "CGRY1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 8;
    /** The most pixels a tile may declare: a whole 100-megapixel photo. */
    public static final long MAX_PIXELS = 100_000_000L;

    /** Pixels of a grey image, one byte each, row by row. */
    public record Gray(int width, int height, byte[] pixels) {
    }

    private GrayCodec() {
    }

    /**
     * Encodes the rectangle {@code (x, y, w, h)} of a grey image {@code width} pixels wide.
     */
    public static byte[] encode(byte[] pixels, int width, int x, int y, int w, int h) {
        Deflater deflater = new Deflater(1);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER + w * h / 2 + 64);
            out.writeBytes(MAGIC);
            out.writeBytes(ByteBuffer.allocate(8).putInt(w).putInt(h).array());
            byte[] buf = new byte[64 * 1024];
            // A full-width strip is one run of the array: deflated in one go, not row by row.
            int runs = w == width ? 1 : h;
            int runLength = w == width ? w * h : w;
            for (int run = 0; run < runs; run++) {
                deflater.setInput(pixels, (y + run) * width + x, runLength);
                while (!deflater.needsInput()) {
                    out.write(buf, 0, deflater.deflate(buf));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a whole tile made by {@link #encode}
     */
    public static Gray decode(byte[] bytes) {
        if (bytes.length < HEADER || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("not a grey tile (no CGRY1 header)");
        }
        ByteBuffer head = ByteBuffer.wrap(bytes, MAGIC.length, 8);
        int w = head.getInt();
        int h = head.getInt();
        if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS) {
            throw new IllegalArgumentException("grey tile declares " + w + " × " + h + " pixels");
        }
        byte[] pixels = new byte[w * h];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, HEADER, bytes.length - HEADER);
            int n = 0;
            while (n < pixels.length) {
                int got = inflater.inflate(pixels, n, pixels.length - n);
                if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != pixels.length || !inflater.finished()) {
                throw new IllegalArgumentException("grey tile is truncated or corrupt (" + n + " of " + pixels.length
                        + " pixels)");
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("grey tile is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
        return new Gray(w, h, pixels);
    }
}
