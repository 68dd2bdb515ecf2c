package colmena.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady open-loop load of plain HTTP/1.1 GETs on several endpoints at once, from one thread
 * and one selector, over connections kept alive: the cheapest load this JVM can make, so that on
 * a machine of two cores the figures measure the server rather than the load generator. (The
 * JDK's HttpClient, which {@link OpenLoad#drive} uses, took a third of two cores at 1,000
 * requests/s, more than the API it measured.)
 *
 * <p>Each request is due at its scheduled time whether or not earlier ones have answered, and its
 * latency runs from that time to the last byte of the answer (no coordinated omission): a request
 * that finds every connection of its endpoint busy waits for one, or for a new one, and that wait
 * counts. The selector waits whole milliseconds, shorter waits are parked in slices of 0.1 ms,
 * so a figure may be that much late, never early.
 */
final class HttpLoad {
    /** One endpoint: its name in the figures and the path it asks for. */
    record Target(String name, String path) {
    }

    /** Connections per endpoint at most; beyond them requests wait for a free one (and the wait counts). */
    static final int MAX_CONNECTIONS = 128;
    /** An answer that takes longer is an error, and its connection is closed. */
    static final long TIMEOUT_NS = 30_000_000_000L;

    private HttpLoad() {
    }

    /**
     * Sends {@code rate} requests a second to each target for the warm-up and then the measured
     * window; returns once every measured request has answered, failed or timed out.
     */
    static List<OpenLoad.Figures> drive(InetSocketAddress server, List<Target> targets, int rate,
                                        int warmupSeconds, int seconds) throws IOException {
        return drive(server, targets, rate, warmupSeconds, seconds, TIMEOUT_NS);
    }

