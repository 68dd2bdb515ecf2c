package colmena.agent;

/** What tests may know of the agent's timing. */
public final class AgentTesting {
    private AgentTesting() {
    }

    public static long sweepEveryMs() {
        return TaskLoop.SWEEP_EVERY_MS;
    }
}
