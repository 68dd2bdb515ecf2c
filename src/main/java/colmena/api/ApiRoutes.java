package colmena.api;

import colmena.auth.Role;
import colmena.auth.UserStore;
import colmena.broker.Blobs;
import colmena.broker.NodeCredentials;
import colmena.broker.Nodes;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.install.InstallationWatch;
import colmena.jobs.FaceJobs;
import colmena.jobs.FilterJobs;
import colmena.jobs.JobStore;
import colmena.jobs.JobView;
import colmena.store.ConnectionPool;
import colmena.store.Database;
import colmena.store.TaskHistoryStore;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * Every endpoint of the API, wired in one place: each part's handlers made once, and its lines of
 * the table (method, path, role, handler; see {@link Router}), in the order they are matched.
 */
final class ApiRoutes {
    private final ApiServer.Config config;
    private final Redis redis;
    private final UserStore users;
    private final Database database;
    private final ConnectionPool connections;
    private final InstallationWatch installation;
    /** Reads the nodes ahead of the requests that will want them. */
    private final Executor background;
    private final Path firstPasswordFile;
    private final TaskHistoryStore store;
    private final AuditTrail audit;
    private final Alerts alerts;

    ApiRoutes(ApiServer.Config config, Redis redis, UserStore users, Database database, ConnectionPool connections,
              InstallationWatch installation, Executor background, Path firstPasswordFile) {
        this.config = config;
        this.redis = redis;
        this.users = users;
        this.database = database;
        this.connections = connections;
        this.installation = installation;
        this.background = background;
        this.firstPasswordFile = firstPasswordFile;
        this.store = new TaskHistoryStore(redis.clock()::now);
        this.audit = new AuditTrail(users);
        this.alerts = new Alerts(config.alertCpu(), config.alertMemory(), config.alertDisk(), config.alertAfter());
    }

    /** The router with every endpoint. */
    Router router() throws SQLException {
        Auth auth = new Auth(users, redis, config.sessionTtl(), config.noAuth(), config.web().tls());
        Router router = new Router(auth);
        NodesApi nodes = new NodesApi(new Nodes(redis), alerts, audit, config.nodesMaxAge(), background);
        InstallationApi installationApi = new InstallationApi(installation, redis, connections, audit);
        MetricsApi metrics = new MetricsApi(nodes, redis, connections, store, router.metrics());
        OpenApiDoc openApi = new OpenApiDoc();
        Cancels cancels = new Cancels(connections, store, new TaskQueue(redis));
        router.refuseWhile(installationApi::refusal)
                .get("/api/openapi.json", null, openApi::document).withoutDatabase()
                .get("/metrics", Role.VIEWER, metrics::metrics)
                .get("/api/installation", Role.VIEWER, installationApi::get)
                .post("/api/installation", Role.ADMIN, installationApi::rename);
        accounts(router, auth);
        nodes(router, nodes);
        tasks(router, cancels);
        jobs(router, cancels);
        SummaryApi summary = new SummaryApi(redis, connections, store, nodes, alerts, installationApi);
        return router
                .get("/api/summary", Role.VIEWER, summary::summary)
                .get("/api/types", Role.VIEWER, summary::types)
                .get("/api/deadletters", Role.VIEWER, summary::deadLetters).withoutDatabase()
                .get("/api/health", null, summary::health).withoutDatabase();
    }

    private void accounts(Router router, Auth auth) {
        AuthApi authApi = new AuthApi(auth, users, audit, firstPasswordFile);
        router.post("/api/login", null, authApi::login)
                .post("/api/logout", Role.VIEWER, authApi::logout)
                .post("/api/logout/everywhere", Role.VIEWER, authApi::logoutEverywhere)
                .get("/api/me", Role.VIEWER, authApi::whoAmI)
                .get("/api/tokens", Role.ADMIN, authApi::tokens)
                .post("/api/tokens", Role.ADMIN, authApi::createToken)
                .delete("/api/tokens/{id}", Role.ADMIN, authApi::revokeToken)
                .get("/api/users", Role.ADMIN, authApi::users)
                .post("/api/users", Role.ADMIN, authApi::putUser)
                .delete("/api/users/{name}", Role.ADMIN, authApi::deleteUser)
                .post("/api/users/{name}/logout", Role.ADMIN, authApi::endUserSessions)
                .get("/api/audit", Role.ADMIN, authApi::audit);
    }

    private void nodes(Router router, NodesApi nodes) {
        NodeCredentialsApi credentials = new NodeCredentialsApi(new NodeCredentials(redis), config.redisUrl(), audit);
        router.get("/api/nodes", Role.VIEWER, nodes::list).withoutDatabase()
                .get("/api/nodes/{id}", Role.VIEWER, nodes::one).withoutDatabase()
                .post("/api/nodes/{id}/drain", Role.ADMIN, nodes::drain)
                .post("/api/nodes/{id}/resume", Role.ADMIN, nodes::resume)
                .delete("/api/nodes/{id}", Role.ADMIN, nodes::forget)
                .get("/api/node-credentials", Role.ADMIN, credentials::list)
                .post("/api/node-credentials", Role.ADMIN, credentials::add)
                .delete("/api/node-credentials/{id}", Role.ADMIN, credentials::remove);
    }

    private void tasks(Router router, Cancels cancels) {
        TasksApi tasks = new TasksApi(connections, store, new Nodes(redis), config.nodesMaxAge(), background);
        TaskSubmitApi submits = new TaskSubmitApi(connections, store, new TaskQueue(redis), config.maxUnplaced());
        TaskCancelApi taskCancels = new TaskCancelApi(connections, store, cancels, audit);
        TaskCsvApi csv = new TaskCsvApi(connections, store, audit);
        router.get("/api/tasks", Role.VIEWER, tasks::list)
                .post("/api/tasks", Role.OPERATOR, submits::submit)
                .post("/api/tasks/cancel", Role.OPERATOR, taskCancels::cancelMatching)
                .post("/api/tasks/{id}/cancel", Role.OPERATOR, taskCancels::cancel)
                .get("/api/tasks.csv", Role.VIEWER, csv::csv)
                .get("/api/tasks/{id}", Role.VIEWER, tasks::one);
    }

    private void jobs(Router router, Cancels cancels) {
        Blobs blobs = new Blobs(redis);
        JobStore jobStore = new JobStore(database);
        TaskQueue jobQueue = new TaskQueue(redis);
        JobView jobView = new JobView(jobStore, blobs, new Nodes(redis));
        JobsApi jobs = new JobsApi(blobs, new FaceJobs(blobs, jobQueue, jobStore),
                new FilterJobs(blobs, jobQueue, jobStore), jobView, audit, cancels, jobStore);
        JobPhotosApi photos = new JobPhotosApi(blobs, jobView);
        router.post("/api/blobs", Role.OPERATOR, jobs::upload)
                .get("/api/jobs", Role.VIEWER, jobs::list)
                .post("/api/jobs", Role.OPERATOR, jobs::create)
                .get("/api/jobs/{id}", Role.VIEWER, jobs::one)
                .post("/api/jobs/{id}/cancel", Role.OPERATOR, jobs::cancel)
                .get("/api/jobs/{id}/photos/{no}/original", Role.VIEWER, photos::original)
                .get("/api/jobs/{id}/photos/{no}/annotated", Role.VIEWER, photos::annotated)
                .get("/api/jobs/{id}/photos/{no}/output", Role.VIEWER, photos::output);
    }
}
