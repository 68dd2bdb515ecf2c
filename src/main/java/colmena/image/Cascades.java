package colmena.image;

import colmena.task.BlobSource;
import colmena.vision.HaarCascade;
import colmena.vision.InvalidCascadeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cascades an agent has read, by reference: {@code "default"} (OpenCV's frontal-face cascade,
 * inside the jar) or a cascade file's blob hash. A few are kept, so the tiles of one job read
 * their cascade file once per agent.
 */
public final class Cascades {
    public static final String DEFAULT = "default";
    private static final int KEPT = 8;
    private static final Map<String, HaarCascade> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HaarCascade> eldest) {
            return size() > KEPT;
        }
    };

    private Cascades() {
    }

    /**
     * @throws InvalidCascadeException when the blob is not an OpenCV Haar cascade
     * @throws BlobSource.BlobMissingException when the cascade's blob is gone
     */
    public static HaarCascade get(String ref, BlobSource blobs) throws BlobSource.BlobMissingException {
        synchronized (CACHE) {
            HaarCascade known = CACHE.get(ref);
            if (known != null) {
                return known;
            }
        }
        if (DEFAULT.equals(ref)) {
            return frontalFace();
        }
        HaarCascade cascade = parse(blobs.get(ref));
        synchronized (CACHE) {
            CACHE.put(ref, cascade);
        }
        return cascade;
    }

    /** OpenCV's frontal-face cascade, inside the jar. */
    public static HaarCascade frontalFace() {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(DEFAULT, k -> HaarCascade.frontalFace());
        }
    }

    /**
     * @throws InvalidCascadeException naming what is wrong with the file
     */
    public static HaarCascade parse(byte[] xml) {
        try {
            return HaarCascade.read(new ByteArrayInputStream(xml));
        } catch (IOException e) {
            throw new InvalidCascadeException("cannot read the cascade file: " + e.getMessage());
        }
    }
}
