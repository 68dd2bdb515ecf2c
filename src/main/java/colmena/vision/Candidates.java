package colmena.vision;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw detections as compact text, {@code [[x,y,w,h],...]}, for a tile's result to travel as a
 * task's answer. At most {@link #MAX_COUNT} boxes.
 */
public final class Candidates {

    /** Bounds the size of a tile's answer; a photo's raw detections stay far below it. */
    public static final int MAX_COUNT = 100_000;

    private Candidates() {
    }

    /** @throws IllegalArgumentException when there are more than {@link #MAX_COUNT} boxes */
    public static String toJson(List<Box> boxes) {
        checkCount(boxes.size());
        StringBuilder out = new StringBuilder(boxes.size() * 20 + 2).append('[');
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            out.append(i == 0 ? "[" : ",[").append(b.x()).append(',').append(b.y()).append(',')
                    .append(b.width()).append(',').append(b.height()).append(']');
        }
        return out.append(']').toString();
    }

    /**
     * @throws IllegalArgumentException when the text is not such a list, a box has a negative
     *     corner or an empty side, or there are more than {@link #MAX_COUNT}
     */
    public static List<Box> fromJson(String json) {
        JsonArray array;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonArray()) {
                throw new IllegalArgumentException("candidates: expected a list [[x,y,w,h],...]; got " + abbreviate(json));
            }
            array = parsed.getAsJsonArray();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("candidates: not JSON: " + abbreviate(json));
        }
        checkCount(array.size());
        List<Box> boxes = new ArrayList<>(array.size());
        for (JsonElement item : array) {
            boxes.add(box(item));
        }
        return boxes;
    }

    private static Box box(JsonElement item) {
        if (!item.isJsonArray() || item.getAsJsonArray().size() != 4) {
            throw new IllegalArgumentException("candidates: expected [x,y,w,h]; got " + abbreviate(item.toString()));
        }
        int[] v = new int[4];
        for (int i = 0; i < 4; i++) {
            JsonElement e = item.getAsJsonArray().get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException("candidates: expected whole numbers in " + item);
            }
            double d = e.getAsDouble();
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("candidates: expected whole numbers in " + item);
            }
            v[i] = (int) d;
        }
        if (v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] <= 0) {
            throw new IllegalArgumentException("candidates: a box needs x, y ≥ 0 and width, height > 0; got " + item);
        }
        return new Box(v[0], v[1], v[2], v[3]);
    }

    private static void checkCount(int count) {
        if (count > MAX_COUNT) {
            throw new IllegalArgumentException("candidates: " + count + " boxes; at most " + MAX_COUNT);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
