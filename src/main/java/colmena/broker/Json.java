package colmena.broker;

import colmena.task.MessageWriter;
import colmena.task.TaskMessage;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.time.Instant;

/**
 * The one Gson every process uses, set up once: whole numbers stay whole, instants are ISO-8601
 * text. The checks that turn queue text into messages are beside the messages
 * ({@link TaskMessage#read}, {@link colmena.task.TaskResult#read}).
 */
public final class Json {
    /** Whole numbers stay whole ({@code 5}, not {@code 5.0}) when read into {@code Object}. */
    public static final Gson GSON = new GsonBuilder()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
            .disableHtmlEscaping()
            .create();

    /** The API's JSON: like {@link #GSON}, but a missing value is written as {@code null}, not left out. */
    public static final Gson API = GSON.newBuilder().serializeNulls().create();

    /**
     * Leaves a record component out of the JSON while it is null, where {@link #API} would write
     * {@code null}: {@code @JsonAdapter(value = Json.LeftOutWhenNull.class, nullSafe = false)} on
     * the component. (A writer that omits nulls skips the field's name; this one does so for one
     * value.)
     */
    public static final class LeftOutWhenNull implements TypeAdapterFactory {
        @Override
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            TypeAdapter<T> value = gson.getAdapter(type);
            return new TypeAdapter<>() {
                @Override
                public void write(JsonWriter out, T v) throws IOException {
                    if (v != null) {
                        value.write(out, v);
                        return;
                    }
                    boolean serializeNulls = out.getSerializeNulls();
                    out.setSerializeNulls(false);
                    try {
                        out.nullValue();
                    } finally {
                        out.setSerializeNulls(serializeNulls);
                    }
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    return value.read(in);
                }
            };
        }
    }

    /** Instants as ISO-8601 text ({@code 2025-04-19T11:25:45.123Z}). */
    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            return Instant.parse(in.nextString());
        }
    }

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /**
     * The text of {@code placed}, the task read from {@code raw} with its node and reason set. When
     * {@code raw} is an object with neither field, the two are appended to it rather than the whole
     * task written again (the placer does this for every task).
     */
    public static String placed(String raw, TaskMessage placed) {
        if (raw.endsWith("}") && !raw.contains("\"node\"") && !raw.contains("\"reason\"") && placed.node() != null) {
            StringBuilder sb = new StringBuilder(raw.length() + 120).append(raw, 0, raw.length() - 1)
                    .append(",\"node\":");
            MessageWriter.string(sb, placed.node());
            if (placed.reason() != null) {
                sb.append(",\"reason\":");
                MessageWriter.string(sb, placed.reason());
            }
            return sb.append('}').toString();
        }
        return write(placed);
    }
}
