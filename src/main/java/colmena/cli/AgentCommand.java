package colmena.cli;

import colmena.agent.Agent;
import colmena.broker.Redis;
import colmena.config.Flags;

/** {@code colmena agent}: one node. */
final class AgentCommand {
    private AgentCommand() {
    }

    /** The exit code of an agent whose heartbeat, take or results thread died. */
    static final int VITAL_THREAD_DIED = 70;

    static int run(String[] args) {
        Flags flags = Startup.flags("agent", Agent.SUMMARY, Startup.withProcessOptions(Agent.OPTIONS), args);
        if (flags == null) {
            return 0;
        }
        Agent.Config config = Agent.Config.from(flags);
        ProcessFiles.install(flags);
        Redis redis = Startup.redis(config.redisUrl(), 8, Startup.startWait(flags));
        Agent agent = new Agent(config, redis);
        // Its own thread: exiting runs the shutdown hook, which waits for the heartbeat thread.
        agent.onLoginRefused(() -> new Thread(() -> System.exit(1), "colmena-exit").start());
        agent.onVitalThreadDeath((thread, cause) -> {
            System.err.println("colmena agent: FATAL: thread " + thread + " died (" + cause + "); exiting with code "
                    + VITAL_THREAD_DIED + " so this node is seen offline and its tasks go elsewhere; restart it");
            // From another thread: the shutdown hook (requeueing this node's tasks) joins the dying one.
            new Thread(() -> System.exit(VITAL_THREAD_DIED), "colmena-exit").start();
        });
        try {
            agent.start();
        } catch (IllegalStateException e) {
            redis.close();
            throw new StartupException(e.getMessage());
        }
        Startup.runUntilStopped(() -> {
            agent.stop();
            redis.close();
        });
        return 0;
    }
}
