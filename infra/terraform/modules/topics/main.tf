# Topics over the Kafka admin API (Mongey/kafka provider; Redpanda implements CreateTopics and
# AlterConfigs). Event-log topics keep everything for their retention; latest-state topics are
# compacted so a new consumer reads one value per key.
resource "kafka_topic" "event_log" {
  for_each = var.topics

  name               = each.key
  partitions         = each.value.partitions
  replication_factor = var.replication_factor

  config = {
    "cleanup.policy"      = each.value.cleanup_policy
    "retention.ms"        = tostring(each.value.retention_ms)
    "compression.type"    = "producer"
    "min.insync.replicas" = "2"
    # Hourly segments so retention drops data in hour steps rather than whole-day segments.
    "segment.ms" = "3600000"
  }
}

resource "kafka_topic" "latest_state" {
  for_each = var.latest_state_topics

  name               = each.key
  partitions         = each.value.partitions
  replication_factor = var.replication_factor

  config = {
    "cleanup.policy"        = "compact"
    "min.compaction.lag.ms" = "60000"
    "compression.type"      = "producer"
    "min.insync.replicas"   = "2"
  }
}
