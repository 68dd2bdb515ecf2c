package colmena.jobs;

import colmena.store.Database;
import colmena.store.DbTime;
import colmena.store.SqlDialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs in SQL: the tables {@code Jobs}, {@code JobPhotos} and {@code JobTasks} (see
 * {@code sql/schema.sql}). A job is written whole in one transaction once its photos are cut; its
 * tasks, recorded in TaskHistory one by one as they are queued, join it then.
 */
public final class JobStore {
    private final Database db;
    private final SqlDialect sql;

    public JobStore(Database db) {
        this.db = db;
        this.sql = db.dialect();
    }

    /** A job as stored. */
    public record Job(String id, String kind, String params, String createdBy, Instant createdAt, int photos,
                      int tasks) {
    }

    /** A photo of a job; {@code result} is set once every tile is done, {@code error} when it could not run. */
    public record Photo(int no, String fileName, String blobHash, int width, int height, String error, String result,
                        Instant finishedAt) {
    }

    /** A task of a job: the photo and the tile (pixels of the photo) it works on. */
    public record Tile(String taskId, int photoNo, int x, int y, int w, int h) {
    }

    /**
     * Records tasks as submitted in TaskHistory (PENDING, on no node) before they are queued, as
     * {@code POST /api/tasks} does: kept even if Redis loses its data before a coordinator takes
     * them.
     */
    public void recordSubmitted(List<colmena.task.TaskMessage> tasks) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                new colmena.store.TaskHistoryStore().recordSubmitted(c, tasks);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            db.writeOut(c);
        }
    }

    /** Writes a whole job in one transaction. */
    public void create(Job job, List<Photo> photos, List<Tile> tiles) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                insertJob(c, job);
                insertPhotos(c, job.id(), photos);
                insertTiles(c, job.id(), tiles);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            db.writeOut(c);
        }
    }

    private static void insertJob(Connection c, Job job) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).insertJob())) {
            ps.setString(1, job.id());
            ps.setString(2, job.kind());
            ps.setString(3, job.params());
            ps.setString(4, job.createdBy());
            DbTime.set(ps, 5, job.createdAt());
            ps.setInt(6, job.photos());
            ps.setInt(7, job.tasks());
            ps.executeUpdate();
        }
    }

    private static void insertPhotos(Connection c, String jobId, List<Photo> photos) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).insertPhoto())) {
            for (Photo p : photos) {
                ps.setString(1, jobId);
                ps.setInt(2, p.no());
                ps.setString(3, p.fileName());
                ps.setString(4, p.blobHash());
                ps.setInt(5, p.width());
                ps.setInt(6, p.height());
                ps.setString(7, p.error());
                ps.setString(8, p.result());
                DbTime.set(ps, 9, p.finishedAt());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertTiles(Connection c, String jobId, List<Tile> tiles) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SqlDialect.of(c).insertTile())) {
            for (Tile t : tiles) {
                ps.setString(1, jobId);
                ps.setString(2, t.taskId());
                ps.setInt(3, t.photoNo());
                ps.setInt(4, t.x());
                ps.setInt(5, t.y());
                ps.setInt(6, t.w());
                ps.setInt(7, t.h());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The job, or null when there is none with that id. */
    public Job job(String jobId) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.job())) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? job(rs) : null;
            }
        }
    }

    /** The newest jobs first, at most {@code limit}. */
    public List<Job> recent(int limit) throws SQLException {
        List<Job> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.recentJobs())) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(job(rs));
                }
            }
        }
        return out;
    }

    private static Job job(ResultSet rs) throws SQLException {
        return new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                DbTime.get(rs, 5), rs.getInt(6), rs.getInt(7));
    }

    public List<Photo> photos(String jobId) throws SQLException {
        List<Photo> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.photos())) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant done = DbTime.get(rs, 8);
                    out.add(new Photo(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7), done));
                }
            }
        }
        return out;
    }

    /** A tile's task as TaskHistory has it now: status null while the task is not placed yet. */
    public record TileState(Tile tile, String status, String node, String result, String error, int attempts,
                            Long durationMs, Instant finishedAt) {
    }

    /** Every task of the job with its TaskHistory row (whole results from TaskOutputs). */
    public List<TileState> tiles(String jobId) throws SQLException {
        List<TileState> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.tiles())) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Tile t = new Tile(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                            rs.getInt(6));
                    long ms = rs.getLong(12);
                    Long duration = rs.wasNull() ? null : ms;
                    Instant finished = DbTime.get(rs, 13);
                    out.add(new TileState(t, rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getInt(11), duration, finished));
                }
            }
        }
        return out;
    }

    /** Records a photo's merged result once; a second writer finds it already set and changes nothing. */
    /** The ids of every task of a job (its strips). */
    public List<String> taskIds(String jobId) throws SQLException {
        List<String> ids = new java.util.ArrayList<>();
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement(sql.jobTaskIds())) {
            ps.setString(1, jobId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    public void finishPhoto(String jobId, int photoNo, String result, String error) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql.finishPhoto())) {
            ps.setString(1, result);
            if (error == null) {
                ps.setNull(2, Types.NVARCHAR);
            } else {
                ps.setString(2, error.length() > 2000 ? error.substring(0, 1999) + "…" : error);
            }
            DbTime.set(ps, 3, Instant.now());
            ps.setString(4, jobId);
            ps.setInt(5, photoNo);
            ps.executeUpdate();
            db.writeOut(c);
        }
    }
}
