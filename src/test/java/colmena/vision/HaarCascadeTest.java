package colmena.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HaarCascadeTest {

    private static final String MINIMAL = """
            <opencv_storage><cascade><stageType>BOOST</stageType><featureType>HAAR</featureType>
            <height>24</height><width>24</width><featureParams><maxCatCount>0</maxCatCount></featureParams>
            <stages><_><stageThreshold>-1.5</stageThreshold><weakClassifiers>
              <_><internalNodes>0 -1 0 0.5</internalNodes><leafValues>-1. 1.</leafValues></_>
            </weakClassifiers></_></stages>
            <features><_><rects><_>0 0 24 12 -1.</_><_>0 12 24 12 1.</_></rects></_></features>
            </cascade></opencv_storage>""";

    @Test
    void theBundledFrontalFaceCascadeIsOpenCvsDefault() {
        HaarCascade cascade = HaarCascade.frontalFace();
        assertEquals(24, cascade.windowWidth());
        assertEquals(24, cascade.windowHeight());
        assertEquals(25, cascade.stageCount());
        assertTrue(cascade.featureCount() > 2000, "features: " + cascade.featureCount());
    }

    @Test
    void anotherCascadeFileWorks() throws IOException {
        HaarCascade eyes;
        try (InputStream in = HaarCascadeTest.class.getResourceAsStream("/colmena/vision/haarcascade_eye.xml")) {
            eyes = HaarCascade.read(in);
        }
        assertEquals(20, eyes.windowWidth());
        GrayImage astronaut = Fixtures.named("astronaut.png").gray();
        Box face = Fixtures.named("astronaut.png").boxes().get(0);
        List<Box> found = FaceDetector.detect(eyes, astronaut, DetectParams.defaults());
        long eyesInFace = found.stream().filter(e -> e.x() >= face.x() && e.y() >= face.y()
                && e.x() + e.width() <= face.x() + face.width() && e.y() + e.height() <= face.y() + face.height()).count();
        assertTrue(eyesInFace >= 1, "eyes inside the face box " + face + ": " + found);
    }

    @Test
    void aMinimalCascadeReadsFromAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("one-stage.xml");
        Files.writeString(file, MINIMAL);
        HaarCascade cascade = HaarCascade.read(file);
        assertEquals(1, cascade.stageCount());
        assertEquals(1, cascade.featureCount());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "garbage                | hello, not XML                                              | not well-formed XML",
        "another XML            | <html><body/></html>                                        | expected <opencv_storage>",
        "old format             | <opencv_storage><haarcascade_frontalface_alt type_id='opencv-haar-classifier'/></opencv_storage> | old format",
        "LBP                    | <opencv_storage><cascade><stageType>BOOST</stageType><featureType>LBP</featureType></cascade></opencv_storage> | only HAAR",
        "no stages              | <opencv_storage><cascade><stageType>BOOST</stageType><featureType>HAAR</featureType><height>24</height><width>24</width><featureParams/><features><_><rects><_>0 0 2 2 1.</_></rects></_></features></cascade></opencv_storage> | has no <stages>",
        "external entity        | <?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><opencv_storage>&e;</opencv_storage> | DOCTYPE",
    })
    void refusesWhatIsNotAHaarCascadeAndSaysWhy(String name, String content, String expected) {
        InvalidCascadeException e = assertThrows(InvalidCascadeException.class,
                () -> HaarCascade.read(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
        assertFalse(e.getMessage().contains("root:"), "no file content leaks into the message");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rectangle outside the window | 0 0 24 12 -1. | 0 0 25 12 -1. | not inside the 24×24 window",
        "a missing feature            | 0 -1 0 0.5    | 0 -1 7 0.5    | refers to feature 7 of 1",
        "a loop in a tree             | 0 -1 0 0.5</internalNodes><leafValues>-1. 1. | 1 -1 0 0.5 1 -2 0 0.5</internalNodes><leafValues>-1. 1. 2. | missing node or leaf",
        "a word for a number          | -1.5          | minus-one     | expected a number",
    })
    void refusesAnInconsistentCascadeAndSaysWhere(String name, String from, String to, String expected) {
        String broken = MINIMAL.replace(from, to);
        InvalidCascadeException e = assertThrows(InvalidCascadeException.class,
                () -> HaarCascade.read(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
    }
}
