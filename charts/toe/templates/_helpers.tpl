{{- define "toe.labels" -}}
app.kubernetes.io/name: toe
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
