-- Colmena's TaskHistory, in T-SQL.
--
-- For SQL Server: run this whole file once in SQL Server Management Studio (or sqlcmd -i), or
-- let Colmena create the tables itself on first start; the database must exist for that.
-- The same file is the schema of the embedded H2 database (MSSQLServer mode), which Colmena
-- uses when no --db is given. Colmena runs only the CREATE TABLE batches (and the CREATE INDEX
-- batches after them) whose table is missing; the CREATE DATABASE / USE batch is for SSMS.
-- Batches are separated by GO lines, as in SSMS.

IF DB_ID('DistributedSystem') IS NULL CREATE DATABASE DistributedSystem;
GO
-- Readers (the dashboard, the summary, CSV exports) see the last committed rows instead of
-- waiting behind the coordinator's writes. Colmena warns at start when this is off.
ALTER DATABASE DistributedSystem SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
GO
-- Lets `colmena admin recount` count TaskHistory again while the coordinator goes on writing:
-- it reads a snapshot, so rows written meanwhile are counted once.
ALTER DATABASE DistributedSystem SET ALLOW_SNAPSHOT_ISOLATION ON;
GO
USE DistributedSystem;
GO

-- One row per task, updated as it moves: PENDING when placed on a node, RUNNING once the node
-- has been at it for a moment, then DONE or FAILED. ID, NodeID, TaskType, Result and Timestamp
-- are the paper's columns; Timestamp is the time of the row's latest change. Times are UTC.
-- Priority is the task's, 0 to 9 (5 unless it was submitted with another); NULL in rows written
-- before the column existed, read as 5. Retries is how many times a FAILED run is tried again
-- (submit --retries), Failures how many runs have FAILED and been tried again so far; NULL in
-- rows written before they existed, read as 0. They are last, in the order they came, so that a
-- table made by an earlier version, which gains them at the next start, has its columns in the
-- same order.
-- Task and node ids compare exactly (a binary collation), as they do in Redis and on H2: under
-- SQL Server's usual case-insensitive collation 'Nodo1' would find 'nodo1's rows.
CREATE TABLE TaskHistory (
    ID           BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    TaskId       VARCHAR(64)    COLLATE Latin1_General_BIN2 NOT NULL,
    NodeID       NVARCHAR(64)   COLLATE Latin1_General_BIN2 NULL,
    TaskType     NVARCHAR(64)   NOT NULL,
    Params       NVARCHAR(1000) NULL,
    Status       VARCHAR(16)    NOT NULL,
    Result       NVARCHAR(2000) NULL,
    Error        NVARCHAR(2000) NULL,
    Reason       NVARCHAR(400)  NULL,
    Moves        NVARCHAR(4000) NULL,
    Attempts     INT            NOT NULL,
    SubmittedAt  DATETIME2(3)   NOT NULL,
    StartedAt    DATETIME2(3)   NULL,
    FinishedAt   DATETIME2(3)   NULL,
    DurationMs   BIGINT         NULL,
    [Timestamp]  DATETIME2(3)   NOT NULL,
    Priority     TINYINT        NULL,
    Retries      TINYINT        NULL,
    Failures     TINYINT        NULL,
    CONSTRAINT UQ_TaskHistory_TaskId UNIQUE (TaskId)
);
GO
CREATE INDEX IX_TaskHistory_Status ON TaskHistory (Status, ID);
GO
CREATE INDEX IX_TaskHistory_NodeID ON TaskHistory (NodeID, ID);
GO
CREATE INDEX IX_TaskHistory_TaskType ON TaskHistory (TaskType, ID);
GO

-- How many TaskHistory rows there are by node, type and status, kept as TaskHistory is written:
-- every write of a task's row adds, in the same transaction, a row here with what it changed (+1
-- for the new status, -1 for the old). Counts are the sums of N, so the task list's totals and the
-- summary read this small table instead of counting millions of rows. Writers only ever add rows;
-- a coordinator folds them into one row per node, type and status every few seconds. Rows edited
-- by hand in TaskHistory are not counted here: `colmena admin recount` counts again.
CREATE TABLE TaskCounts (
    ID           BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    NodeID       NVARCHAR(64)   COLLATE Latin1_General_BIN2 NULL,
    TaskType     NVARCHAR(64)   NOT NULL,
    Status       VARCHAR(16)    NOT NULL,
    N            BIGINT         NOT NULL
);
GO

-- When TaskHistory was last counted whole into TaskCounts (one row, Slot 1). Without it TaskCounts
-- does not yet hold the rows written before it existed, and the next process to open the database
-- counts them; two recounts at once both write this row, so one of them gives way.
CREATE TABLE TaskCountsState (
    Slot         INT            NOT NULL PRIMARY KEY,
    CountedAt    DATETIME2(3)   NOT NULL
);
GO

-- Who may use the API and the dashboard. Role is viewer, operator or admin. PasswordHash is a
-- salted PBKDF2 hash (pbkdf2-sha256$iterations$salt$hash); the password itself is never stored.
CREATE TABLE Users (
    UserName     NVARCHAR(64)  NOT NULL PRIMARY KEY,
    Role         VARCHAR(16)   NOT NULL,
    PasswordHash VARCHAR(256)  NOT NULL,
    CreatedAt    DATETIME2(3)  NOT NULL,
    -- +1 when the password or role changes, or on "sign out everywhere": older sessions end.
    SessionEpoch INT           NOT NULL DEFAULT 0
);
GO

