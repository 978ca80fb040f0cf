output "http_url" {
  value = "http://${kubernetes_service_v1.clickhouse.metadata[0].name}.${var.namespace}.svc.cluster.local:8123"
}
