output "kafka_bootstrap_servers" {
  description = "Kafka API addresses of the Redpanda brokers."
  value       = var.kafka_bootstrap_servers
}

output "topics" {
  description = "Topic names managed by this configuration."
  value       = module.topics.names
}

output "clickhouse_http_url" {
  description = "In-cluster HTTP URL of ClickHouse."
  value       = module.clickhouse.http_url
}

output "gateway_service" {
  description = "In-cluster address of the API gateway."
  value       = module.services.service_addresses["gateway"]
}
