package org.aio4j.jdbc;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a query's result, read in full before the call returns (asyncpg's {@code Record}): its
 * values by position (from 0) or by column label, as the driver's {@link ResultSet#getObject(int)}
 * gave them. Immutable; the rows of one result share their column labels.
 */
public final class Row {
    private final Columns columns;
    private final Object[] values;

    private Row(Columns columns, Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    /** The number of columns. */
    public int size() {
        return values.length;
    }

    /** The column labels, in order. */
    public List<String> columns() {
        return columns.labels;
    }

    /**
     * The value of column {@code index}, from 0 (SQL NULL is null).
     *
     * @throws IndexOutOfBoundsException if the row has no such column
     */
    public Object get(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException("column " + index + " of a row with " + values.length
                    + " columns " + columns.labels + " (indexes start at 0)");
        }
        return values[index];
    }

    /**
     * The value of the column labelled {@code label} (exactly, else ignoring case).
     *
     * @throws IllegalArgumentException if no column has that label
     */
    public Object get(String label) {
        return values[columns.indexOf(label)];
    }

    /**
     * The value of column {@code label} as a {@code type}: numbers convert between Java's number
     * types when no precision is lost ({@code long} 7 as an {@code Integer}).
     *
     * @throws ClassCastException if the value is of another type
     * @throws IllegalArgumentException if no column has that label
     */
    public <T> T get(String label, Class<T> type) {
        return convert(get(label), type, label);
    }

    /** {@link #get(String, Class)} by position. */
    public <T> T get(int index, Class<T> type) {
        return convert(get(index), type, String.valueOf(index));
    }

    /** The row as label to value, in column order (a copy). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(columns.labels.get(i), values[i]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.columns.labels.equals(columns.labels) && Arrays.equals(r.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * columns.labels.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<Row");
        for (int i = 0; i < values.length; i++) {
            sb.append(' ').append(columns.labels.get(i)).append('=').append(values[i]);
        }
        return sb.append('>').toString();
    }

    private static <T> T convert(Object v, Class<T> type, String column) {
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        if (v instanceof Number n) {
            Object c = null;
            if (type == Long.class && n.longValue() == n.doubleValue()) {
                c = n.longValue();
            } else if (type == Integer.class && n.longValue() == n.intValue() && n.longValue() == n.doubleValue()) {
                c = n.intValue();
            } else if (type == Double.class) {
                c = n.doubleValue();
            }
            if (c != null) {
                return type.cast(c);
            }
        }
        throw new ClassCastException("column " + column + " holds a " + v.getClass().getName() + " (" + v
                + "), not a " + type.getName());
    }

    /** Reads every remaining row of {@code rs}. */
    static List<Row> readAll(ResultSet rs) throws SQLException {
        Columns columns = Columns.of(rs.getMetaData());
        List<Row> rows = new ArrayList<>();
        int n = columns.labels.size();
        while (rs.next()) {
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                values[i] = rs.getObject(i + 1);
            }
            rows.add(new Row(columns, values));
        }
        return rows;
    }

    /** The labels of one result, shared by its rows. */
    private static final class Columns {
        final List<String> labels;
        final Map<String, Integer> index = new HashMap<>();

        private Columns(List<String> labels) {
            this.labels = labels;
            for (int i = labels.size() - 1; i >= 0; i--) {
                index.put(labels.get(i), i); // the first of equal labels wins
            }
        }

        static Columns of(ResultSetMetaData md) throws SQLException {
            List<String> labels = new ArrayList<>(md.getColumnCount());
            for (int i = 1; i <= md.getColumnCount(); i++) {
                labels.add(md.getColumnLabel(i));
            }
            return new Columns(Collections.unmodifiableList(labels));
        }

        int indexOf(String label) {
            Integer i = index.get(label);
            if (i == null) {
                for (int j = 0; j < labels.size(); j++) {
                    if (labels.get(j).equalsIgnoreCase(label)) {
                        return j;
                    }
                }
                throw new IllegalArgumentException("no column '" + label + "' in this row; its columns are " + labels);
            }
            return i;
        }
    }
}
