package org.aio4j;

/** Readable names for callbacks and code locations, for reports and {@code toString()}s. */
final class Describe {
    private Describe() {
    }

    /** A ready item as reports name it: "a step of Task[...]" or "the callback ...". */
    static String readyItem(Object item) {
        return item instanceof Strand.Step step ? "a step of " + step.strand().task : "the callback " + handleOrCallback(item);
    }

    /** A handle's own description, else {@link #callback}. */
    static String handleOrCallback(Object item) {
        return item instanceof Handle h ? h.toString() : callback(item);
    }

    /** A readable name for a lambda or callback object. */
    static String callback(Object callback) {
        if (callback == null) {
            return "null";
        }
        String cls = callback.getClass().getName();
        int lambda = cls.indexOf("$$Lambda");
        if (lambda >= 0) {
            String owner = cls.substring(0, lambda);
            return owner.substring(owner.lastIndexOf('.') + 1) + " lambda";
        }
        String s = callback.toString();
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }

    /** The first stack frame outside aio4j's own packages and the JDK, or null. */
    static StackTraceElement userFrame(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            int dot = c.lastIndexOf('.');
            String pkg = dot < 0 ? "" : c.substring(0, dot);
            if (pkg.equals("org.aio4j") || pkg.equals("org.aio4j.lowlevel") || c.startsWith("java.")
                    || c.startsWith("jdk.") || c.startsWith("sun.")) {
                continue;
            }
            return e;
        }
        return null;
    }
}
