package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The spec's {@code @Min}, {@code @Max}, {@code @Size} and {@code @Pattern} bounds, checked on the Java object the way
 * the CRD's schema checks them at admission (the schema is generated from the same annotations): {@code orca run}
 * has no API server to refuse an experiment, and reading the annotations here keeps the two from drifting.
 */
final class SchemaBounds {
    private SchemaBounds() {}

    static void check(Object value, String path, List<SpecValidation.Violation> out) {
        if (value == null || !value.getClass().getName().startsWith(OrcaExperimentSpec.class.getName())) {
            return;
        }
        for (Field f : value.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Object v;
            try {
                v = f.get(value);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            JsonProperty renamed = f.getAnnotation(JsonProperty.class);
            String name = path + "." + (renamed != null && !renamed.value().isEmpty() ? renamed.value() : f.getName());
            bounds(f, v, name, out);
            AnnotatedType type = f.getAnnotatedType();
            if (v instanceof List<?> list) {
                AnnotatedType element = type instanceof AnnotatedParameterizedType p ? p.getAnnotatedActualTypeArguments()[0] : null;
                for (int i = 0; i < list.size(); i++) {
                    if (element != null) {
                        bounds(element, list.get(i), name + "[" + i + "]", out);
                    }
                    check(list.get(i), name + "[" + i + "]", out);
                }
            } else if (v instanceof Map<?, ?> map) {
                // Bounds on the values' type (Map<String, @Size(max = n) String>), as the schema's additionalProperties.
                AnnotatedType values = type instanceof AnnotatedParameterizedType p ? p.getAnnotatedActualTypeArguments()[1] : null;
                if (values != null) {
                    map.forEach((k, e) -> bounds(values, e, name + "." + k, out));
                }
            } else {
                check(v, name, out);
            }
        }
    }

    private static void bounds(AnnotatedElement on, Object v, String name, List<SpecValidation.Violation> out) {
        if (v == null) {
            return;
        }
        Min min = on.getAnnotation(Min.class);
        Max max = on.getAnnotation(Max.class);
        if (v instanceof Number n) {
            double d = n.doubleValue();
            if (min != null && (min.inclusive() ? d < min.value() : d <= min.value())) {
                out.add(new SpecValidation.Violation(name, "must be " + (min.inclusive() ? ">= " : "> ") + number(min.value()) + ", got " + v));
            }
            if (max != null && (max.inclusive() ? d > max.value() : d >= max.value())) {
                out.add(new SpecValidation.Violation(name, "must be " + (max.inclusive() ? "<= " : "< ") + number(max.value()) + ", got " + v));
            }
        }
        Size size = on.getAnnotation(Size.class);
        if (size != null) {
            long length = v instanceof Collection<?> c ? c.size() : v instanceof Map<?, ?> m ? m.size()
                    : v instanceof String s ? s.length() : -1;
            if (length >= 0 && (length < size.min() || length > size.max())) {
                out.add(new SpecValidation.Violation(name, "must have between " + size.min() + " and " + size.max()
                        + (v instanceof String ? " characters" : " entries") + ", got " + length));
            }
        }
        Pattern pattern = on.getAnnotation(Pattern.class);
        if (pattern != null && v instanceof String s && !s.matches(pattern.value())) {
            out.add(new SpecValidation.Violation(name, "must match " + pattern.value() + ", got \"" + ProgressReport.clip(s, 80) + "\""));
        }
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
