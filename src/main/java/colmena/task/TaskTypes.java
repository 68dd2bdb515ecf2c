package colmena.task;

import colmena.task.types.FacesTile;
import colmena.task.types.ImageFilterTask;
import colmena.task.types.MatrixMultiply;
import colmena.task.types.MonteCarloPi;
import colmena.task.types.OperationIntensive;
import colmena.task.types.Primes;
import colmena.task.types.Sha256Chain;
import colmena.task.types.Sleep;
import colmena.task.types.Spin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every task type Colmena knows. Adding one is a class and a line here. */
public final class TaskTypes {
    private static final Map<String, TaskType> TYPES = new LinkedHashMap<>();

    static {
        register(new OperationIntensive());
        register(new Primes());
        register(new MonteCarloPi());
        register(new MatrixMultiply());
        register(new Sha256Chain());
        register(new Sleep());
        register(new Spin());
        register(new FacesTile());
        register(new ImageFilterTask());
    }

    private TaskTypes() {
    }

    private static void register(TaskType type) {
        TYPES.put(type.name(), type);
    }

    public static List<TaskType> all() {
        return List.copyOf(TYPES.values());
    }

    /** The names of the types a person may submit (not those only jobs make). */
    public static List<String> submittable() {
        return TYPES.values().stream().filter(t -> !t.madeByJobs()).map(TaskType::name).toList();
    }

    /**
     * @throws InvalidTaskException naming the unknown type and the known ones
     */
    public static TaskType get(String name) throws InvalidTaskException {
        TaskType type = name == null ? null : TYPES.get(name);
        if (type == null) {
            throw new InvalidTaskException("type", "unknown task type \"" + name + "\"; known types: "
                    + String.join(", ", submittable()), "type_unknown",
                    Map.of("type", String.valueOf(name), "known", String.join(", ", submittable())));
        }
        return type;
    }

    /** Checks a type and its parameters, as the coordinator and the agents do. */
    public static TaskParams check(String type, Map<String, ?> params) throws InvalidTaskException {
        return TaskParams.check(get(type), params);
    }

    /**
     * Checks a task a person or a script submits alone: as {@link #check}, and not of a type only
     * jobs make.
     */
    public static TaskParams checkSubmitted(String type, Map<String, ?> params) throws InvalidTaskException {
        TaskType t = get(type);
        if (t.madeByJobs()) {
            throw new InvalidTaskException("type", type + " tasks are made by jobs, not submitted alone"
                    + " (for photos: colmena faces, or POST /api/jobs)");
        }
        return TaskParams.check(t, params);
    }
}
