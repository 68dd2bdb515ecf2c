@echo off
rem Starts Colmena on this Windows machine: Redis (unless one already answers), the API and
rem dashboard, the coordinator with a demo load, and agents nodo1 and nodo2. Each part runs in its
rem own minimized window titled "Colmena ..." and logs to logs\<part>.log; this window waits until
rem the dashboard answers, prints its address (and, on the first start, the admin password) and
rem opens the browser.
rem
rem   start-all.bat          start everything
rem   start-all.bat stop     stop exactly what this script started (by process id), and only that
rem   start-all.bat status   show what it started and whether each part still runs
rem
rem Settings come from the same environment variables the jar reads (COLMENA_API_PORT,
rem COLMENA_REDIS_URL, COLMENA_DEMO_RATE, ...), and COLMENA_REDIS_PORT for the Redis it starts.
rem For SQL Server: set COLMENA_DB_URL, COLMENA_DB_USER and COLMENA_DB_PASSWORD first; the API and the
rem coordinator both get them (docs\sqlserver.md).
rem This file is plain ASCII on purpose: cmd.exe reads it in the console's code page.
setlocal EnableExtensions DisableDelayedExpansion

rem Double-clicked (cmd /c from Explorer): keep the window open at the end so it can be read.
set "CLICKED="
for %%x in (%CMDCMDLINE%) do if /i "%%~x"=="/c" set "CLICKED=1"

set "HERE=%~dp0"
if "%HERE:~0,2%"=="\\" goto unc
cd /d "%HERE%"
rem UTF-8 for this window; the parts write UTF-8 logs (the -D options below).
chcp 65001 >nul 2>nul

set "JAR=dist\colmena.jar"
set "RUN=.run"
set "LOGS=logs"
if not defined COLMENA_API_PORT set "COLMENA_API_PORT=8000"
if not defined COLMENA_REDIS_PORT set "COLMENA_REDIS_PORT=6379"
if not defined COLMENA_REDIS_URL set "COLMENA_REDIS_URL=redis://127.0.0.1:%COLMENA_REDIS_PORT%"
if not defined COLMENA_DEMO_RATE set "COLMENA_DEMO_RATE=1"
if not defined COLMENA_WAIT_FOR_REDIS set "COLMENA_WAIT_FOR_REDIS=60s"
set "UTF8=-Dfile.encoding=UTF-8 -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8"
rem Agents and the coordinator compiled by C1 then C2, as Java does by default: see start-all.sh.
set "AGENT_JAVA=-XX:+UseSerialGC -Xms8m -Xmx256m %UTF8%"
rem A young generation of 32 MB for the API, 128 MB for the coordinator: see start-all.sh.
set "SERVICE_JAVA=-XX:+UseSerialGC -Xmx512m -Xmn32m %UTF8%"
set "COORDINATOR_JAVA=-XX:+UseSerialGC -Xmx512m -Xmn128m %UTF8%"
rem As in start-all.sh: COLMENA_JAVA_OPTS replaces the options of the API and the coordinator,
rem COLMENA_COORDINATOR_JAVA_OPTS then the coordinator's, COLMENA_AGENT_JAVA_OPTS the agents'.
if defined COLMENA_JAVA_OPTS set "SERVICE_JAVA=%COLMENA_JAVA_OPTS% %UTF8%"
if defined COLMENA_JAVA_OPTS set "COORDINATOR_JAVA=%COLMENA_JAVA_OPTS% %UTF8%"
if defined COLMENA_COORDINATOR_JAVA_OPTS set "COORDINATOR_JAVA=%COLMENA_COORDINATOR_JAVA_OPTS% %UTF8%"
if defined COLMENA_AGENT_JAVA_OPTS set "AGENT_JAVA=%COLMENA_AGENT_JAVA_OPTS% %UTF8%"
set "PARTS=redis api coordinator nodo1 nodo2"
set "STOP_ORDER=nodo1 nodo2 coordinator api redis"

if "%~1"=="" goto start
if /i "%~1"=="start" goto start
if /i "%~1"=="stop" goto stop
if /i "%~1"=="status" goto status
if /i "%~1"=="help" goto help
if /i "%~1"=="--help" goto help
echo start-all.bat: unknown command "%~1"; use start, stop or status
set "CODE=2"
goto end

