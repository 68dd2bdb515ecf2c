# Colmena. Plain `make` lists the targets. On Windows use start-all.bat and mvnw.cmd instead.
MVNW := ./mvnw -B

.PHONY: help build test test-redis5 run stop status clean

# List the targets.
help:
	@echo "make build   build dist/colmena.jar (Java 17) and dist/colmena.jsa, the class-data sharing archive the parts start from"
	@echo "make test    run every test (./mvnw verify): real Redis, H2, HTTP, processes and headless Chromium"
	@echo "make test-redis5  the Redis-facing tests again, on the Windows redis-server (5.0) under wine"
	@echo "make run     start Redis, the API, the coordinator and agents nodo1, nodo2 (./start-all.sh)"
	@echo "make stop    stop what make run started (./start-all.sh stop)"
	@echo "make status  show what make run started and whether it is running"
	@echo "make clean   remove build output (dist/, target/); data/ and logs/ are kept"

# One runnable jar with every dependency inside, and the class-data sharing archive start-all
# starts every part from (a training run of about 15 s; start-all builds it too when missing).
build:
	$(MVNW) -q -DskipTests package
	java -jar dist/colmena.jar cds || echo "make build: no dist/colmena.jsa (see above); the parts start without it, a little slower"
	@ls -l dist/colmena.jar dist/colmena.jsa

# The whole test suite, as CI runs it.
test:
	$(MVNW) verify

# The tests that talk to Redis, against the Windows build start-all.bat runs (Redis 5.0.14.1,
# from embedded-redis) under wine (apt-get install wine wine64): every command and script the
# product sends must work there too. The list is the pom's redis5 profile; reports go to
# target/surefire-reports-redis5.
test-redis5:
	$(MVNW) -P redis5 test

# The whole system on this machine; logs go to logs/.
run:
	./start-all.sh

# Stop exactly what `make run` started.
stop:
	./start-all.sh stop

status:
	./start-all.sh status

# Build output only; the database (data/) and logs (logs/) stay.
clean:
	$(MVNW) -q clean
	rm -rf dist
