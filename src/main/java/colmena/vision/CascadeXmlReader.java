package colmena.vision;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import static colmena.vision.CascadeXmlNodes.child;
import static colmena.vision.CascadeXmlNodes.expectText;
import static colmena.vision.CascadeXmlNodes.firstChildElement;
import static colmena.vision.CascadeXmlNodes.intIn;
import static colmena.vision.CascadeXmlNodes.items;
import static colmena.vision.CascadeXmlNodes.numbers;
import static colmena.vision.CascadeXmlNodes.optionalChild;
import static colmena.vision.CascadeXmlNodes.parseDouble;
import static colmena.vision.CascadeXmlNodes.parseInt;
import static colmena.vision.CascadeXmlNodes.text;

/**
 * Reads OpenCV's cascade XML ({@code opencv_traincascade}'s format) into a {@link HaarCascade}.
 * The parser refuses DTDs and external entities: the file may come from a user.
 */
final class CascadeXmlReader {

    private static final int MAX_WINDOW = 1000;
    /** OpenCV lowers every stage threshold by this much when it reads a cascade. */
    private static final float THRESHOLD_EPS = 1e-5f;

    private final List<Float> stageThreshold = new ArrayList<>();
    private final List<Integer> stageTreeCount = new ArrayList<>();
    private final List<Integer> treeNodeCount = new ArrayList<>();
    private final List<int[]> nodes = new ArrayList<>();
    private final List<Float> nodeThreshold = new ArrayList<>();
    private final List<Float> leaves = new ArrayList<>();

    private CascadeXmlReader() {
    }

    static HaarCascade read(InputStream in) throws IOException {
        Element cascade = cascadeElement(parse(in));
        return new CascadeXmlReader().readCascade(cascade);
    }

