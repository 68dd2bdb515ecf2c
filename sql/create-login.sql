-- A SQL Server login and database user for Colmena. Run it once, as an administrator, after
-- sql/schema.sql (which creates the database), e.g. on the machine running SQL Server Express:
--
--     sqlcmd -S localhost\SQLEXPRESS -E -i sql\create-login.sql
--
-- (-E: your Windows account, which the installer made an administrator). Change the password
-- below first. A SQL login works only with "SQL Server and Windows Authentication mode" on:
-- docs/sqlserver.md, step 2. Running it again changes nothing.
USE master;
GO
IF NOT EXISTS (SELECT 1 FROM sys.server_principals WHERE name = 'colmena')
    CREATE LOGIN colmena WITH PASSWORD = 'Cambia-esta-clave-1', CHECK_POLICY = ON,
        DEFAULT_DATABASE = DistributedSystem;
GO
USE DistributedSystem;
GO
IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = 'colmena')
    CREATE USER colmena FOR LOGIN colmena;
GO
-- Reads and writes the tables; creates a table or column a newer Colmena adds, and drops the
-- indexes an older one made (db_ddladmin).
ALTER ROLE db_datareader ADD MEMBER colmena;
ALTER ROLE db_datawriter ADD MEMBER colmena;
ALTER ROLE db_ddladmin ADD MEMBER colmena;
-- Lets /api/summary tell how many bytes TaskHistory takes (sys.dm_db_partition_stats).
GRANT VIEW DATABASE STATE TO colmena;
GO
