variable "kubeconfig_path" {
  description = "Path of the kubeconfig used by the kubernetes and helm providers."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "kubeconfig context of the production cluster."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of every volstream resource."
  type        = string
  default     = "volstream"
}

variable "zones" {
  description = "Availability zones, one Redpanda broker per zone (rack awareness)."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  validation {
    condition     = length(var.zones) == 3
    error_message = "Expected 3 zones (one per broker, replication factor 3)."
  }
}

# ---- Redpanda -----------------------------------------------------------------------------------

variable "redpanda_chart_version" {
  description = "Version of the redpanda/redpanda Helm chart."
  type        = string
  default     = "5.9.4"
}

variable "redpanda_brokers" {
  description = "Number of Redpanda brokers."
  type        = number
  default     = 3
}

variable "redpanda_storage_class" {
  description = "StorageClass of the broker volumes (local NVMe, XFS)."
  type        = string
  default     = "local-nvme-xfs"
}

variable "redpanda_storage_size" {
  description = "Persistent volume size per broker."
  type        = string
  default     = "500Gi"
}

variable "redpanda_cpu_cores" {
  description = "Cores per broker (Seastar --smp)."
  type        = number
  default     = 4
}

variable "redpanda_memory" {
  description = "Memory per broker container."
  type        = string
  default     = "16Gi"
}

variable "kafka_bootstrap_servers" {
  description = "Kafka API addresses used by the topic provider and by the services."
  type        = list(string)
  default = [
    "redpanda-0.redpanda.volstream.svc.cluster.local:9093",
    "redpanda-1.redpanda.volstream.svc.cluster.local:9093",
    "redpanda-2.redpanda.volstream.svc.cluster.local:9093",
  ]
}

variable "kafka_tls_enabled" {
  description = "TLS on the Kafka listeners. Off until the bus gains TLS/SASL settings; traffic stays inside the cluster network (restrict it with NetworkPolicies)."
  type        = bool
  default     = false
}

# ---- Topics -------------------------------------------------------------------------------------

# Mirrors the topic registry (packages/contracts/src/topics.ts); packages/cli/test/infra.test.ts
# fails when they drift. Keep one topic per line.
variable "topics" {
  description = "Topics with partitions, retention (ms) and cleanup policy."
  type = map(object({
    partitions     = number
    retention_ms   = number
    cleanup_policy = string
  }))
  default = {
    "volstream.marketdata.v1" = { partitions = 24, retention_ms = 259200000, cleanup_policy = "delete" }
    "volstream.orderbook.v1"  = { partitions = 12, retention_ms = 86400000, cleanup_policy = "delete" }
    "volstream.volatility.v1" = { partitions = 12, retention_ms = 259200000, cleanup_policy = "delete" }
    "volstream.surface.v1"    = { partitions = 4, retention_ms = 604800000, cleanup_policy = "delete" }
  }
}

variable "latest_state_topics" {
  description = "Compacted latest-state topics (planned: volstream.instruments.v1, volstream.surface-latest.v1). Empty until a producer exists."
  type = map(object({
    partitions = number
  }))
  default = {}
}

variable "replication_factor" {
  description = "Replicas per partition; 3 with one broker per zone survives the loss of a zone."
  type        = number
  default     = 3
}

# ---- ClickHouse ---------------------------------------------------------------------------------

variable "clickhouse_image" {
  description = "ClickHouse server image."
  type        = string
  default     = "clickhouse/clickhouse-server:24.8"
}

variable "clickhouse_storage_size" {
  description = "Persistent volume size of the ClickHouse server."
  type        = string
  default     = "1Ti"
}

variable "clickhouse_storage_class" {
  description = "StorageClass of the ClickHouse volume."
  type        = string
  default     = "gp3"
}

variable "clickhouse_password_secret" {
  description = "Name of an existing Secret (key `password`) holding the volstream ClickHouse user's password. Created out of band; never in this repo."
  type        = string
  default     = "volstream-clickhouse"
}

# ---- Services -----------------------------------------------------------------------------------

variable "image" {
  description = "volstream container image (one image, the `volstream` CLI picks the service)."
  type        = string
  default     = "ghcr.io/volstream/volstream:0.1.0"
}

variable "services" {
  description = "One Deployment per service: the volstream subcommand it runs, replicas, resources, extra env."
  type = map(object({
    command  = list(string)
    replicas = number
    cpu      = string
    memory   = string
    port     = optional(number)
    env      = optional(map(string), {})
  }))
  default = {
    # One connector per venue: a connector is the only writer of its venue's feed; more
    # throughput comes from connection sharding inside it, not replicas.
    "connector-deribit" = { command = ["connector", "--venue", "deribit"], replicas = 1, cpu = "1", memory = "1Gi" }
    # Workers scale by replicas in their consumer group, up to the partitions of their input topic.
    "orderbook-worker"  = { command = ["worker", "orderbook"], replicas = 3, cpu = "1", memory = "1Gi" }
    "volatility-worker" = { command = ["worker", "volatility"], replicas = 6, cpu = "2", memory = "1Gi" }
    "surface-worker"    = { command = ["worker", "surface"], replicas = 2, cpu = "2", memory = "2Gi" }
    "storage-writer"    = { command = ["store"], replicas = 2, cpu = "1", memory = "2Gi" }
    "gateway"           = { command = ["gateway"], replicas = 2, cpu = "1", memory = "1Gi", port = 8080 }
  }
}
