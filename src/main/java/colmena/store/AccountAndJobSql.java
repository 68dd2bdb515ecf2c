package colmena.store;

/**
 * The statements of the tables beside TaskHistory: Users, ApiTokens, ApiSecrets and AuditLog;
 * Jobs and their photos and tiles; the Installation record. Part of {@link SqlDialect}, whose
 * contract holds here: values always go in as parameters, never into the text.
 */
public abstract class AccountAndJobSql extends TaskHistorySql {
    AccountAndJobSql() {
    }

    // ---- Users, ApiTokens, ApiSecrets, AuditLog ------------------------------------------------

    public static final String TOKEN_COLUMNS = "ID, Name, UserName, Role, CreatedAt, RevokedAt, LastUsedAt, ExpiresAt";

    public String account() {
        return "SELECT UserName, PasswordHash, Role, SessionEpoch FROM Users WHERE LOWER(UserName) = ? ORDER BY UserName";
    }

    public String endSessions() {
        return "UPDATE Users SET SessionEpoch = SessionEpoch + 1 WHERE LOWER(UserName) = ?";
    }

    public String insertSecret() {
        return "INSERT INTO ApiSecrets (Name, Secret) VALUES (?, ?)";
    }

    public String secret() {
        return "SELECT Secret FROM ApiSecrets WHERE Name = " + key(64);
    }

    public String users() {
        return "SELECT UserName, Role, CreatedAt FROM Users ORDER BY UserName";
    }

    public String updateUser() {
        return "UPDATE Users SET Role = ?, PasswordHash = ?, SessionEpoch = SessionEpoch + ? WHERE LOWER(UserName) = ?";
    }

    public String insertUser() {
        return "INSERT INTO Users (UserName, Role, PasswordHash, CreatedAt) VALUES (?, ?, ?, ?)";
    }

    public String deleteUser() {
        return "DELETE FROM Users WHERE LOWER(UserName) = ?";
    }

    public String revokeTokensOf() {
        return "UPDATE ApiTokens SET RevokedAt = ? WHERE LOWER(UserName) = ? AND RevokedAt IS NULL";
    }

    public String adminCount() {
        return "SELECT " + countRows() + " FROM Users WHERE Role = 'admin'";
    }

    public String insertToken() {
        return "INSERT INTO ApiTokens (Name, UserName, Role, TokenHash, CreatedAt, ExpiresAt) VALUES (?, ?, ?, ?, ?, ?)";
    }

    public String liveToken() {
        return "SELECT " + TOKEN_COLUMNS + " FROM ApiTokens "
                + "WHERE TokenHash = " + key(64) + " AND RevokedAt IS NULL AND (ExpiresAt IS NULL OR ExpiresAt > ?)";
    }

    public String tokenUsed() {
        return "UPDATE ApiTokens SET LastUsedAt = ? WHERE ID = ?";
    }

    public String tokens() {
        return "SELECT " + TOKEN_COLUMNS + " FROM ApiTokens ORDER BY ID DESC";
    }

    public String revokeToken() {
        return "UPDATE ApiTokens SET RevokedAt = ? WHERE ID = ? AND RevokedAt IS NULL";
    }

    public String insertAudit() {
        return "INSERT INTO AuditLog (OccurredAt, Actor, Action, Target, Address, Detail) VALUES (?, ?, ?, ?, ?, ?)";
    }

    public String audit() {
        return "SELECT ID, OccurredAt, Actor, Action, Target, Address, Detail FROM AuditLog "
                + "ORDER BY ID DESC OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY";
    }

    // ---- Jobs ----------------------------------------------------------------------------------

    public String insertJob() {
        return "INSERT INTO Jobs (JobId, Kind, Params, CreatedBy, CreatedAt, Photos, Tasks) VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    public String insertPhoto() {
        return "INSERT INTO JobPhotos (JobId, PhotoNo, FileName, BlobHash, "
                + "Width, Height, Error, Result, FinishedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    public String insertTile() {
        return "INSERT INTO JobTasks (JobId, TaskId, PhotoNo, TileX, TileY, TileW, TileH) VALUES (?, ?, ?, ?, ?, ?, ?)";
    }

    public String job() {
        return "SELECT JobId, Kind, Params, CreatedBy, CreatedAt, Photos, Tasks FROM Jobs WHERE JobId = " + key(64);
    }

    public String recentJobs() {
        return "SELECT TOP (?) JobId, Kind, Params, CreatedBy, CreatedAt, Photos, Tasks FROM Jobs "
                + "ORDER BY CreatedAt DESC, JobId DESC";
    }

    public String photos() {
        return "SELECT PhotoNo, FileName, BlobHash, Width, Height, Error, Result, FinishedAt FROM JobPhotos "
                + "WHERE JobId = " + key(64) + " ORDER BY PhotoNo";
    }

    public String tiles() {
        return "SELECT j.TaskId, j.PhotoNo, j.TileX, j.TileY, j.TileW, j.TileH, t.Status, t.NodeID, "
                + "COALESCE(o.Output, t.Result), t.Error, t.Attempts, t.DurationMs, t.FinishedAt FROM JobTasks j "
                + "LEFT JOIN TaskHistory t ON t.TaskId = j.TaskId LEFT JOIN TaskOutputs o ON o.TaskId = j.TaskId "
                + "WHERE j.JobId = " + key(64) + " ORDER BY j.PhotoNo, j.TileY, j.TileX";
    }

    public String jobTaskIds() {
        return "SELECT TaskId FROM JobTasks WHERE JobId = " + key(64);
    }

    public String finishPhoto() {
        return "UPDATE JobPhotos SET Result = ?, Error = ?, FinishedAt = ? WHERE JobId = " + key(64) + " AND PhotoNo = ? AND FinishedAt IS NULL";
    }

    // ---- Installation --------------------------------------------------------------------------

    public String installation() {
        return "SELECT InstallationId, Name, Namespace FROM Installation WHERE Slot = 1";
    }

    public String insertInstallation() {
        return "INSERT INTO Installation (Slot, InstallationId, Name, Namespace, CreatedAt) VALUES (1, ?, ?, ?, ?)";
    }

    public String renameInstallation() {
        return "UPDATE Installation SET Name = ? WHERE Slot = 1";
    }
}
