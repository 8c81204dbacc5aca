package org.aio4j.shell;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.PrintStream;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.aio4j.EventLoopsMXBean;

/**
 * {@code ./aio4j ps PID}, {@code ./aio4j pstree PID} and {@code ./aio4j loops PID}: the tasks of
 * every event loop running in another JVM (asyncio 3.14's {@code python -m asyncio ps / pstree}).
 *
 * <p>It attaches to the JVM with the JDK's attach API, starts its local management agent (as
 * {@code jcmd PID ManagementAgent.start_local} does; nothing listens on the network) and calls the
 * {@link EventLoopsMXBean} that aio4j registers when a loop runs. The target must run as the same
 * user; a JVM started with {@code -XX:+DisableAttachMechanism} cannot be inspected.
 */
public final class LoopsTool {
    private LoopsTool() {
    }

    /** {@code ps|pstree|loops PID}; exits with 2 on a usage error, 1 when the JVM cannot be asked. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** {@link #main} without exiting: the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !(args[0].equals("ps") || args[0].equals("pstree") || args[0].equals("loops"))
                || !args[1].chars().allMatch(Character::isDigit) || args[1].isEmpty()) {
            err.println("usage: ./aio4j ps PID | ./aio4j pstree PID | ./aio4j loops PID (PID: a JVM running aio4j;"
                    + " list JVMs with jcmd -l)");
            return 2;
        }
        try {
            out.print(ask(args[0], args[1]));
            return 0;
        } catch (InstanceNotFoundException e) {
            err.println("JVM " + args[1] + " runs no aio4j event loop now (it has no " + EventLoopsMXBean.OBJECT_NAME
                    + " MBean: no loop has run yet, or it was started with -Daio4j.watchdog=false)");
        } catch (Exception e) {
            err.println("cannot ask JVM " + args[1] + ": " + e
                    + " (is it running, as this user, without -XX:+DisableAttachMechanism?)");
        }
        return 1;
    }

    static String ask(String what, String pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(pid);
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = c.getMBeanServerConnection();
            ObjectName name = new ObjectName(EventLoopsMXBean.OBJECT_NAME);
            if (what.equals("loops")) {
                String[] loops = (String[]) server.getAttribute(name, "Loops");
                return loops.length == 0 ? "no event loop is running\n" : String.join("\n", loops) + "\n";
            }
            return (String) server.invoke(name, what, null, null);
        } catch (IOException e) {
            throw new IOException("the JMX connection to " + address + " failed", e);
        }
    }
}
