package colmena.auth;

import colmena.store.ConnectionPool;
import colmena.store.Database;
import colmena.store.DbTime;
import colmena.store.SqlDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Users, ApiTokens and AuditLog, read and written on a pool's connections with the database's {@link SqlDialect}. */
public final class UserStore {
    public static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    public static final int MIN_PASSWORD = 8;

    private final Database db;
    private final ConnectionPool pool;
    private final SqlDialect sql;
    private final TokenRows tokens;

    /** On a small pool of its own (for a command that runs once). */
    public UserStore(Database db) {
        this(new ConnectionPool(db, 2));
    }

    /** On {@code pool}'s connections (the API's, shared with its handlers). */
    public UserStore(ConnectionPool pool) {
        this.pool = pool;
        this.db = pool.database();
        this.sql = db.dialect();
        this.tokens = new TokenRows(db, pool, sql);
    }

    /**
     * The one form a user name is compared and stored in: Unicode NFC, no surrounding spaces,
     * lower case; so {@code "Admin "} and {@code "admin"} are one user on H2 as on SQL Server.
     */
    public static String canonical(String name) {
        return name == null ? null
                : java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC).strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** What a login is checked against: the stored hash, the role, and the epoch a session must carry. */
    public record Account(String name, String passwordHash, Role role, int sessionEpoch) {
    }

    /** A user as the API shows one. */
    public record User(String name, Role role, Instant createdAt) {
    }

    /** A token as the API shows one (never the secret). */
    public record Token(long id, String name, String user, Role role, Instant createdAt, Instant revokedAt,
                        Instant lastUsedAt, Instant expiresAt) {
    }

    /** One audit row. */
    public record AuditEntry(long id, Instant at, String actor, String action, String target, String address,
                             String detail) {
    }

    // ---- users -------------------------------------------------------------------------------

    /** The stored hash and role of a user, or null. */
    public Map.Entry<String, Role> credentials(String name) throws SQLException {
        Account a = account(name);
        return a == null ? null : Map.entry(a.passwordHash(), a.role());
    }

    /**
     * A user's account, looked up by the {@link #canonical} form of {@code name}, or null. The
     * stored name is compared in lower case ({@code LOWER}), so a row whose name differs from the
     * canonical form in case only is still found.
     */
    public Account account(String name) throws SQLException {
        return pool.use(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.account())) {
                ps.setString(1, canonical(name));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Account(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getInt(4)) : null;
                }
            }
        });
    }

    /** Ends every session of a user (they carry the old epoch); false when there is no such user. */
    public boolean endSessions(String name) throws SQLException {
        return pool.use(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.endSessions())) {
                ps.setString(1, canonical(name));
                boolean found = ps.executeUpdate() > 0;
                db.writeOut(c);
                return found;
            }
        });
    }

    /**
     * The secret called {@code name}, made (random, 32 bytes) and stored the first time it is
     * asked for. Two processes asking at once get the same one.
     */
    public String secret(String name) throws SQLException {
        return pool.use(c -> {
            String found = readSecret(c, name);
            if (found != null) {
                return found;
            }
            try (PreparedStatement ps = c.prepareStatement(sql.insertSecret())) {
                ps.setString(1, name);
                ps.setString(2, Passwords.secret(32));
                ps.executeUpdate();
                db.writeOut(c);
            } catch (SQLException e) {
                // Another process stored one a moment ago: that one is the secret.
                if (readSecret(c, name) == null) {
                    throw e;
                }
            }
            return readSecret(c, name);
        });
    }

    private String readSecret(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.secret())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public boolean exists(String name) throws SQLException {
        return credentials(name) != null;
    }

    public List<User> users() throws SQLException {
        return pool.use(c -> {
            List<User> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.users()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new User(rs.getString(1), Role.parse(rs.getString(2)), DbTime.get(rs, 3)));
                }
            }
            return out;
        });
    }

    /**
     * Creates a user, or sets the password and role of one that exists; a user whose password or
     * role this changes loses every session. Returns whether it did.
     */
    public boolean put(String name, Role role, String password) throws SQLException {
        String user = canonical(name);
        Account before = account(user);
        boolean same = before != null && before.role() == role && Passwords.matches(password, before.passwordHash());
        String hash = Passwords.hash(password);
        pool.use(c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(sql.updateUser())) {
                ps.setString(1, role.label());
                ps.setString(2, hash);
                ps.setInt(3, same ? 0 : 1);
                ps.setString(4, user);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement(sql.insertUser())) {
                    ps.setString(1, user);
                    ps.setString(2, role.label());
                    ps.setString(3, hash);
                    DbTime.set(ps, 4, Instant.now());
                    ps.executeUpdate();
                }
            }
            db.writeOut(c);
            return null;
        });
        return before != null && !same;
    }

    public boolean delete(String name) throws SQLException {
        String user = canonical(name);
        return pool.use(c -> {
            boolean gone;
            try (PreparedStatement ps = c.prepareStatement(sql.deleteUser())) {
                ps.setString(1, user);
                gone = ps.executeUpdate() > 0;
            }
            try (PreparedStatement revoke = c.prepareStatement(sql.revokeTokensOf())) {
                DbTime.set(revoke, 1, Instant.now());
                revoke.setString(2, user);
                revoke.executeUpdate();
            }
            db.writeOut(c);
            return gone;
        });
    }

    public long adminCount() throws SQLException {
        return pool.use(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.adminCount()); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    // ---- tokens ------------------------------------------------------------------------------

    /** Stores a new token's hash; returns its id. */
    public long addToken(String name, String user, Role role, String tokenHash) throws SQLException {
        return addToken(name, user, role, tokenHash, null);
    }

    /** Stores a new token's hash, refused from {@code expiresAt} on (null: never); returns its id. */
    public long addToken(String name, String user, Role role, String tokenHash, Instant expiresAt) throws SQLException {
        return tokens.add(name, user, role, tokenHash, expiresAt);
    }

    /**
     * The live token with this hash, or null (unknown, revoked or expired); notes its use. The
     * token returned carries the use before this one in {@code lastUsedAt}.
     */
    public Token token(String tokenHash) throws SQLException {
        return tokens.live(tokenHash);
    }

    public List<Token> tokens() throws SQLException {
        return tokens.all();
    }

    public boolean revoke(long id) throws SQLException {
        return tokens.revoke(id);
    }

    // ---- audit -------------------------------------------------------------------------------

    public void audit(String actor, String action, String target, String address, String detail) throws SQLException {
        pool.use(c -> {
            audit(c, actor, action, target, address, detail);
            db.writeOut(c);
            return null;
        });
    }

    /** Adds an audit row on {@code c}, within the caller's transaction (committed and written out with it). */
    public static void audit(Connection c, String actor, String action, String target, String address, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).insertAudit())) {
            DbTime.set(ps, 1, Instant.now());
            ps.setString(2, cut(actor, 64));
            ps.setString(3, action);
            ps.setString(4, cut(target, 200));
            ps.setString(5, cut(address, 64));
            ps.setString(6, cut(detail, 400));
            ps.executeUpdate();
        }
    }

    public List<AuditEntry> audit(int limit) throws SQLException {
        return pool.use(c -> {
            List<AuditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.audit())) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getLong(1), DbTime.get(rs, 2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return out;
        });
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
