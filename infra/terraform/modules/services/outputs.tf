output "service_addresses" {
  value = { for name, s in kubernetes_service_v1.service : name => "${s.metadata[0].name}.${var.namespace}.svc.cluster.local:${s.spec[0].port[0].port}" }
}
