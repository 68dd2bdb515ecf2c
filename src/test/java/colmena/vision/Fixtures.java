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

    private record Json(String opencv, String command, List<Entry> images) {
    }

    private record Entry(String file, int width, int height, int[][] boxes, int[][] candidates) {
    }

    private Fixtures() {
    }

    static List<Fixture> all() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/faces/expected.json")) {
            Json json = new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), Json.class);
            List<Fixture> out = new ArrayList<>();
            for (Entry e : json.images()) {
                out.add(new Fixture(e.file(), e.width(), e.height(), boxes(e.boxes()), boxes(e.candidates())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
