package org.aio4j.shell;

import org.aio4j.Aio;
import org.aio4j.Future;
import org.aio4j.Task;

/**
 * A program for {@link LoopsToolTest} to inspect: a coordinator gathering two fetchers that wait on
 * a gate, and two tasks awaiting each other (a deadlock). Prints READY, then runs until killed.
 */
public final class LoopsTarget {
    private LoopsTarget() {
    }

    public static void main(String[] args) {
        Aio.run(Aio.async(() -> {
            Future<Void> gate = Aio.runningLoop().createFuture();
            Aio.createTask(Aio.async(() -> {
                Task<Void> a = Aio.createTask(Aio.async(() -> fetch(gate)), "fetcher-1");
                Task<Void> b = Aio.createTask(Aio.async(() -> fetch(gate)), "fetcher-2");
                Aio.await(Aio.gather(a, b));
            }), "coordinator");
            Task<?>[] pair = new Task<?>[2];
            pair[0] = Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.05);
                Aio.await(pair[1]);
            }), "left");
            pair[1] = Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.05);
                Aio.await(pair[0]);
            }), "right");
            Aio.sleep(0.2);
            System.out.println("READY");
            System.out.flush();
            Aio.await(gate);
        }));
    }

    private static void fetch(Future<Void> gate) {
        Aio.await(gate);
    }
}