:help
echo Starts Colmena: Redis (unless one already answers), the API and dashboard, the coordinator
echo with a demo load, and agents nodo1 and nodo2, each logging to logs\^<part^>.log.
echo.
echo   start-all.bat          start everything, then open the dashboard
echo   start-all.bat stop     stop exactly what this script started (by process id)
echo   start-all.bat status   show what it started and whether each part still runs
echo.
echo Settings: COLMENA_API_PORT (8000), COLMENA_REDIS_PORT (6379), COLMENA_REDIS_URL,
echo COLMENA_DEMO_RATE (1), COLMENA_WAIT_FOR_REDIS (60s), and every variable the jar reads.
set "CODE=0"
goto end

rem ---------------------------------------------------------------------------- start
:start
call :check_java
if errorlevel 1 goto failed
if not exist "%RUN%" mkdir "%RUN%"
if not exist "%LOGS%" mkdir "%LOGS%"
for %%p in (%PARTS%) do (
  call :alive %%p
  if not errorlevel 1 (
    call :say_running %%p
    echo Colmena is already running. Stop it first with: start-all.bat stop
    goto failed
  )
)
rem Left by a run that did not stop cleanly: none of them is running.
del /q "%RUN%\*.pid" "%RUN%\*.stop" 2>nul
call :check_port %COLMENA_API_PORT% "the dashboard (COLMENA_API_PORT)"
if errorlevel 1 goto failed
call :build
if errorlevel 1 goto failed
call :archive
set "SERVICE_JAVA=%SERVICE_JAVA% %CDS%"
set "COORDINATOR_JAVA=%COORDINATOR_JAVA% %CDS%"
set "AGENT_JAVA=%AGENT_JAVA% %CDS%"

call :port_owner %COLMENA_REDIS_PORT%
if defined OWNER_PID (
  echo Port %COLMENA_REDIS_PORT% is already in use by %OWNER_NAME% ^(PID %OWNER_PID%^); Colmena uses the Redis there.
) else (
  echo Starting Redis on port %COLMENA_REDIS_PORT% ^(logs\redis.log^)
  call :launch redis "-Xmx64m %UTF8% %CDS%" redis --port %COLMENA_REDIS_PORT%
  call :wait_redis
  if errorlevel 1 goto failed
)
rem The API and the coordinator read the same COLMENA_DB_URL, COLMENA_DB_USER and COLMENA_DB_PASSWORD.
if defined COLMENA_DB_URL echo TaskHistory for the API and the coordinator: the database of COLMENA_DB_URL
if not defined COLMENA_DB_URL echo TaskHistory for the API and the coordinator: the H2 database in data\ ^(SQL Server: see docs\sqlserver.md^)
echo Starting the API on port %COLMENA_API_PORT% ^(logs\api.log^)
call :launch api "%SERVICE_JAVA%" api
echo Starting the coordinator, demo load %COLMENA_DEMO_RATE% tasks/s ^(logs\coordinator.log^)
call :launch coordinator "%COORDINATOR_JAVA%" coordinator --demo-rate %COLMENA_DEMO_RATE%
for %%a in (nodo1 nodo2) do (
  echo Starting agent %%a ^(logs\%%a.log^)
  call :launch %%a "%AGENT_JAVA%" agent --id %%a
)
call :wait_api
if errorlevel 1 goto failed
call :wait_ready
if errorlevel 1 goto failed
call :welcome
set "CODE=0"
goto end

rem ---------------------------------------------------------------------------- stop, status
:stop
set "STOPPED=0"
for %%p in (%STOP_ORDER%) do call :stop_part %%p
if "%STOPPED%"=="0" echo Nothing started by start-all.bat is running.
set "CODE=0"
goto end

:status
for %%p in (%PARTS%) do (
  call :alive %%p
  if errorlevel 1 (echo %%p: not running) else (call :say_running %%p)
)
rem Which installation the database and Redis belong to, and the namespace (COLMENA_NAMESPACE).
if exist "%JAR%" java -jar "%JAR%" installation 2>nul
set "CODE=0"
goto end

