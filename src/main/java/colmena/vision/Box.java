package colmena.vision;

/** An axis-aligned rectangle in whole-image pixels: top-left corner, width and height. */
public record Box(int x, int y, int width, int height) {
}
