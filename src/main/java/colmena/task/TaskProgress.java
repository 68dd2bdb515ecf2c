package colmena.task;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * How far a running task says it has got, as its agent publishes it: a percentage (0–100) and a
 * short text, or none.
 *
 * @param text at most {@link TaskContext.Progress#MAX_TEXT} characters, or null
 */
public record TaskProgress(int percent, String text) {
    /**
     * A progress report as an agent wrote it ({@code {"percent": 40, "text": "row 3 of 8"}}), kept
     * to a percentage 0–100 and a text of at most 80 characters; null when it is not that (it
     * comes from other machines).
     */
    public static TaskProgress read(String json) {
        if (json == null || json.length() > 1_024) {
            return null;
        }
        try {
            JsonObject in = JsonParser.parseString(json).getAsJsonObject();
            double percent = in.get("percent").getAsDouble();
            if (!(percent >= 0 && percent <= 100)) {
                return null;
            }
            JsonElement text = in.get("text");
            String t = text != null && text.isJsonPrimitive() ? text.getAsString() : null;
            int max = TaskContext.Progress.MAX_TEXT;
            return new TaskProgress((int) percent, t == null || t.length() <= max ? t : t.substring(0, max));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
