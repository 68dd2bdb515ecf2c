@echo off
rem Starts Colmena on this Windows machine, each part in its own titled console window, as in
rem the paper: Redis (unless one already answers), the API and dashboard, the coordinator with a
rem demo load, and agents nodo1 and nodo2. Then prints the dashboard address.
rem
rem   start-all.bat          start everything
rem   start-all.bat stop     close exactly the windows this script opened
rem
rem Settings come from the same environment variables the jar reads (COLMENA_API_PORT, ...).
setlocal
cd /d "%~dp0"

set JAR=dist\colmena.jar
if "%COLMENA_API_PORT%"=="" set COLMENA_API_PORT=8000
if "%COLMENA_DEMO_RATE%"=="" set COLMENA_DEMO_RATE=1
set AGENT_JAVA=-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TieredStopAtLevel=1
set SERVICE_JAVA=-XX:+UseSerialGC -Xmx512m

if /i "%~1"=="stop" goto stop
if not "%~1"=="" (
  echo start-all.bat: unknown command "%~1"; use no argument to start, or stop
  exit /b 2
)

where java >nul 2>nul
if errorlevel 1 (
  echo start-all.bat: java not found; install JDK 17 or newer and open a new window
  exit /b 1
)

if not exist "%JAR%" (
  echo Building %JAR% ^(first run only; Maven downloads what it needs^)...
  call mvnw.cmd -B -q -DskipTests package
  if errorlevel 1 (
    echo start-all.bat: build failed; see the output above
    exit /b 1
  )
)
if not exist logs mkdir logs

rem "colmena redis" uses a Redis that already answers, or starts the bundled one.
start "Colmena Redis" cmd /k java -Xmx64m -jar %JAR% redis
timeout /t 3 /nobreak >nul
start "Colmena API" cmd /k java %SERVICE_JAVA% -jar %JAR% api
start "Colmena Coordinator" cmd /k java %SERVICE_JAVA% -jar %JAR% coordinator --demo-rate %COLMENA_DEMO_RATE%
start "Colmena Agent nodo1" cmd /k java %AGENT_JAVA% -jar %JAR% agent --id nodo1
start "Colmena Agent nodo2" cmd /k java %AGENT_JAVA% -jar %JAR% agent --id nodo2

echo.
echo Colmena is starting in its own windows. Dashboard: http://localhost:%COLMENA_API_PORT%
echo On the first start the "Colmena API" window shows the admin password (also in its first lines);
echo set COLMENA_ADMIN_PASSWORD before start-all.bat to choose it yourself.
echo Stop everything with: start-all.bat stop
exit /b 0

:stop
rem Closing a console window lets the Java inside run its shutdown (agents hand their tasks back).
for %%W in ("Colmena Agent nodo1" "Colmena Agent nodo2" "Colmena Coordinator" "Colmena API" "Colmena Redis") do (
  taskkill /FI "WINDOWTITLE eq %%~W*" /T >nul 2>nul
)
timeout /t 5 /nobreak >nul
for %%W in ("Colmena Agent nodo1" "Colmena Agent nodo2" "Colmena Coordinator" "Colmena API" "Colmena Redis") do (
  taskkill /FI "WINDOWTITLE eq %%~W*" /T /F >nul 2>nul
)
echo Stopped the Colmena windows.
exit /b 0
