package colmena.vision;
// PLACEHOLDER until the detector branch merges
public final class HaarCascade {
    public static HaarCascade frontalFace() { throw new UnsupportedOperationException(); }
    public static HaarCascade read(java.io.InputStream in) throws java.io.IOException { throw new UnsupportedOperationException(); }
    public int windowWidth() { return 24; }
    public int windowHeight() { return 24; }
}
