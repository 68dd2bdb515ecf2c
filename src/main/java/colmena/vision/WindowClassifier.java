package colmena.vision;

/**
 * Runs a {@link HaarCascade} on one window of integral images, computing exactly what OpenCV's
 * {@code HaarEvaluator::setWindow} and {@code predictOrderedStump}/{@code predictOrdered} compute,
 * in the same float and double steps. Holds the feature offsets for one integral-image row
 * stride ({@link #setStride}); not thread-safe, one per thread.
 */
final class WindowClassifier {

    /** {@link #classify} result: the window has too little contrast to be evaluated. */
    static final int FLAT = -1;
    /** {@link #classify} result: the window passed every stage. */
    static final int ACCEPTED = 1;

    private final HaarCascade cascade;
    private final double normArea;
    private final int[] normCorner = new int[4];
    /** Per node: 3 rectangles × 4 corner offsets into the integral image. */
    private final int[] nodeOffsets;
    private final float[] nodeWeights;
    private final boolean[] nodeTilted;
    private final int[] treeFirstNode;
    private final int[] treeFirstLeaf;
    private int stride = -1;
    /** Ints per node in {@link #packed}. */
    private static final int PACKED = 18;
    private final int[] packed;

    WindowClassifier(HaarCascade cascade) {
        this.cascade = cascade;
        this.normArea = (double) (cascade.windowWidth - 2) * (cascade.windowHeight - 2);
        int nodes = cascade.nodeFeature.length;
        this.nodeOffsets = new int[nodes * 12];
        this.nodeWeights = new float[nodes * 3];
        this.nodeTilted = new boolean[nodes];
        for (int n = 0; n < nodes; n++) {
            System.arraycopy(cascade.featureWeights, cascade.nodeFeature[n] * 3, nodeWeights, n * 3, 3);
            nodeTilted[n] = cascade.featureTilted[cascade.nodeFeature[n]];
        }
        this.packed = new int[nodes * PACKED];
        int trees = cascade.treeNodeCount.length;
        this.treeFirstNode = new int[trees];
        this.treeFirstLeaf = new int[trees];
        for (int t = 1; t < trees; t++) {
            treeFirstNode[t] = treeFirstNode[t - 1] + cascade.treeNodeCount[t - 1];
            treeFirstLeaf[t] = treeFirstLeaf[t - 1] + cascade.treeNodeCount[t - 1] + 1;
        }
    }

    /** Prepares the corner offsets for integral images whose rows are {@code stride} ints apart. */
    void setStride(int stride) {
        if (stride == this.stride) {
            return;
        }
        this.stride = stride;
        corners(1, 1, cascade.windowWidth - 2, cascade.windowHeight - 2, normCorner, 0);
        int[] rects = cascade.featureRects;
        for (int n = 0; n < cascade.nodeFeature.length; n++) {
            int f = cascade.nodeFeature[n];
            for (int r = 0; r < 3; r++) {
                int at = f * 12 + r * 4;
                if (nodeTilted[n]) {
                    tiltedCorners(rects[at], rects[at + 1], rects[at + 2], rects[at + 3], nodeOffsets, n * 12 + r * 4);
                } else {
                    corners(rects[at], rects[at + 1], rects[at + 2], rects[at + 3], nodeOffsets, n * 12 + r * 4);
                }
            }
        }
        if (cascade.stumpsOnly) {
            pack();
        }
    }

    private void pack() {
        for (int n = 0; n < nodeTilted.length; n++) {
            int at = n * PACKED;
            System.arraycopy(nodeOffsets, n * 12, packed, at, 12);
            for (int r = 0; r < 3; r++) {
                packed[at + 12 + r] = Float.floatToRawIntBits(nodeWeights[n * 3 + r]);
            }
            packed[at + 15] = Float.floatToRawIntBits(cascade.nodeThreshold[n]);
            packed[at + 16] = Float.floatToRawIntBits(cascade.leaves[n * 2]);
            packed[at + 17] = Float.floatToRawIntBits(cascade.leaves[n * 2 + 1]);
        }
    }

    /** OpenCV's {@code CV_TILTED_OFS}: a rectangle turned 45° in the rotated integral image. */
    private void tiltedCorners(int x, int y, int w, int h, int[] out, int at) {
        out[at] = y * stride + x;
        out[at + 1] = (y + h) * stride + x - h;
        out[at + 2] = (y + w) * stride + x + w;
        out[at + 3] = (y + w + h) * stride + x + w - h;
    }

    private void corners(int x, int y, int w, int h, int[] out, int at) {
        out[at] = y * stride + x;
        out[at + 1] = y * stride + x + w;
        out[at + 2] = (y + h) * stride + x;
        out[at + 3] = (y + h) * stride + x + w;
    }

