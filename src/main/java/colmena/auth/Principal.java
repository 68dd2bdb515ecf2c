package colmena.auth;

/**
 * Who is calling, and how they proved it.
 *
 * @param via  {@code session} (the dashboard's cookie), {@code token}, {@code basic}, or {@code open} (--no-auth)
 * @param csrf the session's anti-forgery token; null unless via a session
 */
public record Principal(String user, Role role, String via, String csrf) {
    public boolean bySession() {
        return "session".equals(via);
    }
}
