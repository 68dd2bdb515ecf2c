package colmena.auth;

import colmena.auth.UserStore.Token;
import colmena.store.ConnectionPool;
import colmena.store.Database;
import colmena.store.DbTime;
import colmena.store.SqlDialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ApiTokens table for {@link UserStore}, which keeps the contracts: only a token's hash is
 * stored, never its secret.
 */
final class TokenRows {
    private final Database db;
    private final ConnectionPool pool;
    private final SqlDialect sql;

    TokenRows(Database db, ConnectionPool pool, SqlDialect sql) {
        this.db = db;
        this.pool = pool;
        this.sql = sql;
    }

    /** See {@link UserStore#addToken(String, String, Role, String, Instant)}. */
    long add(String name, String user, Role role, String tokenHash, Instant expiresAt) throws SQLException {
        return pool.use(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.insertToken(), java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, name);
                ps.setString(2, UserStore.canonical(user));
                ps.setString(3, role.label());
                ps.setString(4, tokenHash);
                DbTime.set(ps, 5, Instant.now());
                DbTime.set(ps, 6, expiresAt);
                ps.executeUpdate();
                long id;
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    id = keys.next() ? keys.getLong(1) : -1;
                }
                db.writeOut(c);
                return id;
            }
        });
    }

    /** See {@link UserStore#token(String)}. */
    Token live(String tokenHash) throws SQLException {
        return pool.use(c -> {
            Token t = null;
            try (PreparedStatement ps = c.prepareStatement(sql.liveToken())) {
                ps.setString(1, tokenHash);
                DbTime.set(ps, 2, Instant.now());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        t = read(rs);
                    }
                }
            }
            if (t != null) {
                try (PreparedStatement ps = c.prepareStatement(sql.tokenUsed())) {
                    DbTime.set(ps, 1, Instant.now());
                    ps.setLong(2, t.id());
                    ps.executeUpdate();
                }
            }
            return t;
        });
    }

    List<Token> all() throws SQLException {
        return pool.use(c -> {
            List<Token> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.tokens()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    boolean revoke(long id) throws SQLException {
        return pool.use(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.revokeToken())) {
                DbTime.set(ps, 1, Instant.now());
                ps.setLong(2, id);
                boolean revoked = ps.executeUpdate() > 0;
                db.writeOut(c);
                return revoked;
            }
        });
    }

    private static Token read(ResultSet rs) throws SQLException {
        return new Token(rs.getLong(1), rs.getString(2), rs.getString(3), Role.parse(rs.getString(4)),
                DbTime.get(rs, 5), DbTime.get(rs, 6), DbTime.get(rs, 7), DbTime.get(rs, 8));
    }
}
