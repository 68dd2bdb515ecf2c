package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The detector against OpenCV 4's own answers on the fixture images (see make-fixtures.py). */
class FaceDetectorAgreementTest {

    static Stream<Fixtures.Fixture> fixtures() {
        return Fixtures.all().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void findsTheBoxesOpenCvFinds(Fixtures.Fixture fixture) {
        List<Box> found = FaceDetector.detect(HaarCascade.frontalFace(), fixture.gray(), DetectParams.defaults());
        List<Box> expected = fixture.boxes();
        int matched = Agreement.matched(expected, found);
        int extra = found.size() - Agreement.matched(found, expected);
        System.out.printf("%s: OpenCV %d boxes, ours %d, matched %d (IoU >= 0.5), extra %d, identical %b%n",
                fixture.file(), expected.size(), found.size(), matched, extra, sorted(found).equals(sorted(expected)));
        assertTrue(matched >= 0.9 * expected.size(), fixture.file() + ": matched " + matched + " of " + expected.size());
        assertTrue(extra <= 0.1 * expected.size(), fixture.file() + ": " + extra + " boxes OpenCV did not find");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void rawCandidatesOfPngFixturesEqualOpenCvs(Fixtures.Fixture fixture) {
        if (fixture.file().endsWith(".jpg")) {
            return; // the JDK's JPEG decoder may differ from libjpeg by one level here and there
        }
        Tile whole = Tile.whole(fixture.width(), fixture.height());
        List<Box> found = FaceDetector.candidates(HaarCascade.frontalFace(), fixture.gray(), whole,
                fixture.width(), fixture.height(), new DetectParams(1.1, 0, 0, 0));
        assertEquals(List.of(), difference(fixture.candidates(), found), fixture.file() + ": OpenCV's, not ours");
        assertEquals(List.of(), difference(found, fixture.candidates()), fixture.file() + ": ours, not OpenCV's");
    }

    static Stream<Fixtures.OtherCascade> otherCascades() {
        return Fixtures.otherCascades().stream();
    }

    @ParameterizedTest
    @MethodSource("otherCascades")
    void otherCascadesWithTreesAndTiltedFeaturesGiveOpenCvsCandidates(Fixtures.OtherCascade other) throws IOException {
        HaarCascade cascade;
        try (InputStream in = getClass().getResourceAsStream("/colmena/vision/" + other.cascade())) {
            cascade = HaarCascade.read(in);
        }
        GrayImage image = Fixtures.named(other.file()).gray();
        List<Box> found = FaceDetector.candidates(cascade, image, Tile.whole(image.width(), image.height()),
                image.width(), image.height(), new DetectParams(1.1, 0, 0, 0));
        assertEquals(List.of(), difference(other.candidates(), found), other.cascade() + ": OpenCV's, not ours");
        assertEquals(List.of(), difference(found, other.candidates()), other.cascade() + ": ours, not OpenCV's");
    }

    /** The boxes of {@code a} not in {@code b}, counting repeats (multiset difference). */
    static List<Box> difference(List<Box> a, List<Box> b) {
        List<Box> rest = new ArrayList<>(b);
        List<Box> out = new ArrayList<>();
        for (Box box : a) {
            if (!rest.remove(box)) {
                out.add(box);
            }
        }
        return out;
    }

    static List<Box> sorted(List<Box> boxes) {
        List<Box> out = new ArrayList<>(boxes);
        out.sort(Comparator.comparingInt(Box::x).thenComparingInt(Box::y).thenComparingInt(Box::width)
                .thenComparingInt(Box::height));
        return out;
    }
}
