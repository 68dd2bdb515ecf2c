package colmena.install;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityTest {
    private static final Installation A = new Installation("aaaaaaaaaaaa", "aula-7", "");
    private static final Stamp STAMP_A = new Stamp("aaaaaaaaaaaa", "aula-7");
    private static final Stamp STAMP_B = new Stamp("bbbbbbbbbbbb", "aula-8");

    private static String problem(Installation db, Stamp stamp, String namespace) {
        return Identity.problem(db, stamp, namespace, "redis://127.0.0.1:6379", "jdbc:h2:file:./data/colmena");
    }

    @Test
    void aNewInstallationAnEmptiedRedisAndTheSameInstallationAreFine() {
        assertNull(problem(null, null, ""));
        assertNull(problem(A, null, ""), "an emptied Redis is stamped again, not refused");
        assertNull(problem(A, STAMP_A, ""));
    }

    @Test
    void anotherInstallationsRedisIsRefusedNamingBoth() {
        String p = problem(A, STAMP_B, "");
        assertTrue(p.contains("bbbbbbbbbbbb") && p.contains("aaaaaaaaaaaa") && p.contains("aula-8"), p);
    }

    @Test
    void aDatabaseWithoutAnInstallationAgainstAStampedRedisIsRefused() {
        String p = problem(null, STAMP_B, "");
        assertTrue(p.contains("bbbbbbbbbbbb") && p.contains("holds no installation"), p);
    }

    @Test
    void theWrongNamespaceIsRefusedSayingWhichToUse() {
        Installation inA = new Installation("aaaaaaaaaaaa", "aula-7", "class-a");
        String p = problem(inA, null, "class-b");
        assertTrue(p.contains("--namespace class-a") && p.contains("\"class-b\""), p);
        assertTrue(problem(A, null, "class-b").contains("no --namespace"));
    }

    @Test
    void aNameIsCheckedAndTheDefaultIsValid() {
        assertTrue(Installation.isValidName(Installation.defaultName()));
        assertTrue(Installation.isValidName("Aula 7 (mañana)"));
        for (String bad : new String[] {"", " x", "a\nb", "<script>", "x".repeat(65), "a;b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Installation.validName(bad));
            assertTrue(e.getMessage().startsWith("invalid installation name"), e.getMessage());
        }
    }
}