-- API tokens for scripts (Authorization: Bearer ...). Only a SHA-256 of each token is kept;
-- the token is shown once, when an admin creates it.
CREATE TABLE ApiTokens (
    ID         BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    Name       NVARCHAR(100) NOT NULL,
    UserName   NVARCHAR(64)  NOT NULL,
    Role       VARCHAR(16)   NOT NULL,
    TokenHash  VARCHAR(64)   NOT NULL,
    CreatedAt  DATETIME2(3)  NOT NULL,
    RevokedAt  DATETIME2(3)  NULL,
    LastUsedAt DATETIME2(3)  NULL,
    ExpiresAt  DATETIME2(3)  NULL,
    CONSTRAINT UQ_ApiTokens_TokenHash UNIQUE (TokenHash)
);
GO

-- Keys only the API holds (the one that signs dashboard sessions): Redis never sees them.
CREATE TABLE ApiSecrets (
    Name   VARCHAR(64)  NOT NULL PRIMARY KEY,
    Secret VARCHAR(256) NOT NULL
);
GO

-- Every login, failed login, token change, node drain/resume/forget and user change.
CREATE TABLE AuditLog (
    ID         BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    OccurredAt DATETIME2(3)  NOT NULL,
    Actor      NVARCHAR(64)  NULL,
    Action     VARCHAR(32)   NOT NULL,
    Target     NVARCHAR(200) NULL,
    Address    VARCHAR(64)   NULL,
    Detail     NVARCHAR(400) NULL
);
GO
CREATE INDEX IX_AuditLog_OccurredAt ON AuditLog (OccurredAt);
GO

-- The whole result of a task whose result is longer than TaskHistory.Result holds (a photo
-- tile's candidate face windows); Result keeps its beginning.
CREATE TABLE TaskOutputs (
    TaskId  VARCHAR(64)   COLLATE Latin1_General_BIN2 NOT NULL PRIMARY KEY,
    Output  NVARCHAR(MAX) NOT NULL
);
GO

-- A job: photos processed together (Kind: faces, or a filter: grey, blur, sobel, resize), each
-- photo cut into tiles, each tile an ordinary task with its TaskHistory row. Params is the job's
-- JSON parameters.
CREATE TABLE Jobs (
    JobId      VARCHAR(64)    NOT NULL PRIMARY KEY,
    Kind       VARCHAR(32)    NOT NULL,
    Params     NVARCHAR(1000) NULL,
    CreatedBy  NVARCHAR(64)   NULL,
    CreatedAt  DATETIME2(3)   NOT NULL,
    Photos     INT            NOT NULL,
    Tasks      INT            NOT NULL
);
GO
CREATE INDEX IX_Jobs_CreatedAt ON Jobs (CreatedAt);
GO

-- One row per photo of a job. BlobHash names the photo's bytes in Redis (blob:<hash>) while they
-- live there. Error: why the photo could not be processed at all (not an image, say). Result, once
-- every tile of the photo is done: the merged faces ([[x, y, w, h], ...]) of a face job, or the
-- blob hash of a filter job's output image (its strips stacked, a PNG).
CREATE TABLE JobPhotos (
    JobId      VARCHAR(64)    NOT NULL,
    PhotoNo    INT            NOT NULL,
    FileName   NVARCHAR(260)  NOT NULL,
    BlobHash   VARCHAR(64)    NOT NULL,
    Width      INT            NOT NULL,
    Height     INT            NOT NULL,
    Error      NVARCHAR(2000) NULL,
    Result     NVARCHAR(MAX)  NULL,
    FinishedAt DATETIME2(3)   NULL,
    CONSTRAINT PK_JobPhotos PRIMARY KEY (JobId, PhotoNo)
);
GO

-- The tasks of a job: which photo each works on, and the tile of it (pixels of the photo; for a
-- filter job, the strip of the output image the task makes).
CREATE TABLE JobTasks (
    JobId    VARCHAR(64) NOT NULL,
    TaskId   VARCHAR(64) COLLATE Latin1_General_BIN2 NOT NULL,
    PhotoNo  INT         NOT NULL,
    TileX    INT         NOT NULL,
    TileY    INT         NOT NULL,
    TileW    INT         NOT NULL,
    TileH    INT         NOT NULL,
    CONSTRAINT PK_JobTasks PRIMARY KEY (JobId, TaskId)
);
GO

-- Which Colmena this database belongs to: one row (Slot 1), made by the first coordinator. Redis
-- carries the same id (key colmena:installation, "<id> <name>"), so a process started with another
-- database, or against another installation's Redis or namespace, notices and refuses to work.
CREATE TABLE Installation (
    Slot           INT           NOT NULL PRIMARY KEY CHECK (Slot = 1),
    InstallationId VARCHAR(64)   NOT NULL,
    Name           NVARCHAR(64)  NOT NULL,
    Namespace      VARCHAR(32)   NOT NULL,
    CreatedAt      DATETIME2(3)  NOT NULL
);
GO
