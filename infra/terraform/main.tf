resource "kubernetes_namespace_v1" "volstream" {
  metadata {
    name = var.namespace
    labels = {
      "app.kubernetes.io/part-of" = "volstream"
    }
  }
}

module "redpanda" {
  source = "./modules/redpanda"

  namespace      = kubernetes_namespace_v1.volstream.metadata[0].name
  chart_version  = var.redpanda_chart_version
  brokers        = var.redpanda_brokers
  zones          = var.zones
  storage_class  = var.redpanda_storage_class
  storage_size   = var.redpanda_storage_size
  cpu_cores      = var.redpanda_cpu_cores
  memory         = var.redpanda_memory
  replication    = var.replication_factor
  tls_enabled    = var.kafka_tls_enabled
}

module "topics" {
  source = "./modules/topics"

  topics              = var.topics
  latest_state_topics = var.latest_state_topics
  replication_factor  = var.replication_factor

  depends_on = [module.redpanda]
}

module "clickhouse" {
  source = "./modules/clickhouse"

  namespace       = kubernetes_namespace_v1.volstream.metadata[0].name
  image           = var.clickhouse_image
  storage_class   = var.clickhouse_storage_class
  storage_size    = var.clickhouse_storage_size
  password_secret = var.clickhouse_password_secret
}

module "services" {
  source = "./modules/services"

  namespace = kubernetes_namespace_v1.volstream.metadata[0].name
  image     = var.image
  services  = var.services
  common_env = {
    VOLSTREAM_BUS              = "kafka"
    VOLSTREAM_BROKERS          = join(",", var.kafka_bootstrap_servers)
    VOLSTREAM_KAFKA_IDEMPOTENT = "true"
    VOLSTREAM_CLICKHOUSE_URL   = module.clickhouse.http_url
    LOG_LEVEL                  = "info"
  }
  clickhouse_password_secret = var.clickhouse_password_secret

  depends_on = [module.topics, module.clickhouse]
}
