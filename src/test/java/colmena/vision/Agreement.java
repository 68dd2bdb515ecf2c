package colmena.vision;

import java.util.List;

/** How many boxes of one list have a partner in the other at intersection over union ≥ 0.5. */
final class Agreement {

    private Agreement() {
    }

    static int matched(List<Box> wanted, List<Box> among) {
        int count = 0;
        for (Box w : wanted) {
            if (among.stream().anyMatch(a -> iou(w, a) >= 0.5)) {
                count++;
            }
        }
        return count;
    }

    static double iou(Box a, Box b) {
        int x0 = Math.max(a.x(), b.x()), y0 = Math.max(a.y(), b.y());
        int x1 = Math.min(a.x() + a.width(), b.x() + b.width());
        int y1 = Math.min(a.y() + a.height(), b.y() + b.height());
        double inter = Math.max(0, x1 - x0) * (double) Math.max(0, y1 - y0);
        double union = (double) a.width() * a.height() + (double) b.width() * b.height() - inter;
        return union > 0 ? inter / union : 0;
    }
}
