package colmena.browser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A filter job from the Photos panel in a real headless Chromium: a photo chosen with "Blur"
 * selected is blurred in strips by the agents and drawn as the job's output image, with a link
 * to download it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FilterBrowserTest {
    @RegisterExtension
    static final Dashboard dash = new Dashboard("filters.png");

    private static WebDriver browser;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        browser = PhotosPage.open(dash);
        dir = colmena.TempDirs.make("colmena-photos");
    }

    @Test
    void aBlurChosenInThePageComesBackDrawnAsTheBlurredOutput() throws Exception {
        Path photo = dir.resolve("edge.png");
        ImageIO.write(halfBlackHalfWhite(400, 300), "png", photo.toFile());
        Page.waitFor("the upload controls", () -> !browser.findAll("#photo-upload:not([hidden])").isEmpty());
        assertTrue(browser.text(browser.findAll("#photo-filter option[value=\"blur\"]").get(0)).equals("Blur"));
        browser.script("const s = document.getElementById('photo-filter'); s.value = 'blur'; return s.value;");
        browser.type(browser.findAll("#photo-input").get(0), photo.toString());
        Page.waitFor("the send button enabled", () -> browser.findAll("#photo-send:disabled").isEmpty());
        browser.click(browser.findAll("#photo-send").get(0));

        Page.waitFor("the photo blurred", () -> {
            List<String> caps = browser.findAll("#job-photos .photo-caption");
            return caps.size() == 1 && browser.text(caps.get(0)).startsWith("edge.png: Blur · 1 strip on nodo");
        });
        Page.waitFor("the output drawn", () -> "output".equals(
                browser.script("return document.querySelector('#job-photos canvas').dataset.shows;").getAsString()));
        // Across the edge the original is pure black then white; blurred, it is grey.
        String grey = "const g = document.querySelector('#job-photos canvas').getContext('2d');"
                + " const d = g.getImageData(199, 100, 1, 1).data; return d[0] > 40 && d[0] < 200 && d[0] === d[2];";
        assertTrue(browser.script(grey).getAsBoolean(), "the blurred edge is drawn");
        // The job view redraws on each poll: what it shows is read in one step each, never from an element found earlier.
        List<String> links = browser.attributes("#job-photos .photo-download:not([hidden])", "href");
        assertEquals(1, links.size(), "a download link");
        assertTrue(links.get(0).endsWith("/photos/0/output"), links.get(0));
        assertEquals(List.of("Download the result"), browser.texts("#job-photos .photo-download:not([hidden])"));
        List<String> legend = browser.texts("#job-photos .tile-legend li");
        assertEquals(1, legend.size());
        assertTrue(legend.get(0).matches("nodo[12]: 1 strip"), legend.get(0));
        Page.waitFor("the job in the list as a blur", () -> {
            List<String> jobs = browser.findAll("#job-list .job-item");
            return jobs.size() == 1 && browser.text(jobs.get(0)).contains("Blur");
        });
    }

    private static BufferedImage halfBlackHalfWhite(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return image;
    }
}
