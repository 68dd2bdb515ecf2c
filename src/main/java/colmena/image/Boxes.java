package colmena.image;

import colmena.vision.Box;

import java.util.ArrayList;
import java.util.List;

/**
 * Rectangles ({@code x, y, w, h} in photo pixels) as text: a tile task's candidate windows as its
 * result ({@code "3 windows: 10,12,24,24;11,12,24,24;40,8,30,30"}), and a photo's faces in JSON
 * ({@code [[10,12,24,24],[40,8,30,30]]}).
 */
public final class Boxes {
    /** The most candidate windows one tile may report (each about 16 characters of its result). */
    public static final int MAX_WINDOWS = 3_000;

    private Boxes() {
    }

    public static String toResult(List<Box> boxes) {
        StringBuilder sb = new StringBuilder(boxes.size() * 16 + 16).append(boxes.size()).append(" windows:");
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            sb.append(i == 0 ? " " : ";").append(b.x()).append(',').append(b.y()).append(',').append(b.width())
                    .append(',').append(b.height());
        }
        return sb.toString();
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not what {@link #toResult} writes
     */
    public static List<Box> fromResult(String text) {
        int colon = text == null ? -1 : text.indexOf(" windows:");
        if (colon < 0) {
            throw new IllegalArgumentException("not a tile's windows: \"" + shorten(text) + "\"");
        }
        int count = Integer.parseInt(text.substring(0, colon));
        String rest = text.substring(colon + " windows:".length()).trim();
        List<Box> out = new ArrayList<>(count);
        if (!rest.isEmpty()) {
            for (String part : rest.split(";")) {
                int[] q = quad(part.split(","));
                out.add(new Box(q[0], q[1], q[2], q[3]));
            }
        }
        if (out.size() != count) {
            throw new IllegalArgumentException("a tile's windows say " + count + " but hold " + out.size());
        }
        return out;
    }

    /** Boxes as the API and {@code faces --json} show them: {@code [x, y, w, h]} each. */
    public static List<int[]> quads(List<Box> boxes) {
        return boxes.stream().map(b -> new int[]{b.x(), b.y(), b.width(), b.height()}).toList();
    }

    public static String toJson(List<int[]> boxes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < boxes.size(); i++) {
            int[] b = boxes.get(i);
            sb.append(i == 0 ? "[" : ",[").append(b[0]).append(',').append(b[1]).append(',').append(b[2]).append(',')
                    .append(b[3]).append(']');
        }
        return sb.append(']').toString();
    }

    public static List<int[]> fromJson(String json) {
        List<int[]> out = new ArrayList<>();
        String s = json.replace(" ", "");
        if (s.equals("[]")) {
            return out;
        }
        for (String part : s.substring(2, s.length() - 2).split("],\\[")) {
            out.add(quad(part.split(",")));
        }
        return out;
    }

    private static int[] quad(String[] p) {
        if (p.length != 4) {
            throw new IllegalArgumentException("a box needs x, y, w and h");
        }
        return new int[]{Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()),
                Integer.parseInt(p[3].trim())};
    }

    private static String shorten(String s) {
        return s == null ? "null" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
