{{- /* Namespaced objects: the release's name, so two releases in one namespace do not collide ("orca" -> orca-operator). */ -}}
{{- define "orca.name" -}}{{ printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}

{{- /* Cluster-scoped objects and bindings in watched namespaces: release names are unique per namespace only. */ -}}
{{- define "orca.clusterName" -}}{{ printf "%s-%s-operator" .Release.Namespace .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}

{{- /* An image reference: repository@digest when a digest is given (what a build printed), else repository:tag. */ -}}
{{- define "orca.image" -}}
{{- if .digest }}{{ .repository }}@{{ .digest }}{{ else }}{{ .repository }}:{{ .tag }}{{ end -}}
{{- end -}}

{{- define "orca.labels" -}}
app.kubernetes.io/name: orca-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "orca.selectorLabels" -}}
app.kubernetes.io/name: orca-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
