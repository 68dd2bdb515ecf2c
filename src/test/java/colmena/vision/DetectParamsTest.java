package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectParamsTest {

    @Test
    void defaultsAreOpenCvsAndValid() {
        assertEquals(new DetectParams(1.1, 3, 0, 0), DetectParams.defaults().check());
    }

    @ParameterizedTest
    @CsvSource({
        "1.0,   3, 0,     0,     scaleFactor must be from 1.01 to 2.0; got 1.0",
        "2.5,   3, 0,     0,     scaleFactor must be from 1.01 to 2.0; got 2.5",
        "NaN,   3, 0,     0,     scaleFactor",
        "1.1,  -1, 0,     0,     minNeighbors must be from 0 to 50; got -1",
        "1.1,  51, 0,     0,     minNeighbors must be from 0 to 50",
        "1.1,   3, -5,    0,     minSize must be from 0 (no bound) to 10000 pixels; got -5",
        "1.1,   3, 0, 10001,     maxSize must be from 0 (no bound) to 10000 pixels; got 10001",
        "1.1,   3, 200, 100,     minSize (200) must not exceed maxSize (100)",
    })
    void outOfBoundsParametersAreNamedWithTheirBounds(double scale, int neighbors, int min, int max, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DetectParams(scale, neighbors, min, max).check());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void minAndMaxSizeBoundTheBoxesFound() {
        GrayImage image = Fixtures.named("group-small.png").gray();
        HaarCascade cascade = HaarCascade.frontalFace();
        var all = FaceDetector.detect(cascade, image, DetectParams.defaults());
        var mid = FaceDetector.detect(cascade, image, new DetectParams(1.1, 3, 40, 100));
        assertTrue(all.size() > mid.size() && !mid.isEmpty(), all + " vs " + mid);
        // Grouping averages raw windows, so a box may be a little outside the searched sizes.
        mid.forEach(b -> assertTrue(b.width() >= 36 && b.width() <= 110, "size of " + b));
    }
}
