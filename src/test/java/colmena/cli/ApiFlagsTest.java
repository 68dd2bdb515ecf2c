package colmena.cli;

import colmena.config.Flags;
import colmena.config.UsageException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The api command's flags for facing the network: what they allow, and what they refuse naming the flag. */
class ApiFlagsTest {
    private static Flags flags(String... args) {
        return Flags.parse("api", ApiCommand.OPTIONS, args, Map.of());
    }

    @Test
    void hostNamesAreReadNormalisedAndBadOnesRefusedNamingTheFlag() {
        assertEquals(List.of("colmena.lab.example", "pc-7"),
                ApiCommand.webSecurity(flags("--host-name", "Colmena.Lab.example, pc-7")).hostNames());
        UsageException e = assertThrows(UsageException.class, () -> ApiCommand.webSecurity(flags("--host-name", "bad name")));
        assertEquals("--host-name: \"bad name\" is not a host name", e.getMessage());
    }

    @Test
    void noAuthAndPlainHttpAreRefusedOffLoopbackAndInsecureHttpIsAnExplicitChoice() {
        UsageException noAuth = assertThrows(UsageException.class,
                () -> ApiCommand.config(flags("--bind", "0.0.0.0", "--no-auth", "--tls")));
        assertTrue(noAuth.getMessage().contains("--no-auth listens only on a loopback address"), noAuth.getMessage());
        UsageException clear = assertThrows(UsageException.class, () -> ApiCommand.config(flags("--bind", "0.0.0.0")));
        assertTrue(clear.getMessage().contains("--tls") && clear.getMessage().contains("--insecure-http"), clear.getMessage());
        assertTrue(ApiCommand.config(flags("--bind", "0.0.0.0", "--insecure-http")).web().insecureHttp());
        assertTrue(ApiCommand.config(flags("--bind", "0.0.0.0", "--tls")).web().tls());
        assertFalse(ApiCommand.config(flags("--bind", "localhost", "--no-auth")).web().tls(), "loopback: fine as before");
    }
}
