package colmena.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Keeps TaskHistory from growing without end: finished rows (DONE, FAILED, CANCELLED) older than
 * {@link Policy#keepDays} days, or beyond the newest {@link Policy#keepRows} rows, are deleted, a
 * small batch per transaction, oldest first; optionally each batch is first appended to a CSV
 * file of the day in {@link Policy#exportDir}. Unfinished rows are never deleted (they are how
 * tasks are recovered). The coordinator that leads runs it on a thread of its own.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /**
     * @param keepDays  rows last changed this many days ago or earlier go; 0: no limit by age
     * @param keepRows  rows beyond the newest this many go; 0: no limit by count
     * @param batchRows rows deleted per transaction
     * @param exportDir where deleted rows are written first, one CSV file a day; null: not written
     */
    public record Policy(int keepDays, long keepRows, int batchRows, Path exportDir) {
        public boolean enabled() {
            return keepDays > 0 || keepRows > 0;
        }

        public String describe() {
            if (!enabled()) {
                return "history kept whole";
            }
            List<String> parts = new ArrayList<>();
            if (keepDays > 0) {
                parts.add(keepDays + " days");
            }
            if (keepRows > 0) {
                parts.add(String.format(java.util.Locale.ROOT, "%,d rows", keepRows));
            }
            return "history kept for " + String.join(" and at most ", parts)
                    + (exportDir == null ? "" : ", older rows exported to " + exportDir + " first");
        }
    }

    private final Policy policy;
    private final LongSupplier clock;
    /** The file rows were last exported to, for the log (null: none yet). */
    private volatile Path exportedTo;

    /** @param clock now, epoch milliseconds (the clock the rows' times were written with) */
    public Retention(Policy policy, LongSupplier clock) {
        this.policy = policy;
        this.clock = clock;
    }

    public Policy policy() {
        return policy;
    }

    /** Where one pass stops: rows with an ID up to {@code rowId}, or last changed before {@code time}. */
    public record Cutoff(long rowId, Instant time) {
    }

    /**
     * What a pass removes, read once per pass: null when nothing is old enough (most passes, read
     * from the ends of the table only).
     */
    public Cutoff cutoff(Connection c, SqlDialect sql) throws SQLException {
        Instant time = policy.keepDays() > 0
                ? Instant.ofEpochMilli(clock.getAsLong()).minus(java.time.Duration.ofDays(policy.keepDays())) : Instant.EPOCH;
        long rowId = 0;
        long minId;
        long maxId;
        try (PreparedStatement ps = c.prepareStatement(sql.rowIdRange()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            minId = rs.getLong(1);
            maxId = rs.getLong(2);
            if (rs.wasNull()) {
                return null; // empty
            }
        }
        // IDs are handed out in order, with gaps only: fewer IDs than keepRows means fewer rows.
        if (policy.keepRows() > 0 && maxId - minId + 1 > policy.keepRows()) {
            try (PreparedStatement ps = c.prepareStatement(sql.rowIdAtOffsetFromNewest())) {
                ps.setLong(1, policy.keepRows());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        rowId = rs.getLong(1);
                    }
                }
            }
        }
        if (rowId == 0 && policy.keepDays() > 0) {
            try (PreparedStatement ps = c.prepareStatement(sql.oldestRowTime()); ResultSet rs = ps.executeQuery()) {
                Instant oldest = rs.next() ? DbTime.get(rs, 1) : null;
                if (oldest == null || !oldest.isBefore(time)) {
                    return null;
                }
            }
        } else if (rowId == 0) {
            return null;
        }
        return new Cutoff(rowId, time);
    }

    /**
     * Deletes one batch of rows past {@code cutoff}, exporting it first when asked; the caller
     * commits. {@link UncheckedIOException} when the export fails: nothing is deleted then.
     *
     * @return rows deleted; fewer than a batch means the pass is done
     */
    public int deleteBatch(Connection c, SqlDialect sql, Cutoff cutoff) throws SQLException {
        List<TaskRecord> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.expiredRows())) {
            ps.setInt(1, policy.batchRows());
            ps.setLong(2, cutoff.rowId());
            DbTime.set(ps, 3, cutoff.time());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(TaskRows.read(rs));
                }
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        if (policy.exportDir() != null) {
            export(rows);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.deleteOutputs(rows.size()))) {
            for (int i = 0; i < rows.size(); i++) {
                ps.setString(i + 1, rows.get(i).id());
            }
            ps.executeUpdate();
        }
        // One row per statement of a batch: each one's count is known, and TaskCounts loses exactly those.
        CountChanges counts = new CountChanges();
        int deleted = 0;
        try (PreparedStatement ps = c.prepareStatement(sql.deleteTaskById())) {
            for (TaskRecord row : rows) {
                ps.setLong(1, row.rowId());
                ps.addBatch();
            }
            int[] changed = ps.executeBatch();
            for (int i = 0; i < changed.length; i++) {
                if (changed[i] == 1) {
                    TaskRecord row = rows.get(i);
                    counts.removed(row.node(), row.type(), row.status().name()); // read final, and a final row keeps its status
                    deleted++;
                }
            }
        }
        counts.write(c, sql);
        return deleted;
    }

    /** The CSV file rows deleted on {@code day} (UTC) are appended to. */
    public static Path exportFile(Path dir, LocalDate day) {
        return dir.resolve("taskhistory-" + day + ".csv");
    }

    /**
     * The file rows deleted on {@code day} go to: the day's file, or when an earlier version began
     * it with other columns (its first line is not this version's header), the next one that has
     * this version's columns or none yet: {@code taskhistory-<day>-2.csv}, {@code -3}…
     */
    static Path exportFileWithTheseColumns(Path dir, LocalDate day) throws IOException {
        String header = String.join(",", HistoryCsv.HEADER);
        Path file = exportFile(dir, day);
        for (int n = 2; Files.exists(file) && Files.size(file) > 0 && !header.equals(firstLine(file)); n++) {
            file = dir.resolve("taskhistory-" + day + "-" + n + ".csv");
        }
        return file;
    }

    /** The file's first line; bytes that are not UTF-8 (a file saved by a spreadsheet) read as U+FFFD. */
    private static String firstLine(Path file) throws IOException {
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            return r.readLine();
        }
    }

    /** Appends {@code rows} to the day's file and forces them to the disk before anything is deleted. */
    private void export(List<TaskRecord> rows) {
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(clock.getAsLong()), ZoneOffset.UTC);
        Path file = exportFile(policy.exportDir(), day);
        try {
            Files.createDirectories(policy.exportDir());
            file = exportFileWithTheseColumns(policy.exportDir(), day);
            exportedTo = file;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                boolean fresh = ch.size() == 0;
                Writer w = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8));
                if (fresh) {
                    HistoryCsv.writeHeader(w, ',');
                }
                for (TaskRecord r : rows) {
                    HistoryCsv.writeRow(w, r, ',', t -> t);
                }
                w.flush();
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + " (" + e.getMessage() + "); no rows were deleted", e);
        }
    }

    /**
     * One whole pass: batches until none is left or {@code keepGoing} says stop, each in its own
     * transaction on {@code session}, with {@code pauseMs} between them so the writes that matter
     * go first.
     *
     * @return rows deleted
     */
    public long pass(DbSession session, java.util.function.BooleanSupplier keepGoing, long pauseMs)
            throws SQLException, InterruptedException {
        Cutoff cutoff = session.inTransaction(c -> cutoff(c, SqlDialect.of(c)));
        if (cutoff == null) {
            return 0;
        }
        long deleted = 0;
        while (keepGoing.getAsBoolean()) {
            int n = session.inTransaction(c -> deleteBatch(c, SqlDialect.of(c), cutoff));
            deleted += n;
            if (n < policy.batchRows()) {
                break;
            }
            Thread.sleep(pauseMs);
        }
        if (deleted > 0) {
            LOG.info("Retention: deleted {} finished rows of TaskHistory ({}){}", deleted, policy.describe(),
                    exportedTo == null ? "" : "; they are in " + exportedTo);
        }
        return deleted;
    }
}
