package colmena.task;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIdsTest {

    @Test
    void idsSortAsTextInTheOrderTheyWereMadeEvenManyInOneMillisecond() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            ids.add(TaskIds.next());
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " is not before " + ids.get(i));
        }
        assertEquals(ids.size(), new HashSet<>(ids).size());
    }

    @Test
    void idsAreVersion7UuidsStartingWithTheTime() {
        long before = System.currentTimeMillis();
        String id = TaskIds.next();
        UUID uuid = UUID.fromString(id);
        assertEquals(7, uuid.version());
        assertEquals(2, uuid.variant());
        long ms = uuid.getMostSignificantBits() >>> 16;
        assertTrue(ms >= before && ms <= System.currentTimeMillis() + 1_000, "time part " + ms + " vs " + before);
        assertEquals(id, uuid.toString(), "lower-case canonical text");
    }

    @Test
    void theShortIdsOfIdsMadeTogetherDiffer() {
        Set<String> shortIds = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            shortIds.add(TaskMessage.submit(TaskIds.next(), "sleep", null, 0, null).shortId());
        }
        assertTrue(shortIds.size() >= 999, "short ids collide: " + shortIds.size() + " of 1000 distinct");
    }
}
