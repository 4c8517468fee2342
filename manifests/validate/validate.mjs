// Validates every object in the given YAML files against the Kubernetes OpenAPI schemas (kubernetes-models).
// Custom resources are left to the Java side (CrdAdmission validates OrcaExperiments against our own CRD); a
// kind this validator does not know is an error, unless listed in SKIP with the reason.
import fs from "node:fs";
import yaml from "js-yaml";

const SKIP = {
  "orca.dev/v1alpha1/OrcaExperiment": "validated against the CRD by ManifestExperimentsTest",
  "monitoring.coreos.com/v1/ServiceMonitor": "Prometheus Operator CRD, not a Kubernetes API",
};

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of yaml.loadAll(fs.readFileSync(file, "utf8"))) {
    if (!doc) continue;
    const [group, version] = doc.apiVersion.includes("/") ? doc.apiVersion.split("/") : ["", doc.apiVersion];
    const key = `${doc.apiVersion}/${doc.kind}`;
    if (SKIP[key]) continue;
    const module = group === "" ? `kubernetes-models/${version}/${doc.kind}` : `kubernetes-models/${group}/${version}/${doc.kind}`;
    let Model;
    try {
      Model = (await import(module))[doc.kind];
    } catch (e) {
      console.error(`${file}: ${key} ${doc.metadata?.name}: no schema for this kind`);
      failures++;
      continue;
    }
    try {
      new Model(doc).validate();
      checked++;
    } catch (e) {
      console.error(`${file}: ${key} ${doc.metadata?.name}: ${e.message}`);
      failures++;
    }
  }
}
console.log(`kubernetes schema validation: ${checked} objects valid, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
