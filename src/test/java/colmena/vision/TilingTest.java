package colmena.vision;

import colmena.image.GrayCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Splitting a photo into tiles gives exactly the whole photo's candidates, hence its faces. */
class TilingTest {

    private static final HaarCascade CASCADE = HaarCascade.frontalFace();

    @ParameterizedTest(name = "{0} cropped to {1}x{2} at {3},{4}, tiles of {5} pixels")
    @CsvSource({
        "astronaut.png, 512, 512, 0, 0, 100000",
        "astronaut.png, 512, 512, 0, 0, 9000",
        "astronaut.png, 301, 217, 111, 40, 1",
        "group-small.png, 1240, 720, 0, 0, 150000",
        "group-small.png, 777, 333, 463, 5, 4099",
        "coffee-no-face.png, 600, 400, 0, 0, 30000",
    })
    void tilesTogetherFindExactlyTheWholeImagesCandidates(String file, int w, int h, int x, int y, long tilePixels) {
        GrayImage image = Fixtures.named(file).gray().crop(x, y, w, h);
        DetectParams params = DetectParams.defaults();
        List<Box> whole = FaceDetector.candidates(CASCADE, image, Tile.whole(w, h), w, h, params);
        List<Tile> tiles = TilePlan.of(w, h, CASCADE, params, tilePixels);
        assertOwnedRowsPartition(tiles, w, h);
        List<Box> union = new ArrayList<>();
        for (Tile tile : tiles) {
            GrayImage pixels = image.crop(tile.x(), tile.y(), tile.width(), tile.height());
            union.addAll(FaceDetector.candidates(CASCADE, pixels, tile, w, h, params));
        }
        assertTrue(tilePixels >= (long) w * h || tiles.size() > 1, "expected several tiles");
        assertEquals(FaceDetectorAgreementTest.sorted(whole), FaceDetectorAgreementTest.sorted(union));
        assertEquals(FaceDetectorAgreementTest.sorted(FaceDetector.group(whole, 3, w, h)),
                FaceDetectorAgreementTest.sorted(FaceDetector.group(union, 3, w, h)));
    }

    @Test
    void tilingIsExactForACascadeWithTreesAndTiltedFeaturesToo() throws IOException {
        HaarCascade eyes;
        try (var in = getClass().getResourceAsStream("/colmena/vision/haarcascade_eye_tree_eyeglasses.xml")) {
            eyes = HaarCascade.read(in);
        }
        GrayImage image = Fixtures.named("astronaut.png").gray().crop(150, 40, 161, 203);
        int w = image.width(), h = image.height();
        DetectParams params = new DetectParams(1.1, 0, 0, 0);
        List<Box> whole = FaceDetector.candidates(eyes, image, Tile.whole(w, h), w, h, params);
        List<Box> union = new ArrayList<>();
        for (Tile tile : TilePlan.of(w, h, eyes, params, 700)) {
            union.addAll(FaceDetector.candidates(eyes, image.crop(tile.x(), tile.y(), tile.width(), tile.height()),
                    tile, w, h, params));
        }
        assertTrue(!whole.isEmpty(), "the crop holds the eyes");
        assertEquals(FaceDetectorAgreementTest.sorted(whole), FaceDetectorAgreementTest.sorted(union));
    }

    @Test
    void tilesSentAsGreyStripsAndCandidatesSentAsTextGiveTheSameFaces() throws IOException {
        Fixtures.Fixture fixture = Fixtures.named("group-small.png");
        GrayImage image = fixture.gray();
        int w = image.width(), h = image.height();
        List<Box> union = new ArrayList<>();
        for (Tile tile : TilePlan.of(w, h, CASCADE, DetectParams.defaults(), 200_000)) {
            byte[] strip = GrayCodec.encode(image.pixels(), w, tile.x(), tile.y(), tile.width(), tile.height());
            GrayCodec.Gray got = GrayCodec.decode(strip);
            GrayImage received = new GrayImage(got.width(), got.height(), got.pixels());
            String answer = Candidates.toJson(FaceDetector.candidates(CASCADE, received, tile, w, h,
                    DetectParams.defaults()));
            union.addAll(Candidates.fromJson(answer));
        }
        assertEquals(FaceDetectorAgreementTest.sorted(fixture.boxes()),
                FaceDetectorAgreementTest.sorted(FaceDetector.group(union, 3, w, h)));
    }

    @Test
    void anImageSmallerThanTheWindowHasNoCandidatesAndOneTile() {
        GrayImage tiny = Fixtures.named("astronaut.png").gray().crop(200, 100, 23, 40);
        assertEquals(List.of(), FaceDetector.detect(CASCADE, tiny, DetectParams.defaults()));
        List<Tile> tiles = TilePlan.of(23, 40, CASCADE, DetectParams.defaults(), 100);
        assertOwnedRowsPartition(tiles, 23, 40);
        for (Tile tile : tiles) {
            GrayImage pixels = tiny.crop(tile.x(), tile.y(), tile.width(), tile.height());
            assertEquals(List.of(), FaceDetector.candidates(CASCADE, pixels, tile, 23, 40, DetectParams.defaults()));
        }
    }

    @Test
    void aSmallImageIsOneTile() {
        List<Tile> tiles = TilePlan.of(640, 480, CASCADE, DetectParams.defaults(), TilePlan.DEFAULT_TILE_PIXELS);
        assertEquals(List.of(Tile.whole(640, 480)), tiles);
    }

    private static void assertOwnedRowsPartition(List<Tile> tiles, int w, int h) {
        int next = 0;
        for (Tile tile : tiles) {
            assertEquals(next, tile.ownY0(), "owned rows follow on");
            assertTrue(tile.ownY1() > tile.ownY0(), "each tile owns a row");
            assertEquals(0, tile.ownX0());
            assertEquals(w, tile.ownX1());
            assertTrue(tile.y() >= 0 && tile.y() + tile.height() <= h, "pixels inside the image: " + tile);
            next = tile.ownY1();
        }
        assertEquals(h, next, "owned rows cover the image");
    }
}
