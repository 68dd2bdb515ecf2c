package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CandidatesTest {

    @Test
    void boxesSurviveTheTripAsText() {
        List<Box> boxes = Fixtures.named("group-small.png").candidates();
        String json = Candidates.toJson(boxes);
        assertEquals(boxes, Candidates.fromJson(json));
        assertTrue(json.length() < boxes.size() * 24, "compact: " + json.length() + " characters");
        assertEquals("[]", Candidates.toJson(List.of()));
        assertEquals("[[1,2,30,40]]", Candidates.toJson(List.of(new Box(1, 2, 30, 40))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "[[1,2,3]]", "[[1,2,3,\"4\"]]", "[[1.5,2,3,4]]", "[[-1,2,3,4]]", "[[1,2,0,4]]", "[1]"})
    void refusesWhatIsNotAListOfBoxes(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Candidates.fromJson(text));
        assertTrue(e.getMessage().startsWith("candidates: "), e.getMessage());
    }

    @Test
    void refusesMoreThanTheCap() {
        List<Box> many = new ArrayList<>(Collections.nCopies(Candidates.MAX_COUNT + 1, new Box(0, 0, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> Candidates.toJson(many));
        String text = "[" + String.join(",", Collections.nCopies(Candidates.MAX_COUNT + 1, "[0,0,1,1]")) + "]";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Candidates.fromJson(text));
        assertTrue(e.getMessage().contains("at most " + Candidates.MAX_COUNT), e.getMessage());
    }
}
