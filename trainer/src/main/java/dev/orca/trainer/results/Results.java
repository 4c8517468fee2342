package dev.orca.trainer.results;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.TrainerExit;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code orca results NAME [-n NAMESPACE] [--report FILE | --no-report]}: an experiment's figures in the terminal and its
 * report.html fetched from the cluster to a local file. An {@code orca} subcommand rather than a kubectl plugin: it needs
 * the trainer's own report and status types, and users who run {@code orca run} locally already have it; kubectl's
 * configuration (KUBECONFIG, the current context and its namespace) is what it reads.
 */
public final class Results {
    @picocli.CommandLine.Command(name = "results")
    static final class Arguments {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "NAME")
        String name;
        @picocli.CommandLine.Option(names = {"-n", "--namespace"})
        String namespace;
        @picocli.CommandLine.Option(names = "--report")
        String report;
        @picocli.CommandLine.Option(names = "--no-report")
        boolean noReport;
        @picocli.CommandLine.Option(names = "--image")
        String image;
    }

    public static final String USAGE = "orca results <name> [-n NAMESPACE] [--report FILE | --no-report] [--image IMAGE]"
            + "   an experiment's figures, and its report.html fetched from its claim (default ./<name>-report.html)";

    private Results() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments a = new Arguments();
        try {
            new picocli.CommandLine(a).parseArgs(args);
        } catch (picocli.CommandLine.ParameterException e) {
            err.println("orca results: " + e.getMessage() + "\nusage: " + USAGE);
            return TrainerExit.INVALID_INPUT;
        }
        // Fabric8 warns on every v1alpha1 resource it reads: noise in a command whose output is for people.
        System.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            String namespace = a.namespace != null ? a.namespace : client.getNamespace() != null ? client.getNamespace() : "default";
            ExperimentResults results = new ExperimentResults(client, Duration.ofSeconds(120));
            OrcaExperiment e = results.experiment(namespace, a.name).orElse(null);
            if (e == null) {
                err.println("orca results: no OrcaExperiment " + a.name + " in namespace " + namespace);
                return TrainerExit.INVALID_INPUT;
            }
            out.print(ResultsView.render(e));
            if (a.noReport) {
                return TrainerExit.SUCCEEDED;
            }
            ExperimentResults.Fetched fetched = a.image != null && e.getStatus() != null && e.getStatus().results != null
                    ? fetchWith(results, e, a.image) : results.report(e);
            if (fetched instanceof ExperimentResults.Fetched.Report r) {
                Path file = Path.of(a.report != null ? a.report : a.name + "-report.html");
                dev.orca.trainer.io.AtomicFiles.writeString(file, r.html());
                out.println("  report     " + file.toAbsolutePath() + " (" + r.html().length() + " characters)");
                return TrainerExit.SUCCEEDED;
            }
            err.println("orca results: no report: " + ((ExperimentResults.Fetched.Unavailable) fetched).why());
            return TrainerExit.FAILED;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            err.println("orca results: the cluster refused: " + e.getMessage());
            return TrainerExit.FAILED;
        }
    }

    private static ExperimentResults.Fetched fetchWith(ExperimentResults results, OrcaExperiment e, String image) {
        String rest = e.getStatus().results.replaceFirst("^pvc://", "");
        int slash = rest.indexOf('/');
        return results.read(e, slash < 0 ? rest : rest.substring(0, slash), (slash < 0 ? "" : rest.substring(slash + 1) + "/") + "report.html", image);
    }
}
