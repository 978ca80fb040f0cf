# A Redpanda cluster from the official Helm chart (https://docs.redpanda.com/current/deploy/deployment-option/self-hosted/kubernetes/k-production-deployment/):
# one broker per zone, rack awareness from the node's zone label, replication factor 3 by default,
# auto-create off (topics come from ../topics), idempotent producers on. The chart's internal
# Kafka listener is port 9093 on the headless service redpanda.<namespace>.svc.cluster.local.
resource "helm_release" "redpanda" {
  name       = "redpanda"
  namespace  = var.namespace
  repository = "https://charts.redpanda.com"
  chart      = "redpanda"
  version    = var.chart_version
  timeout    = 900

  values = [yamlencode({
    statefulset = {
      replicas = var.brokers
      # Exactly one broker per zone: losing a zone loses one replica of each partition, not two.
      topologySpreadConstraints = [{
        maxSkew           = 1
        topologyKey       = "topology.kubernetes.io/zone"
        whenUnsatisfiable = "DoNotSchedule"
      }]
      nodeSelector = {}
    }
    rackAwareness = {
      enabled        = true
      nodeAnnotation = "topology.kubernetes.io/zone"
    }
    resources = {
      cpu    = { cores = var.cpu_cores }
      memory = { container = { max = var.memory } }
    }
    storage = {
      persistentVolume = {
        enabled      = true
        size         = var.storage_size
        storageClass = var.storage_class
      }
    }
    tls = {
      enabled = var.tls_enabled
    }
    tuning = {
      tune_aio_events = true
    }
    config = {
      cluster = {
        auto_create_topics_enabled = false
        default_topic_replications = var.replication
        minimum_topic_replications = var.replication
        enable_idempotence         = true
        enable_rack_awareness      = true
        log_compression_type       = "producer"
        group_topic_partitions     = 16
      }
    }
    # No console or connectors in this stack; observability scrapes the brokers' /public_metrics.
    console    = { enabled = false }
    connectors = { enabled = false }
    monitoring = { enabled = true }
  })]
}
