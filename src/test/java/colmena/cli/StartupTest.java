package colmena.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which Redis answers end the start wait at once (a login problem), and what each one says to do. */
class StartupTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "NOAUTH Authentication required.|give its password",
            "WRONGPASS invalid username-password pair or user is disabled.|check the password",
            "ERR invalid password|check the password",
            "ERR Client sent AUTH, but no password is set|has no password",
            "ERR AUTH <password> called without any password configured for the default user.|has no password",
            "ERR wrong number of arguments for 'auth' command|needs Redis 6.0 or newer"})
    void aLoginProblemIsNamedWithWhatToDo(String reason, String advice) {
        String said = Startup.authProblem(reason);
        assertNotNull(said, reason);
        assertTrue(said.contains(advice), said);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection refused", "Failed to connect to 127.0.0.1:6379.",
            "LOADING Redis is loading the dataset in memory", "Read timed out"})
    void anythingElseIsWaitedOut(String reason) {
        assertNull(Startup.authProblem(reason), reason);
    }
}
