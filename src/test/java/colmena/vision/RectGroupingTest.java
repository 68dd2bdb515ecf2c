package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RectGroupingTest {

    private static List<Box> cluster(int x, int y, int size, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> new Box(x + i, y + i % 2, size, size)).toList();
    }

    @Test
    void withoutNeighboursTheCandidatesComeBackAsTheyAre() {
        List<Box> raw = cluster(10, 10, 30, 3);
        assertEquals(raw, FaceDetector.group(raw, 0, 100, 100));
    }

    @Test
    void closeBoxesAverageAndSmallClassesDrop() {
        List<Box> raw = new java.util.ArrayList<>(cluster(10, 10, 30, 4));
        raw.addAll(cluster(200, 50, 40, 3));
        // Four boxes at x 10..13: their mean, rounded half to even as OpenCV's saturate_cast does.
        assertEquals(List.of(new Box(12, 10, 30, 30)), FaceDetector.group(raw, 3, 400, 400));
        assertEquals(2, FaceDetector.group(raw, 2, 400, 400).size());
    }

    @Test
    void aSmallBoxInsideAStrongerOneIsDropped() {
        List<Box> raw = new java.util.ArrayList<>(cluster(100, 100, 100, 8));
        raw.addAll(cluster(130, 130, 30, 4));
        assertEquals(1, FaceDetector.group(raw, 3, 400, 400).size());
    }

    @Test
    void boxesAreClippedToTheImage() {
        assertEquals(List.of(new Box(90, 0, 10, 20)), FaceDetector.group(List.of(new Box(90, 0, 20, 20)), 0, 100, 100));
    }
}
