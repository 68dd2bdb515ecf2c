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
USE DistributedSystem;
GO

-- One row per task, updated as it moves: PENDING when placed on a node, RUNNING once the node
-- has been at it for a moment, then DONE or FAILED. ID, NodeID, TaskType, Result and Timestamp
-- are the paper's columns; Timestamp is the time of the row's latest change.
CREATE TABLE TaskHistory (
    ID           BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    TaskId       VARCHAR(64)    NOT NULL,
    NodeID       NVARCHAR(64)   NULL,
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
    CONSTRAINT UQ_TaskHistory_TaskId UNIQUE (TaskId)
);
GO
CREATE INDEX IX_TaskHistory_Status ON TaskHistory (Status, ID);
GO
CREATE INDEX IX_TaskHistory_NodeID ON TaskHistory (NodeID, ID);
GO
CREATE INDEX IX_TaskHistory_TaskType ON TaskHistory (TaskType, ID);
GO

-- Who may use the API and the dashboard. Role is viewer, operator or admin. PasswordHash is a
-- salted PBKDF2 hash (pbkdf2-sha256$iterations$salt$hash); the password itself is never stored.
CREATE TABLE Users (
    UserName     NVARCHAR(64)  NOT NULL PRIMARY KEY,
    Role         VARCHAR(16)   NOT NULL,
    PasswordHash VARCHAR(256)  NOT NULL,
    CreatedAt    DATETIME2(3)  NOT NULL
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
    CONSTRAINT UQ_ApiTokens_TokenHash UNIQUE (TokenHash)
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