    /** As above, an answer taking longer than {@code timeoutNs} counting as an error. */
    static List<OpenLoad.Figures> drive(InetSocketAddress server, List<Target> targets, int rate,
                                        int warmupSeconds, int seconds, long timeoutNs) throws IOException {
        try (Selector selector = Selector.open()) {
            long periodNs = 1_000_000_000L / rate;
            long t0 = System.nanoTime() + 50_000_000L;
            List<Endpoint> endpoints = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                // Spread over the period, so the endpoints' requests do not all fall due together.
                endpoints.add(new Endpoint(targets.get(i), server, t0 + i * periodNs / targets.size(), periodNs,
                        warmupSeconds * rate, seconds * rate, timeoutNs));
            }
            try {
                return run(selector, endpoints);
            } finally {
                for (Endpoint e : endpoints) {
                    e.closeAll();
                }
            }
        }
    }

    private static List<OpenLoad.Figures> run(Selector selector, List<Endpoint> endpoints) throws IOException {
        while (true) {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Endpoint e : endpoints) {
                e.sendDue(now, selector);
                next = Math.min(next, Math.min(e.nextScheduledNs(), e.expire(now)));
            }
            if (endpoints.stream().allMatch(Endpoint::finished)) {
                break;
            }
            long waitNs = Math.min(next - System.nanoTime(), 1_000_000_000L);
            if (waitNs >= 1_000_000L) {
                selector.select(waitNs / 1_000_000L);
            } else if (waitNs > 0) {
                // select() waits whole milliseconds: a shorter wait is parked in slices, looking
                // for answers between them, so an answer is timed within about 0.1 ms.
                if (selector.selectNow() == 0) {
                    LockSupport.parkNanos(Math.min(waitNs, 100_000L));
                }
            } else {
                selector.selectNow();
            }
            for (SelectionKey key : selector.selectedKeys()) {
                ((Connection) key.attachment()).ready(key);
            }
            selector.selectedKeys().clear();
        }
        return endpoints.stream().map(Endpoint::figures).toList();
    }

    /** One target's schedule, connections and figures. */
    private static final class Endpoint {
        final Target target;
        final InetSocketAddress server;
        final byte[] request;
        final long firstNs;
        final long periodNs;
        final long timeoutNs;
        final int warmup;
        final int measured;
        final long[] latencies;
        int ok;
        int errors;
        String firstError;
        /** The next request's number (0 is the warm-up's first). */
        int next;
        /** Requests due and not yet sent (all connections busy): their numbers, oldest first. */
        final ArrayDeque<Integer> waiting = new ArrayDeque<>();
        /** Requests sent a second time ({@link #retry}). */
        final java.util.BitSet retried = new java.util.BitSet();
        final ArrayDeque<Connection> idle = new ArrayDeque<>();
        final List<Connection> open = new ArrayList<>();
        /** Requests of the measured window answered, failed or timed out. */
        int measuredDone;
        long firstSentNs;
        long lastSentNs;

        Endpoint(Target target, InetSocketAddress server, long firstNs, long periodNs, int warmup, int measured,
                 long timeoutNs) {
            this.target = target;
            this.timeoutNs = timeoutNs;
            this.server = server;
            this.firstNs = firstNs;
            this.periodNs = periodNs;
            this.warmup = warmup;
            this.measured = measured;
            this.latencies = new long[measured];
            this.request = ("GET " + target.path() + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                    + "\r\nUser-Agent: colmena-bench\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        long scheduled(int k) {
            return firstNs + k * periodNs;
        }

        boolean finished() {
            return next == warmup + measured && measuredDone == measured;
        }

        /** When this endpoint's next request is due (Long.MAX_VALUE once all are). */
        long nextScheduledNs() {
            return next < warmup + measured ? scheduled(next) : Long.MAX_VALUE;
        }

        void sendDue(long now, Selector selector) {
            while (next < warmup + measured && scheduled(next) <= now) {
                waiting.add(next++);
            }
            while (!waiting.isEmpty()) {
                // The connection used last first: connections opened in a stall and not needed
                // since are left idle, and the server may close them (it is then no error).
                Connection c = idle.pollFirst();
                if (c == null && open.size() >= MAX_CONNECTIONS) {
                    return;
                }
                int k = waiting.poll();
                if (k >= warmup && !retried.get(k)) {
                    lastSentNs = System.nanoTime();
                    firstSentNs = firstSentNs == 0 ? lastSentNs : firstSentNs;
                }
                if (c == null) {
                    try {
                        c = new Connection(this, selector);
                    } catch (IOException e) {
                        done(k, System.nanoTime(), false, "cannot connect: " + e);
                        continue;
                    }
                    open.add(c);
                }
                c.send(k);
            }
        }

        /**
         * A request that failed on a kept-alive connection before any byte of its answer came:
         * the server had closed it meanwhile, as HTTP/1.1 allows. Sent again once, on another
         * connection, its latency still running from when it was due.
         */
        boolean retry(int k) {
            if (retried.get(k)) {
                return false;
            }
            retried.set(k);
            waiting.addFirst(k);
            return true;
        }

        void closeAll() {
            for (Connection c : List.copyOf(open)) {
                c.close();
            }
        }

        /**
         * Closes connections whose answer is overdue, counting their requests as failed (an error,
         * not a connection the server closed, so not sent again).
         *
         * @return when the next answer still awaited falls overdue (Long.MAX_VALUE if none is)
         */
        long expire(long now) {
            long nextDeadline = Long.MAX_VALUE;
            for (Connection c : List.copyOf(open)) {
                if (!c.busy) {
                    continue;
                }
                long deadline = scheduled(c.number) + timeoutNs;
                if (now > deadline) {
                    c.fail(now, "no answer within " + colmena.log.Durations.format(java.time.Duration.ofNanos(timeoutNs)), false);
                } else {
                    nextDeadline = Math.min(nextDeadline, deadline);
                }
            }
            return nextDeadline;
        }

        void done(int k, long at, boolean answered, String error) {
            if (k < warmup) {
                return;
            }
            measuredDone++;
            if (answered) {
                latencies[ok++] = at - scheduled(k);
            } else {
                errors++;
                if (firstError == null) {
                    firstError = error;
                }
            }
        }

        void closed(Connection c) {
            open.remove(c);
            idle.remove(c);
        }

        OpenLoad.Figures figures() {
            return OpenLoad.figures(target.name(), (int) (1_000_000_000L / periodNs), measured, errors, latencies, ok,
                    firstSentNs, lastSentNs, firstError);
        }
    }

    /** One kept-alive connection, one request at a time, and the reading of its answer. */
    private static final class Connection {
        private static final int HEAD = 0;
        private static final int BODY = 1;
        private static final int CHUNK_SIZE = 2;
        private static final int CHUNK_DATA = 3;
        private static final int CHUNK_END = 4;
        private static final int TRAILER = 5;

        final Endpoint endpoint;
        final SocketChannel channel;
        final SelectionKey key;
        boolean connected;
        boolean busy;
        /** Whether an answer was read whole on this connection before (it was kept alive). */
        boolean reused;
        /** Whether any byte of the answer under way has come. */
        boolean answering;
        int number;
        ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        /** The answer's head and chunk-size lines as read so far. */
        final StringBuilder line = new StringBuilder();
        int state;
        int status;
        long remaining;
        boolean chunked;
        boolean closeAfter;

        Connection(Endpoint endpoint, Selector selector) throws IOException {
            this.endpoint = endpoint;
            channel = SocketChannel.open();
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connected = channel.connect(endpoint.server);
                key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        void send(int k) {
            number = k;
            busy = true;
            answering = false;
            state = HEAD;
            line.setLength(0);
            status = 0;
            remaining = -1;
            chunked = false;
            closeAfter = false;
            out = ByteBuffer.wrap(endpoint.request);
            if (connected) {
                try {
                    write();
                } catch (IOException | RuntimeException e) {
                    fail(System.nanoTime(), e.toString(), true); // a kept-alive connection the server closed: sent again once
                }
            }
        }

        void ready(SelectionKey k) {
            try {
                if (k.isValid() && k.isConnectable()) {
                    if (!channel.finishConnect()) {
                        return;
                    }
                    connected = true;
                    key.interestOps(0);
                    if (busy) {
                        write();
                    }
                    return;
                }
                if (k.isValid() && k.isWritable()) {
                    write();
                }
                if (k.isValid() && k.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                fail(System.nanoTime(), e.toString(), true);
            }
        }

        private void write() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read() throws IOException {
            int n = channel.read(in);
            if (!busy) {
                if (n != 0) { // idle: the server closed it (or sent what nobody asked for); no request is lost
                    close();
                }
                return;
            }
            if (n < 0) {
                fail(System.nanoTime(), "the server closed the connection before answering", true);
                return;
            }
            answering |= n > 0;
            in.flip();
            boolean whole = parse();
            long at = System.nanoTime();
            in.compact();
            if (whole) {
                busy = false;
                endpoint.done(number, at, status == 200, "HTTP " + status);
                if (closeAfter || in.position() > 0) { // bytes past the answer: nothing to trust there
                    close();
                } else {
                    reused = true;
                    key.interestOps(SelectionKey.OP_READ); // to see the server close it while idle
                    endpoint.idle.addFirst(this);
                }
            }
        }

        /** Reads what {@link #in} holds of the answer; true once it is whole. */
        private boolean parse() throws IOException {
            while (in.hasRemaining()) {
                switch (state) {
                    case HEAD, CHUNK_SIZE, CHUNK_END, TRAILER -> {
                        char c = (char) (in.get() & 0xff);
                        if (c != '\n') {
                            if (c != '\r') {
                                line.append(c);
                            }
                            continue;
                        }
                        String l = line.toString();
                        line.setLength(0);
                        if (state == HEAD) {
                            if (!head(l)) {
                                continue;
                            }
                            if (status == 204 || status == 304) {
                                return true;
                            } else if (chunked) {
                                state = CHUNK_SIZE;
                            } else if (remaining > 0) {
                                state = BODY;
                            } else if (remaining == 0) {
                                return true;
                            } else {
                                throw new IOException("an answer without Content-Length or chunks");
                            }
                        } else if (state == CHUNK_SIZE) {
                            int semi = l.indexOf(';');
                            remaining = Long.parseLong((semi < 0 ? l : l.substring(0, semi)).strip(), 16);
                            state = remaining == 0 ? TRAILER : CHUNK_DATA;
                        } else if (state == CHUNK_END) {
                            state = CHUNK_SIZE;
                        } else if (l.isEmpty()) { // TRAILER: its blank line ends the answer
                            return true;
                        }
                    }
                    case BODY, CHUNK_DATA -> {
                        int take = (int) Math.min(remaining, in.remaining());
                        in.position(in.position() + take);
                        remaining -= take;
                        if (remaining == 0) {
                            if (state == BODY) {
                                return true;
                            }
                            state = CHUNK_END;
                        }
                    }
                    default -> throw new IllegalStateException("state " + state);
                }
            }
            return false;
        }

        /** One line of the answer's head; true at the blank line that ends it. */
        private boolean head(String l) throws IOException {
            if (status == 0) {
                String[] parts = l.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                    throw new IOException("not an HTTP answer: " + l);
                }
                try {
                    status = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException("not an HTTP status: " + l);
                }
                closeAfter = parts[0].equals("HTTP/1.0");
                return false;
            }
            if (l.isEmpty()) {
                if (status >= 100 && status < 200 && status != 101) { // an interim answer: the real one follows
                    status = 0;
                    return false;
                }
                return true;
            }
            int colon = l.indexOf(':');
            if (colon > 0) {
                String name = l.substring(0, colon).strip();
                String value = l.substring(colon + 1).strip();
                if (name.equalsIgnoreCase("Content-Length")) {
                    remaining = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("Connection")) {
                    closeAfter = value.equalsIgnoreCase("close");
                }
            }
            return false;
        }

        /**
         * Closes the connection; a request under way on it fails with {@code error}, or, if
         * {@code mayRetry} and the connection was kept alive and no byte of the answer came (the
         * server had closed it meanwhile), is sent once more ({@link Endpoint#retry}).
         */
        void fail(long at, String error, boolean mayRetry) {
            if (busy) {
                busy = false;
                if (!(mayRetry && reused && !answering && endpoint.retry(number))) {
                    endpoint.done(number, at, false, error);
                }
            }
            close();
        }

        void close() {
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: nothing more to do
            }
            endpoint.closed(this);
        }
    }
}
