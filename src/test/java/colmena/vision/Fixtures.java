package colmena.vision;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** The images of src/test/resources/faces and OpenCV's answers for them (expected.json). */
final class Fixtures {

    /** One fixture image and what OpenCV found in it. */
    record Fixture(String file, int width, int height, List<Box> boxes, List<Box> candidates) {

        GrayImage gray() {
            return GrayImage.of(Fixtures.image(file));
        }

        byte[] bytes() {
            try (InputStream in = Fixtures.class.getResourceAsStream("/faces/" + file)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** OpenCV's raw candidates for another cascade (trees, tilted features) on one image. */
    record OtherCascade(String cascade, String file, List<Box> candidates) {
    }

    private record Json(String opencv, String command, List<Entry> images, List<OtherEntry> other_cascades) {
    }

    private record OtherEntry(String cascade, String file, int[][] candidates) {
    }

    private record Entry(String file, int width, int height, int[][] boxes, int[][] candidates) {
    }

    private Fixtures() {
    }

    static List<OtherCascade> otherCascades() {
        return json().other_cascades().stream()
                .map(e -> new OtherCascade(e.cascade(), e.file(), boxes(e.candidates()))).toList();
    }

    private static Json json() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/faces/expected.json")) {
            return new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), Json.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Fixture> all() {
        List<Fixture> out = new ArrayList<>();
        for (Entry e : json().images()) {
            out.add(new Fixture(e.file(), e.width(), e.height(), boxes(e.boxes()), boxes(e.candidates())));
        }
        return out;
    }

    static Fixture named(String file) {
        return all().stream().filter(f -> f.file().equals(file)).findFirst().orElseThrow();
    }

    static java.awt.image.BufferedImage image(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/faces/" + file)) {
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Box> boxes(int[][] quads) {
        List<Box> out = new ArrayList<>();
        for (int[] q : quads) {
            out.add(new Box(q[0], q[1], q[2], q[3]));
        }
        return out;
    }
}
