package colmena.log;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlyphsTest {
    @Test
    void theSignsNeedAUnicodeConsoleAndWindowsOldCodePagesCannotShowThem() {
        assertTrue(Glyphs.canEncode(StandardCharsets.UTF_8, "✓✗→…"));
        assertFalse(Glyphs.canEncode(Charset.forName("IBM850"), "✓✗→…"), "cmd.exe's default code page in Western Europe");
        assertFalse(Glyphs.canEncode(Charset.forName("windows-1252"), "✓✗→"), "Windows' ANSI code page");
        assertFalse(Glyphs.canEncode(StandardCharsets.US_ASCII, "✓"));
    }

    @Test
    void theAsciiStandInsAreUsedWhenTheSignsCannotBeShown() {
        boolean unicode = Glyphs.canEncode(Glyphs.outputCharset(), "✓✗→…");
        assertTrue(unicode ? Glyphs.check().equals("✓") && Glyphs.arrow().equals("→")
                : Glyphs.check().equals("OK") && Glyphs.arrow().equals("->"), Glyphs.outputCharset().name());
    }
}
