package colmena.coordinator;

import colmena.broker.Redis;
import colmena.log.Outage;
import colmena.store.Database;
import colmena.store.DbErrors;
import org.slf4j.Logger;
import redis.clients.jedis.exceptions.JedisException;

import java.sql.SQLException;

/**
 * How the coordinator's loops report what Redis and the database did: a failure is published for
 * health and logged once in words (then backed off), and the recovery is logged once.
 */
final class Outages {
    private final Outage redisOutage;
    private final RedisPresence presence;
    private final Outage dbOutage;
    private final DbWrites dbWrites;

    Outages(Logger log, Redis redis, Database database, DbWrites dbWrites) {
        this.redisOutage = new Outage(log, "Redis at " + redis.url());
        this.presence = new RedisPresence(redis);
        this.dbOutage = new Outage(log, "Database " + database.describe(), DbErrors::describe);
        this.dbWrites = dbWrites;
    }

    /** Redis answered: logged once if it had not. */
    void redisAnswered() {
        redisOutage.ok();
    }

    /** Notes that Redis did not answer (so missing stats keys are not taken as dead nodes for a while), and backs off. */
    void redisFailed(RuntimeException e) {
        presence.failed();
        redisOutage.failed(e);
    }

    /** Whether Redis has answered steadily of late ({@link RedisPresence#steady}). */
    boolean redisSteady() {
        return presence.steady();
    }

    /** A write to the database worked: logged once if it had been failing. */
    void dbWritten() {
        dbWrites.committed();
        dbOutage.ok();
    }

    /** A database step failed: published for health, logged once in words, and backed off. */
    void dbFailed(SQLException e) {
        dbWrites.failed(e);
        dbOutage.failed(e);
    }

    /** Whether the database's writes are failing now. */
    boolean dbFailing() {
        return dbWrites.failing();
    }

    static boolean isRedisFailure(Throwable e) {
        return e instanceof JedisException;
    }
}
