package colmena.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written name checks agree with the regular expressions SPEC.md states them in, on every
 * string of a large random sample drawn near the edges (lengths 0 to 66, the allowed signs, signs
 * just outside the ranges, non-ASCII letters and digits).
 */
class NamesTest {
    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern TASK_TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String SIGNS = "aZz09AM-._ /:@`[{\u00e9\u00d1\u0661\uff10\u0000\n";

    @Test
    void plainNamesAgreeWithTheirRegularExpressions() {
        int accepted = 0;
        for (String s : sample(new Random(16), 200_000)) {
            boolean id = Names.plain(s, 64, "-", false);
            assertEquals(TASK_ID.matcher(s).matches(), id, "task id \"" + s + "\"");
            assertEquals(TASK_TYPE.matcher(s).matches(), Names.plain(s, 64, "._-", false), "task type \"" + s + "\"");
            assertEquals(NODE_ID.matcher(s).matches(), Names.plain(s, 64, "._-", true), "node id \"" + s + "\"");
            accepted += id ? 1 : 0;
        }
        assertTrue(accepted > 1_000, "the sample holds valid names too: " + accepted);
        assertEquals(false, Names.plain(null, 64, "-", false));
    }

    @Test
    void uuidsAgreeWithTheirRegularExpression() {
        Random random = new Random(36);
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            char[] u = UUID.randomUUID().toString().toCharArray();
            int changes = random.nextInt(3);
            for (int k = 0; k < changes; k++) {
                u[random.nextInt(u.length)] = "0f9ag-AF:".charAt(random.nextInt(9));
            }
            String s = new String(u);
            sample.add(random.nextInt(20) == 0 ? s.substring(0, random.nextInt(36)) : s);
        }
        int accepted = 0;
        for (String s : sample) {
            boolean ok = Names.lowercaseUuid(s);
            assertEquals(UUID_TEXT.matcher(s).matches(), ok, "\"" + s + "\"");
            accepted += ok ? 1 : 0;
        }
        assertTrue(accepted > 5_000 && accepted < sample.size(), "both kinds in the sample: " + accepted);
        assertEquals(false, Names.lowercaseUuid(null));
    }

    private static List<String> sample(Random random, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = random.nextInt(5) == 0 ? 60 + random.nextInt(7) : random.nextInt(12);
            StringBuilder sb = new StringBuilder(length);
            boolean mostlyPlain = random.nextBoolean();
            for (int k = 0; k < length; k++) {
                sb.append(mostlyPlain && random.nextInt(40) != 0 ? SIGNS.charAt(random.nextInt(9))
                        : SIGNS.charAt(random.nextInt(SIGNS.length())));
            }
            out.add(sb.toString());
        }
        return out;
    }
}
