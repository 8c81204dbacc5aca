package org.aio4j.shell;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.DirectExecutionControl;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;

/**
 * JShell's execution engine for the async shell: each snippet runs in the shell's JVM as the body of
 * a new task on the session's event loop, so its top level may await; the loop keeps running other
 * tasks between snippets and while one waits. {@link #stop()} (what Ctrl-C calls) cancels the running
 * snippet's task. {@link #close()} closes the loop (pending tasks are cancelled and awaited).
 *
 * <p>Threads: JShell calls {@code load}, {@code invoke}, {@code varValue} and {@code close} on its
 * evaluation thread and {@code stop} on its input thread; none of them may be called on the loop.
 */
final class AioExecutionControl extends DirectExecutionControl {

    /*
     * JShell compiles each snippet to a class with a static method do_it$ and asks the engine to call
     * it. DirectExecutionControl.invoke(className, methodName) finds the method and calls
     * invoke(Method) below, then turns an InvocationTargetException into the UserException the tool
     * prints as "Exception ...", and lets a StoppedException through (the tool prints nothing for it).
     *
     * invoke(Method) is asyncio's REPL (Lib/asyncio/__main__.py) turned around: there the loop owns
     * the main thread and the console thread sends each statement with call_soon_threadsafe; here
     * JShell owns its thread and the loop runs forever on a thread of its own (ShellLoop). The
     * statement goes over with callSoonThreadsafe, becomes a task there, and the done callback
     * completes the CompletableFuture the JShell thread waits on. Python compiles a statement with
     * top-level await into a coroutine only when it awaits; every aio4j statement is a task, since a
     * call that suspends is not visible in the source.
     *
     * Class loading: DirectExecutionControl's default loader delegates to the system class loader,
     * so snippets see the very classes of aio4j that run the loop (checked by the provider). The
     * value shown for an expression is computed by the task too, and varValue runs on the loop
     * thread: an object's toString may be loop-confined.
     *
     * Ctrl-C: LocalExecutionControl stops a snippet by instrumenting its bytecode with checks of a
     * stop flag; this engine cancels the task instead (the CancelledError surfaces at the statement's
     * next await, or interrupts a blocking JDK call in LOOP_SCHEDULED mode). A statement that computes
     * without ever suspending cannot be stopped, as in asyncio, where KeyboardInterrupt only cancels
     * the statement's future.
     *
     * Statement lifecycle (field state, loop thread only):
     *   RUNNING --stop()--> CANCEL_REQUESTED --task done--> DONE
     *   RUNNING --task done--> DONE
     */
    private enum StatementState { RUNNING, CANCEL_REQUESTED, DONE }

    /** The message of the CancelledError a statement stopped by Ctrl-C receives. */
    static final String CANCEL_MESSAGE = "statement interrupted (Ctrl-C at the shell prompt)";

    /** What the shell prints when a statement's task ended cancelled by Ctrl-C. */
    static final String CANCELLED_NOTICE = "|  Cancelled (Ctrl-C): the statement's task got CancelledError";

    /** One evaluated snippet: its task and where that task is in its lifecycle. */
    private static final class Statement {
        final Task<String> task;
        StatementState state = StatementState.RUNNING; // loop thread only

        Statement(Task<String> task) {
            this.task = task;
        }
    }

    // any thread
    private final ShellLoop loop;
    private final PrintStream err;
    private final AtomicLong statements = new AtomicLong();

    // loop thread only
    private Statement current;

    AioExecutionControl(PrintStream err) {
        this.err = err;
        this.loop = ShellLoop.start(err, "aio4j-shell-loop");
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        String name = "statement-" + statements.incrementAndGet();
        try {
            loop.execute(() -> begin(doitMethod, name, outcome));
        } catch (IllegalStateException closed) {
            throw new EngineTerminationException(closed.getMessage());
        }
        try {
            return Waits.uninterruptibly(outcome);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StoppedException stopped) {
                err.println(CANCELLED_NOTICE);
                err.flush();
                throw stopped;
            }
            throw (Exception) e.getCause(); // an InvocationTargetException: see begin
        }
    }

    /** Loop thread: starts the statement's task and completes {@code outcome} when it is done. */
    private void begin(Method doitMethod, String name, CompletableFuture<String> outcome) {
        Task<String> task;
        try {
            task = loop.loop().createTask(Aio.async(name, () -> valueString(callSnippet(doitMethod))), name);
        } catch (Throwable e) {
            outcome.completeExceptionally(new InvocationTargetException(e));
            return;
        }
        Statement statement = new Statement(task);
        current = statement;
        task.addDoneCallback(f -> finish(statement, outcome));
    }

    private static Object callSnippet(Method doitMethod) throws Exception {
        try {
            return doitMethod.invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error er) {
                throw er;
            }
            throw new UndeclaredThrowableException(cause);
        }
    }

    /** Loop thread: the statement's task is done; hands its outcome to the JShell thread. */
    private void finish(Statement statement, CompletableFuture<String> outcome) {
        if (current == statement) {
            current = null;
        }
        boolean byCtrlC = statement.state == StatementState.CANCEL_REQUESTED;
        statement.state = StatementState.DONE;
        Task<String> task = statement.task;
        if (task.cancelled()) {
            if (byCtrlC) {
                outcome.completeExceptionally(new StoppedException());
                return;
            }
            try {
                task.result();
            } catch (CancelledError e) {
                outcome.completeExceptionally(new InvocationTargetException(e));
                return;
            }
        }
        Throwable failure = task.exception(); // marks it retrieved: the shell reports it
        if (failure != null) {
            outcome.completeExceptionally(new InvocationTargetException(failure));
        } else {
            outcome.complete(task.result());
        }
    }

    /** Cancels the running statement's task (Ctrl-C); does nothing between statements. */
    @Override
    public void stop() {
        try {
            loop.execute(this::cancelCurrent);
        } catch (IllegalStateException closed) {
            // nothing runs any more
        }
    }

    private void cancelCurrent() {
        Statement statement = current;
        if (statement != null && statement.state == StatementState.RUNNING && !statement.task.done()) {
            statement.state = StatementState.CANCEL_REQUESTED;
            statement.task.cancel(CANCEL_MESSAGE);
        }
    }

    @Override
    public String varValue(String className, String varName)
            throws RunException, EngineTerminationException, InternalException {
        try {
            return loop.call(() -> super.varValue(className, varName));
        } catch (IllegalStateException closed) {
            throw new EngineTerminationException(closed.getMessage());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RunException re) {
                throw re;
            }
            if (cause instanceof InternalException ie) {
                throw ie;
            }
            if (cause instanceof EngineTerminationException ete) {
                throw ete;
            }
            throw new InternalException("reading " + varName + " failed: " + cause);
        }
    }

    /** Closes the session's loop: pending tasks are cancelled and awaited, then the loop closes. */
    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            super.close();
        }
    }
}
