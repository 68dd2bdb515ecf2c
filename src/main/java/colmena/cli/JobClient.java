package colmena.cli;

import colmena.broker.Blobs;
import colmena.broker.Json;
import colmena.broker.Redis;
import colmena.broker.TaskQueue;
import colmena.config.UsageException;
import colmena.vision.DetectParams;
import colmena.filters.FilterSpec;
import colmena.jobs.FaceJobs;
import colmena.jobs.FilterJobs;
import colmena.jobs.JobMaker;
import colmena.jobs.JobException;
import colmena.jobs.JobStore;
import colmena.jobs.JobView;
import colmena.store.Database;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code colmena faces} and {@code colmena filter} reach a Colmena: straight to its Redis and database (on the
 * teacher's machine), or through the REST API with a token (from anywhere).
 */
interface JobClient extends AutoCloseable {
    /** Uploads a photo or cascade file; returns its blob hash. */
    String upload(byte[] bytes, String kind, String fileName) throws Exception;

    String create(List<JobMaker.PhotoRef> photos, DetectParams settings, String cascade) throws Exception;

    /** Makes a filter job of the photos; its id. */
    String createFilter(List<JobMaker.PhotoRef> photos, FilterSpec spec) throws Exception;

    /** A filter job's output image for one photo, a PNG. */
    byte[] output(String jobId, int photoNo) throws Exception;

    JobView.View read(String jobId) throws Exception;

    @Override
    void close();

    /** Straight to Redis and the database, as the coordinator is reached. */
    final class Direct implements JobClient {
        private final Redis redis;
        private final Database db;
        private final Blobs blobs;
        private final FaceJobs jobs;
        private final FilterJobs filterJobs;
        private final JobView view;

        Direct(Redis redis, Database db) {
            this.redis = redis;
            this.db = db;
            this.blobs = new Blobs(redis);
            JobStore store = new JobStore(db);
            this.jobs = new FaceJobs(blobs, new TaskQueue(redis), store);
            this.filterJobs = new FilterJobs(blobs, new TaskQueue(redis), store);
            this.view = new JobView(store, blobs, new colmena.broker.Nodes(redis));
        }

        @Override
        public String upload(byte[] bytes, String kind, String fileName) {
            return blobs.put(bytes);
        }

        @Override
        public String create(List<JobMaker.PhotoRef> photos, DetectParams settings, String cascade)
                throws SQLException {
            try {
                return jobs.create(photos, settings, cascade, System.getProperty("user.name"));
            } catch (JobException e) {
                throw new UsageException(e.getMessage());
            }
        }

        @Override
        public String createFilter(List<JobMaker.PhotoRef> photos, FilterSpec spec) throws SQLException {
            try {
                return filterJobs.create(photos, spec, System.getProperty("user.name"));
            } catch (JobException e) {
                throw new UsageException(e.getMessage());
            }
        }

        @Override
        public byte[] output(String jobId, int photoNo) throws Exception {
            String hash = view.outputHash(jobId, photoNo);
            if (hash == null) {
                throw new StartupException("job " + jobId + " has no output image for photo " + photoNo);
            }
            return blobs.get(hash);
        }

        @Override
        public JobView.View read(String jobId) throws SQLException {
            return view.read(jobId);
        }

        @Override
        public void close() {
            redis.close();
        }
    }

    /** Through the REST API, with an API token made on the dashboard. */
    final class Http implements JobClient {
        private final ApiClient api;

        Http(String api, String token) {
            this.api = new ApiClient(api, token, Duration.ofSeconds(120));
        }

        @Override
        public String upload(byte[] bytes, String kind, String fileName) throws InterruptedException {
            HttpRequest.Builder b = api.request("/api/blobs?kind=" + kind)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
            try {
                return api.send(b).get("hash").getAsString();
            } catch (UsageException e) {
                throw new UsageException(fileName + ": " + e.getMessage());
            }
        }

        @Override
        public String create(List<JobMaker.PhotoRef> photos, DetectParams settings, String cascade)
                throws InterruptedException {
            List<Map<String, String>> list = new ArrayList<>();
            for (JobMaker.PhotoRef p : photos) {
                list.add(Map.of("blob", p.blobHash(), "name", p.fileName()));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("scaleFactor", settings.scaleFactor());
            body.put("minNeighbors", settings.minNeighbors());
            body.put("minSize", settings.minSize());
            body.put("maxSize", settings.maxSize());
            body.put("photos", list);
            body.put("cascade", cascade);
            return api.send(api.request("POST", "/api/jobs", Json.write(body))).get("id").getAsString();
        }

        @Override
        public String createFilter(List<JobMaker.PhotoRef> photos, FilterSpec spec) throws InterruptedException {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("photos", photos.stream().map(p -> Map.of("blob", p.blobHash(), "name", p.fileName())).toList());
            body.put("filter", spec.name());
            body.putAll(spec.parameters());
            return api.send(api.request("POST", "/api/jobs", Json.write(body))).get("id").getAsString();
        }

        @Override
        public byte[] output(String jobId, int photoNo) throws InterruptedException {
            HttpResponse<byte[]> r = api.exchange(api.request("/api/jobs/" + jobId + "/photos/" + photoNo + "/output").GET(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new StartupException("the API answered " + r.statusCode() + " for the output of photo "
                        + photoNo + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            return r.body();
        }

        @Override
        public JobView.View read(String jobId) throws InterruptedException {
            return Json.GSON.fromJson(api.send(api.request("/api/jobs/" + jobId).GET()), JobView.View.class);
        }

        @Override
        public void close() {
            // HttpClient holds nothing that needs closing on Java 17.
        }
    }
}
