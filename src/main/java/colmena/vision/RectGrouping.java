package colmena.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** OpenCV's {@code groupRectangles} with its {@code partition} step. */
final class RectGrouping {

    private RectGrouping() {
    }

    /**
     * Groups similar boxes as {@code cv::groupRectangles(boxes, threshold, eps)}: classes of
     * boxes linked by {@link #similar}, each class of more than {@code threshold} boxes averaged,
     * and averaged boxes dropped when they lie inside a bigger class's box that has more than
     * {@code max(3, own count)} members (or any, when the own count is under 3).
     */
    static List<Box> group(List<Box> boxes, int threshold, double eps) {
        if (threshold <= 0 || boxes.isEmpty()) {
            return new ArrayList<>(boxes);
        }
        int[] labels = new int[boxes.size()];
        int classes = partition(boxes, eps, labels);
        long[] sums = new long[classes * 4];
        int[] counts = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            Box b = boxes.get(i);
            int c = labels[i];
            sums[c * 4] += b.x();
            sums[c * 4 + 1] += b.y();
            sums[c * 4 + 2] += b.width();
            sums[c * 4 + 3] += b.height();
            counts[c]++;
        }
        Box[] averages = new Box[classes];
        for (int c = 0; c < classes; c++) {
            float s = 1.f / counts[c];
            averages[c] = new Box(round((int) sums[c * 4] * s), round((int) sums[c * 4 + 1] * s),
                    round((int) sums[c * 4 + 2] * s), round((int) sums[c * 4 + 3] * s));
        }
        List<Box> out = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            if (counts[i] > threshold && !insideStronger(i, averages, counts, threshold, eps)) {
                out.add(averages[i]);
            }
        }
        return out;
    }

    private static boolean insideStronger(int i, Box[] averages, int[] counts, int threshold, double eps) {
        Box r1 = averages[i];
        int n1 = counts[i];
        for (int j = 0; j < averages.length; j++) {
            int n2 = counts[j];
            if (j == i || n2 <= threshold) {
                continue;
            }
            Box r2 = averages[j];
            int dx = (int) Math.rint(r2.width() * eps);
            int dy = (int) Math.rint(r2.height() * eps);
            if (r1.x() >= r2.x() - dx && r1.y() >= r2.y() - dy
                    && r1.x() + r1.width() <= r2.x() + r2.width() + dx
                    && r1.y() + r1.height() <= r2.y() + r2.height() + dy
                    && (n2 > Math.max(3, n1) || n1 < 3)) {
                return true;
            }
        }
        return false;
    }

    /** OpenCV's {@code SimilarRects}: every edge within eps × the mean of the smaller sides. */
    static boolean similar(Box a, Box b, double eps) {
        double delta = eps * (Math.min(a.width(), b.width()) + Math.min(a.height(), b.height())) * 0.5;
        return Math.abs(a.x() - b.x()) <= delta && Math.abs(a.y() - b.y()) <= delta
                && Math.abs(a.x() + a.width() - b.x() - b.width()) <= delta
                && Math.abs(a.y() + a.height() - b.y() - b.height()) <= delta;
    }

    /**
     * Labels the connected classes of the similarity relation, numbered in order of their first
     * member, as {@code cv::partition} does; returns how many classes there are.
     */
    static int partition(List<Box> boxes, double eps, int[] labels) {
        int n = boxes.size();
        int[] parent = new int[n];
        Arrays.fill(parent, -1);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (similar(boxes.get(i), boxes.get(j), eps)) {
                    int ri = root(parent, i), rj = root(parent, j);
                    if (ri != rj) {
                        parent[Math.max(ri, rj)] = Math.min(ri, rj);
                    }
                }
            }
        }
        int classes = 0;
        int[] classOfRoot = new int[n];
        Arrays.fill(classOfRoot, -1);
        for (int i = 0; i < n; i++) {
            int r = root(parent, i);
            if (classOfRoot[r] < 0) {
                classOfRoot[r] = classes++;
            }
            labels[i] = classOfRoot[r];
        }
        return classes;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] >= 0) {
            if (parent[parent[i]] >= 0) {
                parent[i] = parent[parent[i]];
            }
            i = parent[i];
        }
        return i;
    }

    /** OpenCV's {@code saturate_cast<int>(float)}: round half to even. */
    private static int round(float v) {
        return (int) Math.rint(v);
    }
}
