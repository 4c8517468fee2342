package dev.orca.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One ORCA experiment on the cluster: the spec is what the user asks for (the same document
 * {@code orca run} reads), the status is written by the operator alone.
 */
@Group(OrcaExperiment.GROUP)
@Version(OrcaExperiment.VERSION)
@Kind("OrcaExperiment")
@Plural("orcaexperiments")
@Singular("orcaexperiment")
@ShortNames({"orca", "orcax"})
@AdditionalPrinterColumn(name = "PHASE", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "STAGE", jsonPath = ".status.stage", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PROGRESS", jsonPath = ".status.progress.summary", type = AdditionalPrinterColumn.Type.STRING)
// Formatted by the operator: a NUMBER column prints a double in full (86.93648637135824) and a metric without its name.
@AdditionalPrinterColumn(name = "OTDD", jsonPath = ".status.otdd.summary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "METRIC", jsonPath = ".status.metric.summary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "BODY", jsonPath = ".spec.body.checkpoint", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "TASK", jsonPath = ".spec.task.type", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class OrcaExperiment extends CustomResource<OrcaExperimentSpec, OrcaExperimentStatus> implements Namespaced {
    public static final String GROUP = "orca.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    protected OrcaExperimentSpec initSpec() {
        return new OrcaExperimentSpec();
    }

    @Override
    protected OrcaExperimentStatus initStatus() {
        return null; // absent until the operator first reconciles
    }
}
