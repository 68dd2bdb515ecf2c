package colmena.browser;

import colmena.jobs.FacesJobTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Photos panel in a real headless Chromium: photos chosen in the file picker are uploaded,
 * made into a face job run by two agents, and drawn with their faces boxed and their strips in
 * the colour of the node that did them; a file that is not a photo is refused with the reason.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PhotosBrowserTest {
    @RegisterExtension
    static final Dashboard dash = new Dashboard("photos.png");

    private static WebDriver browser;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        browser = PhotosPage.open(dash);
        dir = colmena.TempDirs.make("colmena-photos");
    }

    @Test
    void photosChosenInThePageComeBackWithTheirFacesBoxedAndANonPhotoIsRefusedByName() throws Exception {
        // A name as a camera or a path gives it: long, with no space to break at.
        String name = "class_2026-12-05_camera_roll_IMG_20261205_093012_astronaut_on_the_station.png";
        Path photo = dir.resolve(name);
        Files.write(photo, FacesJobTest.resource("astronaut.png"));
        Path notPhoto = dir.resolve("homework.png");
        Files.writeString(notPhoto, "this is text, not a picture");
        Page.waitFor("the upload controls", () -> !browser.findAll("#photo-upload:not([hidden])").isEmpty());
        String input = browser.findAll("#photo-input").get(0);
        browser.type(input, photo + "\n" + notPhoto);
        Page.waitFor("the send button enabled", () -> browser.findAll("#photo-send:disabled").isEmpty());
        browser.click(browser.findAll("#photo-send").get(0));

        Page.waitFor("the refused file named with the reason", () -> {
            List<String> errors = browser.findAll("#photo-errors li");
            return !errors.isEmpty() && browser.text(errors.get(0)).contains("homework.png: not an image");
        });
        Page.waitFor("the photo done with its face", () -> {
            List<String> caps = browser.findAll("#job-photos .photo-caption");
            return caps.size() == 1 && browser.text(caps.get(0)).startsWith(name + ": 1 face");
        });
        // The caption breaks within its photo's column rather than running into the next one.
        String fits = "const c = document.querySelector('#job-photos .photo-caption'); return c.scrollWidth + ' ' + c.clientWidth;";
        String[] w = browser.script(fits).getAsString().split(" ");
        assertTrue(Integer.parseInt(w[0]) <= Integer.parseInt(w[1]), "the caption is " + w[0] + " px wide in a box of " + w[1]);
        assertEquals(1, browser.findAll("#job-photos canvas.photo-canvas").size());
        assertEquals(1, browser.findAll("#job-photos .photo-download:not([hidden])").size(), "a download link");
        List<String> legend = browser.texts("#job-photos .tile-legend li");
        assertEquals(1, legend.size());
        assertTrue(legend.get(0).matches("nodo[12]: 1 strip"), legend.get(0));
        // The face is drawn: the canvas has the box's green at the face's left edge.
        String green = "const c = document.querySelector('#job-photos canvas'); const g = c.getContext('2d');"
                + " const s = c.width / 512; const d = g.getImageData(Math.round(177 * s), Math.round(110 * s), 1, 1).data;"
                + " return d[1] > 200 && d[0] < 60 && d[2] < 120;";
        Page.waitFor("the face's box drawn on the photo", () -> browser.script(green).getAsBoolean());
        Page.waitFor("the job in the list", () -> {
            List<String> jobs = browser.findAll("#job-list .job-item");
            return jobs.size() == 1 && browser.text(jobs.get(0)).contains("1 face");
        });
        // The refusal is said again in a language chosen after it.
        browser.click(browser.findAll("button[data-lang=\"es\"]").get(0));
        Page.waitFor("the refusal in Spanish", () -> {
            List<String> errors = browser.findAll("#photo-errors li");
            return !errors.isEmpty() && browser.text(errors.get(0)).contains("homework.png: no es una imagen");
        });
        browser.click(browser.findAll("button[data-lang=\"en\"]").get(0));
    }
}