rem ---------------------------------------------------------------------------- the end
:unc
echo start-all.bat cannot run from a network folder ^(%~dp0^): cmd.exe cannot use one as its
echo current folder. Copy the Colmena folder to this PC, to a folder OneDrive does not sync ^(for
echo example C:\Colmena^), and run start-all.bat there.
set "CODE=1"
goto end

:failed
set "CODE=1"
echo.
echo Colmena did not start. Read the message above; the logs are in "%CD%\%LOGS%".
goto end

:end
if defined CLICKED (
  echo.
  pause
)
exit /b %CODE%

rem ============================================================================ subroutines

rem Java 17 or newer on the PATH, or a message saying what to install.
:check_java
rem "call java -version" rather than "where java": it also finds a java.cmd shim, and returns.
call java -version >nul 2>nul
if errorlevel 1 (
  echo Java was not found. Install a JDK 17 or newer ^(for example Eclipse Temurin from
  echo https://adoptium.net, with "Add to PATH" ticked^), then open a new window and run
  echo start-all.bat again.
  exit /b 1
)
set "JAVA_VERSION="
for /f "tokens=3" %%v in ('java -version 2^>^&1 ^| findstr /i /c:" version "') do if not defined JAVA_VERSION set "JAVA_VERSION=%%~v"
set "JAVA_MAJOR="
for /f "delims=.-+" %%m in ("%JAVA_VERSION%") do set "JAVA_MAJOR=%%m"
if "%JAVA_MAJOR%"=="1" set "JAVA_MAJOR=8"
if not defined JAVA_MAJOR set "JAVA_MAJOR=0"
if %JAVA_MAJOR% LSS 17 (
  echo Java 17 or newer is needed; the java on the PATH is version "%JAVA_VERSION%".
  echo Install a JDK 17 or newer ^(https://adoptium.net^), or put it first on the PATH, then open a
  echo new window and run start-all.bat again.
  exit /b 1
)
exit /b 0

rem Builds the jar the first time, with the build's output in logs\build.log.
:build
if exist "%JAR%" exit /b 0
echo Building %JAR% ^(first run only: Maven downloads what it needs, a few minutes^)...
echo   build log: "%CD%\%LOGS%\build.log"
call mvnw.cmd -B -DskipTests package >"%LOGS%\build.log" 2>&1
if errorlevel 1 goto build_failed
if not exist "%JAR%" goto build_failed
exit /b 0
:build_failed
echo The build failed. Its last lines ^(all of it is in "%CD%\%LOGS%\build.log"^):
call :tail "%LOGS%\build.log"
echo Without internet access Maven cannot download what it needs; behind a proxy, see
echo https://maven.apache.org/guides/mini/guide-proxies.html
exit /b 1

rem Class-data sharing: each part maps the classes it needs, parsed and verified, from
rem dist\colmena.jsa ("colmena cds" builds it, about 15 s, after each build); the API and the agents
rem start about a third sooner. Sets CDS to the Java option for it, building the archive when no JVM can start
rem from it (none yet, a new build of the jar, another Java); empty if that fails or COLMENA_CDS=off.
rem The jar is named as :launch names it, dist/colmena.jar: the archive records the path. "call
rem java", as in :check_java: a java.cmd shim would otherwise not return.
:archive
set "CDS="
if /i "%COLMENA_CDS%"=="off" exit /b 0
call java -XX:SharedArchiveFile=dist/colmena.jsa -Xshare:on -jar dist/colmena.jar version >nul 2>nul
if not errorlevel 1 goto archive_ok
echo Building dist\colmena.jsa ^(class-data sharing: the parts start sooner; once per build, about 15 s^)...
call java -jar dist/colmena.jar cds >"%LOGS%\cds.log" 2>&1
if not errorlevel 1 goto archive_ok
echo Could not build dist\colmena.jsa; the parts start without it. Its log: "%CD%\%LOGS%\cds.log"
exit /b 0
:archive_ok
set "CDS=-XX:SharedArchiveFile=dist/colmena.jsa"
exit /b 0

rem Fails, naming what uses it, when something listens on port %1 (%2 says what the port is for).
:check_port
call :port_owner %1
if not defined OWNER_PID exit /b 0
echo Port %1, for %~2, is already in use by %OWNER_NAME% ^(PID %OWNER_PID%^).
echo Close that program, or choose another port, e.g.: set COLMENA_API_PORT=8080
exit /b 1

rem Sets OWNER_PID and OWNER_NAME to the process listening on TCP port %1, or clears them.
:port_owner
set "OWNER_PID="
set "OWNER_NAME="
for /f "tokens=5" %%p in ('netstat -ano 2^>nul ^| findstr /c:":%1 " ^| findstr /c:"LISTENING"') do if not defined OWNER_PID set "OWNER_PID=%%p"
if not defined OWNER_PID exit /b 0
set "OWNER_NAME=a program"
for /f "tokens=1 delims=," %%n in ('tasklist /FI "PID eq %OWNER_PID%" /FO CSV /NH 2^>nul') do set "OWNER_NAME=%%~n"
exit /b 0

rem Starts part %1 with Java options %2 and the colmena arguments after them, in its own
rem minimized window, output to logs\%1.log (the previous log is kept as .1). The part writes
rem its own process id to .run\%1.pid and stops gracefully when .run\%1.stop appears.
:launch
set "PART=%~1"
set "OPTS=%~2"
set "ARGS="
shift
shift
:launch_args
if "%~1"=="" goto launch_go
set "ARGS=%ARGS% %1"
shift
goto launch_args
:launch_go
if exist "%LOGS%\%PART%.log" move /y "%LOGS%\%PART%.log" "%LOGS%\%PART%.log.1" >nul
del /q "%RUN%\%PART%.pid" "%RUN%\%PART%.stop" 2>nul
rem Paths Java reads are written with "/", which Java on Windows takes as "\".
start "Colmena %PART%" /min cmd /c "java %OPTS% -jar dist/colmena.jar%ARGS% --pid-file %RUN%/%PART%.pid --stop-file %RUN%/%PART%.stop >>%LOGS%\%PART%.log 2>&1"
exit /b 0

rem Waits up to 60 s for Redis to listen, saying so; fails if the redis part dies.
:wait_redis
set /a WAITED=0
:wait_redis_loop
call :port_owner %COLMENA_REDIS_PORT%
if defined OWNER_PID exit /b 0
if %WAITED% GEQ 3 (
  call :alive redis
  if errorlevel 1 if exist "%RUN%\redis.pid" goto redis_died
)
if %WAITED% GEQ 60 (
  echo Redis did not start within 60 s; see "%CD%\%LOGS%\redis.log":
  call :tail "%LOGS%\redis.log"
  exit /b 1
)
set /a SHOW=WAITED %% 5
if %SHOW%==0 echo Waiting for Redis at 127.0.0.1:%COLMENA_REDIS_PORT% ^(%WAITED% s^)...
call :sleep1
set /a WAITED+=1
goto wait_redis_loop
:redis_died
echo Redis stopped while starting; the end of "%CD%\%LOGS%\redis.log":
call :tail "%LOGS%\redis.log"
exit /b 1

rem Waits up to 120 s for the API to answer HTTP, saying so; fails naming a part that died.
:wait_api
set /a WAITED=0
if not defined UPGRADED set /a UPGRADED=0
:wait_api_loop
call :http_answers http://127.0.0.1:%COLMENA_API_PORT%/api/health
if not errorlevel 1 exit /b 0
call :upgrading_database
if errorlevel 1 goto wait_api_counted
call :upgrade_wait
if errorlevel 1 exit /b 1
goto wait_api_loop
:wait_api_counted
if %WAITED% GEQ 5 (
  call :check_alive
  if errorlevel 1 exit /b 1
)
if %WAITED% GEQ 120 (
  echo The API did not answer on port %COLMENA_API_PORT% within 120 s; see "%CD%\%LOGS%\api.log":
  call :tail "%LOGS%\api.log"
  exit /b 1
)
set /a SHOW=WAITED %% 5
if %SHOW%==0 echo Waiting for the dashboard at http://localhost:%COLMENA_API_PORT% ^(%WAITED% s^)...
call :sleep1
set /a WAITED+=1
goto wait_api_loop

rem Waits up to 60 s until the coordinator and each agent say in their logs that they work, failing as
rem soon as a part stops; then watches every part 2 s more, so a part that dies right after starting
rem (a database lock, a refused Redis password) is named here rather than found on the dashboard.
:wait_ready
set /a WAITED=0
:wait_ready_loop
call :check_alive
if errorlevel 1 exit /b 1
set "PENDING="
findstr /c:"is the leader" /c:"Standing by" "%LOGS%\coordinator.log" >nul 2>nul || set "PENDING=coordinator"
for %%a in (nodo1 nodo2) do (
  findstr /c:"Agent '%%a' started" "%LOGS%\%%a.log" >nul 2>nul || set "PENDING=%%a"
)
if not defined PENDING goto wait_ready_settle
call :upgrading_database
if errorlevel 1 goto wait_ready_counted
call :upgrade_wait
if errorlevel 1 exit /b 1
goto wait_ready_loop
:wait_ready_counted
if %WAITED% GEQ 60 (
  echo The %PENDING% part did not say it works within 60 s; the end of "%CD%\%LOGS%\%PENDING%.log":
  call :tail "%LOGS%\%PENDING%.log"
  exit /b 1
)
call :sleep1
set /a WAITED+=1
goto wait_ready_loop
:wait_ready_settle
call :sleep1
call :check_alive
if errorlevel 1 exit /b 1
call :sleep1
call :check_alive
exit /b

rem Whether the API or the coordinator is bringing TaskHistory up to date, once, after an upgrade
rem (errorlevel 0: it is): adding columns (H2 copies the table to do it, about a quarter of a minute
rem per million rows) or counting it for the first time; the time it takes counts towards no limit above.
:upgrading_database
call :upgrading_part api
if not errorlevel 1 exit /b 0
call :upgrading_part coordinator
if errorlevel 1 exit /b 1
exit /b 0

rem Whether logs\%1.log says TaskHistory is being brought up to date: more "Adding column" and
rem "Counting TaskHistory by node" lines than lines that end one ("Added column", "Could not add
rem column", "rows of TaskHistory in", "Could not count TaskHistory", "counted TaskHistory at the
rem same time"). Windows' own find.exe: another
rem find (Git's, MSYS) may come first on the PATH; wine's has no /c, and its findstr finds nothing.
:upgrading_part
set /a UPGRADE_ADDING=0
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "Adding column"') do set /a UPGRADE_ADDING+=1
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "Counting TaskHistory by node"') do set /a UPGRADE_ADDING+=1
rem Most starts have nothing to bring up to date: spare the other four reads of the log (a process each).
if %UPGRADE_ADDING%==0 exit /b 1
set /a UPGRADE_ENDED=0
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "Added column"') do set /a UPGRADE_ENDED+=1
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "Could not add column"') do set /a UPGRADE_ENDED+=1
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "rows of TaskHistory in"') do set /a UPGRADE_ENDED+=1
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "Could not count TaskHistory"') do set /a UPGRADE_ENDED+=1
for /f "delims=" %%l in ('type "%LOGS%\%1.log" 2^>nul ^| "%SystemRoot%\System32\find.exe" "counted TaskHistory at the same time"') do set /a UPGRADE_ENDED+=1
set "UPGRADING_PART=%1"
if %UPGRADE_ADDING% GTR %UPGRADE_ENDED% exit /b 0
exit /b 1

rem A second more of upgrading, said every 10 s; errorlevel 1 if a part stopped meanwhile.
:upgrade_wait
set /a SHOW=UPGRADED %% 10
if %SHOW%==0 echo Upgrading the database, once: bringing TaskHistory up to date ^(%UPGRADED% s; see "%CD%\%LOGS%\%UPGRADING_PART%.log"^)...
set /a UPGRADED+=1
call :sleep1
call :check_alive
if errorlevel 1 exit /b 1
exit /b 0

rem Whether %1 answers HTTP: curl.exe (Windows 10 and later), else PowerShell.
:http_answers
where curl.exe >nul 2>nul
if not errorlevel 1 (
  curl.exe -s -o nul -m 2 "%~1" >nul 2>nul
  exit /b
)
powershell -NoProfile -Command "try { Invoke-WebRequest -UseBasicParsing -TimeoutSec 2 '%~1' | Out-Null; exit 0 } catch [System.Net.WebException] { if ($_.Exception.Response) { exit 0 } else { exit 1 } }" >nul 2>nul
exit /b

rem Fails, naming the part and its last log lines, when a part this script started has exited.
:check_alive
for %%p in (%PARTS%) do (
  if exist "%RUN%\%%p.pid" (
    call :alive %%p
    if errorlevel 1 (
      echo The %%p part stopped. The end of "%CD%\%LOGS%\%%p.log":
      call :tail "%LOGS%\%%p.log"
      exit /b 1
    )
  )
)
exit /b 0

rem Errorlevel 0 when part %1's recorded process id is a running java; sets PID.
:alive
set "PID="
if not exist "%RUN%\%1.pid" exit /b 1
set /p PID=<"%RUN%\%1.pid"
if not defined PID exit /b 1
tasklist /FI "PID eq %PID%" /NH 2>nul | findstr /i /b "java" >nul
exit /b

:say_running
call :alive %1
echo %1: running ^(PID %PID%^)
exit /b 0

rem Asks part %1 to stop through its stop file (its shutdown runs: an agent hands its tasks back),
rem waits up to 30 s, then ends it by process id.
:stop_part
call :alive %1
if errorlevel 1 (
  del /q "%RUN%\%1.pid" 2>nul
  exit /b 0
)
echo stop>"%RUN%\%1.stop"
set /a WAITED=0
:stop_wait
call :sleep1
set /a WAITED+=1
tasklist /FI "PID eq %PID%" /NH 2>nul | findstr /i /b "java" >nul
if errorlevel 1 goto stop_done
if %WAITED% LSS 30 goto stop_wait
echo %1 ^(PID %PID%^) did not stop within 30 s; ending it.
taskkill /PID %PID% /T /F >nul 2>nul
:stop_done
echo Stopped %1 ^(PID %PID%^)
del /q "%RUN%\%1.pid" "%RUN%\%1.stop" 2>nul
set /a STOPPED+=1
exit /b 0

rem The dashboard's address, the first-start password notice, and the browser.
:welcome
rem The first admin password is shown from a file only this user may read, never from logs\api.log;
rem the admin's first login deletes that file.
echo.
if exist "data\admin-password.txt" (
  echo The admin account was created:
  echo   user:     admin
  for /f "usebackq delims=" %%p in ("data\admin-password.txt") do echo   password: %%p
  echo   Write it down ^(data\admin-password.txt goes at the first login^). Forgot it later?
  echo   java -jar dist\colmena.jar admin reset-password
) else (
  findstr /c:"NO LOGIN" "%LOGS%\api.log" >nul 2>nul
  if not errorlevel 1 (
    echo WARNING: started with COLMENA_NO_AUTH: anyone who reaches port %COLMENA_API_PORT% is admin.
  ) else (
    echo Log in as admin ^(password set on the first start; forgot it? java -jar dist\colmena.jar admin reset-password^).
  )
)
echo.
echo Colmena is running. Dashboard: http://localhost:%COLMENA_API_PORT%
echo Logs are in "%CD%\%LOGS%". Stop everything with: start-all.bat stop
start "" "http://localhost:%COLMENA_API_PORT%"
exit /b 0

rem The last 8 lines of file %1 (special characters are safe in a for variable).
:tail
if not exist "%~1" (
  echo   ^(no log: %~1^)
  exit /b 0
)
set "LINES=0"
for /f %%n in ('type "%~1" ^| find /c /v ""') do set "LINES=%%n"
set /a SKIP=LINES-8
if %SKIP% LEQ 0 (
  for /f "usebackq delims=" %%l in ("%~1") do echo(  %%l
) else (
  for /f "usebackq skip=%SKIP% delims=" %%l in ("%~1") do echo(  %%l
)
exit /b 0

rem One second; timeout /t does not wait when input is redirected, ping always does.
:sleep1
ping -n 2 127.0.0.1 >nul 2>nul
exit /b 0
