package colmena.vision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A boosted cascade of Haar-feature classifiers, as OpenCV's {@code opencv_traincascade} writes
 * it: stages of weak trees (usually one-node "stumps"), each node testing one feature.
 *
 * <p>Immutable and shareable between threads. Arrays are package-private and must not be
 * changed; the layout mirrors OpenCV's {@code CascadeClassifierImpl::Data}:
 * <ul>
 *   <li>features may be upright or tilted by 45° (OpenCV's rotated integral image);</li>
 *   <li>stage {@code s} has {@code stageTreeCount[s]} trees and passes when the sum of its trees'
 *       leaf values is not below {@code stageThreshold[s]};</li>
 *   <li>tree {@code t} has {@code treeNodeCount[t]} nodes; node {@code n} compares feature
 *       {@code nodeFeature[n]} with {@code nodeThreshold[n]} and goes to {@code nodeLeft[n]} when
 *       below, else {@code nodeRight[n]}: a positive value is a node of the same tree, zero or
 *       less is leaf {@code -value} of the tree (leaves follow each tree's nodes, count + 1);</li>
 *   <li>feature {@code f} is up to three rectangles {@code featureRects[f*12 ..]} (x, y, w, h
 *       in the window) with weights {@code featureWeights[f*3 ..]} (unused ones weigh 0).</li>
 * </ul>
 */
public final class HaarCascade {

    /** Where the build puts OpenCV's default frontal face cascade, inside the jar. */
    static final String FRONTAL_FACE_RESOURCE = "haarcascade_frontalface_default.xml";

    private static volatile HaarCascade frontalFace;

    final int windowWidth;
    final int windowHeight;
    final float[] stageThreshold;
    final int[] stageTreeCount;
    final int[] treeNodeCount;
    final int[] nodeFeature;
    final float[] nodeThreshold;
    final int[] nodeLeft;
    final int[] nodeRight;
    final float[] leaves;
    final int[] featureRects;
    final float[] featureWeights;
    /** Per feature: rectangles turned 45° (corners as OpenCV's {@code CV_TILTED_OFS} reads them). */
    final boolean[] featureTilted;
    final boolean stumpsOnly;
    final boolean anyTilted;

    HaarCascade(int windowWidth, int windowHeight, float[] stageThreshold, int[] stageTreeCount,
                int[] treeNodeCount, int[] nodeFeature, float[] nodeThreshold, int[] nodeLeft,
                int[] nodeRight, float[] leaves, int[] featureRects, float[] featureWeights,
                boolean[] featureTilted) {
        this.windowWidth = windowWidth;
        this.windowHeight = windowHeight;
        this.stageThreshold = stageThreshold;
        this.stageTreeCount = stageTreeCount;
        this.treeNodeCount = treeNodeCount;
        this.nodeFeature = nodeFeature;
        this.nodeThreshold = nodeThreshold;
        this.nodeLeft = nodeLeft;
        this.nodeRight = nodeRight;
        this.leaves = leaves;
        this.featureRects = featureRects;
        this.featureWeights = featureWeights;
        this.featureTilted = featureTilted;
        boolean tilted = false;
        for (boolean t : featureTilted) {
            tilted |= t;
        }
        this.anyTilted = tilted;
        boolean stumps = true;
        for (int count : treeNodeCount) {
            stumps &= count == 1;
        }
        this.stumpsOnly = stumps;
    }

    /** OpenCV's {@code haarcascade_frontalface_default.xml}, bundled in the jar; loaded once. */
    public static HaarCascade frontalFace() {
        HaarCascade cascade = frontalFace;
        if (cascade == null) {
            try (InputStream in = HaarCascade.class.getResourceAsStream(FRONTAL_FACE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks colmena/vision/" + FRONTAL_FACE_RESOURCE
                            + "; the build unpacks it from OpenCV's Maven package");
                }
                cascade = read(in);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the bundled face cascade: " + e.getMessage(), e);
            }
            frontalFace = cascade;
        }
        return cascade;
    }

    /**
     * Reads a cascade in the XML format of OpenCV 2.4 and later ({@code <cascade>} with
     * {@code BOOST} stages of {@code HAAR} features).
     *
     * @throws InvalidCascadeException when the content is not such a cascade; the message says why
     * @throws IOException when the stream cannot be read
     */
    public static HaarCascade read(InputStream xml) throws IOException {
        return CascadeXmlReader.read(xml);
    }

    /** {@link #read(InputStream)} from a file. */
    public static HaarCascade read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Width of the detection window the cascade was trained on, in pixels. */
    public int windowWidth() {
        return windowWidth;
    }

    /** Height of the detection window the cascade was trained on, in pixels. */
    public int windowHeight() {
        return windowHeight;
    }

    /** How many stages a window must pass to be a detection. */
    public int stageCount() {
        return stageThreshold.length;
    }

    /** How many distinct features the stages refer to. */
    public int featureCount() {
        return featureWeights.length / 3;
    }
}