    /**
     * Classifies the window whose top-left corner is {@code p} in the integral images.
     *
     * @param tilted the rotated integral image, read only when the cascade has tilted features
     * @return {@link #ACCEPTED}, {@link #FLAT}, or minus the index of the stage that rejected the
     *     window (so 0 when the first stage did, which OpenCV uses to skip the next position)
     */
    int classify(int[] sum, int[] squares, int[] tilted, int p) {
        int[] nc = normCorner;
        int valueSum = sum[p + nc[0]] - sum[p + nc[1]] - sum[p + nc[2]] + sum[p + nc[3]];
        long squareSum = (squares[p + nc[0]] - squares[p + nc[1]] - squares[p + nc[2]] + squares[p + nc[3]])
                & 0xffffffffL;
        double nf = normArea * squareSum - (double) valueSum * valueSum;
        if (!(nf > 0)) {
            return FLAT;
        }
        float norm = (float) (1.0 / Math.sqrt(nf));
        if (!(normArea * norm < 0.1)) {
            return FLAT;
        }
        if (cascade.anyTilted) {
            return cascade.stumpsOnly ? general(sum, tilted, p, norm, true) : general(sum, tilted, p, norm, false);
        }
        return cascade.stumpsOnly ? stumps(sum, p, norm) : general(sum, sum, p, norm, false);
    }

    /**
     * Stump cascades, the common case, from {@link #packed}: per node its 12 corner offsets,
     * then the raw bits of its 3 weights, its threshold and its two leaf values.
     */
    private int stumps(int[] sum, int p, float norm) {
        int[] node = packed;
        int[] treeCount = cascade.stageTreeCount;
        float[] stageThreshold = cascade.stageThreshold;
        int at = 0;
        for (int stage = 0; stage < treeCount.length; stage++) {
            double total = 0;
            for (int end = at + treeCount[stage] * PACKED; at < end; at += PACKED) {
                float value = Float.intBitsToFloat(node[at + 12])
                        * (float) (sum[p + node[at]] - sum[p + node[at + 1]] - sum[p + node[at + 2]] + sum[p + node[at + 3]])
                        + Float.intBitsToFloat(node[at + 13])
                        * (float) (sum[p + node[at + 4]] - sum[p + node[at + 5]] - sum[p + node[at + 6]]
                        + sum[p + node[at + 7]]);
                float w2 = Float.intBitsToFloat(node[at + 14]);
                if (w2 != 0.0f) {
                    value += w2 * (float) (sum[p + node[at + 8]] - sum[p + node[at + 9]] - sum[p + node[at + 10]]
                            + sum[p + node[at + 11]]);
                }
                value *= norm;
                total += value < Float.intBitsToFloat(node[at + 15]) ? Float.intBitsToFloat(node[at + 16])
                        : Float.intBitsToFloat(node[at + 17]);
            }
            if (total < stageThreshold[stage]) {
                return -stage;
            }
        }
        return ACCEPTED;
    }

    /**
     * Any cascade: trees as {@code predictOrdered} walks them, or, when {@code asStumps}, each
     * one-node tree read as {@code predictOrderedStump} does (below the threshold: first leaf).
     */
    private int general(int[] sum, int[] tilted, int p, float norm, boolean asStumps) {
        int tree = 0;
        for (int stage = 0; stage < cascade.stageTreeCount.length; stage++) {
            double total = 0;
            for (int end = tree + cascade.stageTreeCount[stage]; tree < end; tree++) {
                int root = treeFirstNode[tree];
                int idx = 0;
                do {
                    int node = root + idx;
                    int[] source = nodeTilted[node] ? tilted : sum;
                    float value = feature(source, p, nodeOffsets, nodeWeights, node) * norm;
                    if (asStumps) {
                        idx = value < cascade.nodeThreshold[node] ? 0 : -1;
                    } else {
                        idx = value < cascade.nodeThreshold[node] ? cascade.nodeLeft[node] : cascade.nodeRight[node];
                    }
                } while (idx > 0);
                total += cascade.leaves[treeFirstLeaf[tree] - idx];
            }
            if (total < cascade.stageThreshold[stage]) {
                return -stage;
            }
        }
        return ACCEPTED;
    }

    /** The weighted rectangle sums of one node's feature, in OpenCV's float order. */
    private static float feature(int[] sum, int p, int[] ofs, float[] w, int node) {
        int o = node * 12;
        int wi = node * 3;
        float value = w[wi] * (float) (sum[p + ofs[o]] - sum[p + ofs[o + 1]] - sum[p + ofs[o + 2]] + sum[p + ofs[o + 3]])
                + w[wi + 1] * (float) (sum[p + ofs[o + 4]] - sum[p + ofs[o + 5]] - sum[p + ofs[o + 6]]
                + sum[p + ofs[o + 7]]);
        if (w[wi + 2] != 0.0f) {
            value += w[wi + 2] * (float) (sum[p + ofs[o + 8]] - sum[p + ofs[o + 9]] - sum[p + ofs[o + 10]]
                    + sum[p + ofs[o + 11]]);
        }
        return value;
    }
}