    private static Document parse(InputStream in) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(in);
        } catch (SAXException e) {
            throw new InvalidCascadeException("not a cascade file: not well-formed XML (" + e.getMessage() + ")");
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a safety feature: " + e.getMessage(), e);
        }
    }

    private static Element cascadeElement(Document document) {
        Element root = document.getDocumentElement();
        if (!root.getTagName().equals("opencv_storage")) {
            throw new InvalidCascadeException("not a cascade file: expected <opencv_storage> at the top, found <"
                    + root.getTagName() + ">");
        }
        Element first = firstChildElement(root);
        if (first == null) {
            throw new InvalidCascadeException("not a cascade file: <opencv_storage> is empty");
        }
        if ("opencv-haar-classifier".equals(first.getAttribute("type_id"))) {
            throw new InvalidCascadeException("<" + first.getTagName() + "> is a cascade in OpenCV's old format "
                    + "(type_id=\"opencv-haar-classifier\"), which is not supported; use one in the format of "
                    + "opencv_traincascade (<cascade>), such as those in OpenCV 4's data/haarcascades");
        }
        return first;
    }

    private HaarCascade readCascade(Element cascade) {
        expectText(cascade, "stageType", "BOOST");
        String featureType = text(cascade, "featureType");
        if (!featureType.equals("HAAR")) {
            throw new InvalidCascadeException("<featureType> is " + featureType
                    + "; only HAAR cascades are supported (not LBP or HOG)");
        }
        int width = intIn(cascade, "width", 1, MAX_WINDOW);
        int height = intIn(cascade, "height", 1, MAX_WINDOW);
        Element featureParams = child(cascade, "featureParams");
        Element maxCat = optionalChild(featureParams, "maxCatCount");
        if (maxCat != null && parseInt(maxCat) != 0) {
            throw new InvalidCascadeException("<maxCatCount> is not 0: categorical features are not supported");
        }
        List<Element> featureElements = items(child(cascade, "features"));
        if (featureElements.isEmpty()) {
            throw new InvalidCascadeException("<features> is empty");
        }
        int[] rects = new int[featureElements.size() * 12];
        float[] weights = new float[featureElements.size() * 3];
        boolean[] tilted = new boolean[featureElements.size()];
        for (int f = 0; f < featureElements.size(); f++) {
            tilted[f] = readFeature(featureElements.get(f), f, width, height, rects, weights);
        }
        List<Element> stages = items(child(cascade, "stages"));
        if (stages.isEmpty()) {
            throw new InvalidCascadeException("<stages> is empty");
        }
        for (int s = 0; s < stages.size(); s++) {
            readStage(stages.get(s), s, featureElements.size());
        }
        return build(width, height, rects, weights, tilted);
    }

    private void readStage(Element stage, int index, int featureCount) {
        stageThreshold.add((float) parseDouble(child(stage, "stageThreshold")) - THRESHOLD_EPS);
        List<Element> trees = items(child(stage, "weakClassifiers"));
        if (trees.isEmpty()) {
            throw new InvalidCascadeException("stage " + index + " has no <weakClassifiers>");
        }
        stageTreeCount.add(trees.size());
        for (Element tree : trees) {
            readTree(tree, index, featureCount);
        }
    }

    private void readTree(Element tree, int stage, int featureCount) {
        double[] internal = numbers(child(tree, "internalNodes"));
        double[] leafValues = numbers(child(tree, "leafValues"));
        int count = internal.length / 4;
        if (count == 0 || internal.length % 4 != 0 || leafValues.length != count + 1) {
            throw new InvalidCascadeException("stage " + stage + ": a tree needs 4 numbers per node in "
                    + "<internalNodes> (left right feature threshold) and one more <leafValues> than nodes; found "
                    + internal.length + " and " + leafValues.length);
        }
        for (int n = 0; n < count; n++) {
            int left = (int) internal[n * 4];
            int right = (int) internal[n * 4 + 1];
            int feature = (int) internal[n * 4 + 2];
            if (feature < 0 || feature >= featureCount || !validBranch(left, n, count) || !validBranch(right, n, count)) {
                throw new InvalidCascadeException("stage " + stage + ": a tree node refers to feature " + feature
                        + " of " + featureCount + " or to a missing node or leaf (" + left + ", " + right + ")");
            }
            nodes.add(new int[] {feature, left, right});
            nodeThreshold.add((float) internal[n * 4 + 3]);
        }
        treeNodeCount.add(count);
        for (double leaf : leafValues) {
            leaves.add((float) leaf);
        }
    }

    /** A branch is a later node of the same tree (so every walk ends) or a leaf (0..-count). */
    private static boolean validBranch(int branch, int node, int count) {
        return branch > 0 ? branch > node && branch < count : branch >= -count;
    }

    /** Reads feature {@code index} into the arrays; returns whether it is tilted. */
    private static boolean readFeature(Element feature, int index, int width, int height, int[] rects,
                                       float[] weights) {
        Element tiltedElement = optionalChild(feature, "tilted");
        boolean tilted = tiltedElement != null && parseInt(tiltedElement) != 0;
        List<Element> rectElements = items(child(feature, "rects"));
        if (rectElements.isEmpty() || rectElements.size() > 3) {
            throw new InvalidCascadeException("feature " + index + " has " + rectElements.size()
                    + " rectangles; expected 1 to 3");
        }
        for (int r = 0; r < rectElements.size(); r++) {
            double[] v = numbers(rectElements.get(r));
            if (v.length != 5) {
                throw new InvalidCascadeException("feature " + index + ": a rectangle needs 5 numbers "
                        + "(x y width height weight); found " + v.length);
            }
            int x = (int) v[0], y = (int) v[1], w = (int) v[2], h = (int) v[3];
            if (!(tilted ? tiltedInside(x, y, w, h, width, height) : uprightInside(x, y, w, h, width, height))) {
                throw new InvalidCascadeException("feature " + index + ": " + (tilted ? "tilted " : "") + "rectangle "
                        + x + "," + y + " " + w + "×" + h + " is not inside the " + width + "×" + height + " window");
            }
            System.arraycopy(new int[] {x, y, w, h}, 0, rects, index * 12 + r * 4, 4);
            weights[index * 3 + r] = (float) v[4];
        }
        return tilted;
    }

    private static boolean uprightInside(int x, int y, int w, int h, int width, int height) {
        return x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height;
    }

    /** A tilted rectangle's corners are (x, y), (x − h, y + h), (x + w, y + w), (x + w − h, y + w + h). */
    private static boolean tiltedInside(int x, int y, int w, int h, int width, int height) {
        return y >= 0 && w > 0 && h > 0 && x - h >= 0 && x + w <= width && y + w + h <= height;
    }

    private HaarCascade build(int width, int height, int[] rects, float[] weights, boolean[] tilted) {
        int n = nodes.size();
        int[] feature = new int[n], left = new int[n], right = new int[n];
        float[] thresholds = new float[n];
        for (int i = 0; i < n; i++) {
            feature[i] = nodes.get(i)[0];
            left[i] = nodes.get(i)[1];
            right[i] = nodes.get(i)[2];
            thresholds[i] = nodeThreshold.get(i);
        }
        return new HaarCascade(width, height, toFloats(stageThreshold), toInts(stageTreeCount),
                toInts(treeNodeCount), feature, thresholds, left, right, toFloats(leaves), rects, weights, tilted);
    }

    private static float[] toFloats(List<Float> list) {
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static int[] toInts(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
