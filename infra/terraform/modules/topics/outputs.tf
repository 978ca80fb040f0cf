output "names" {
  value = concat(
    [for t in kafka_topic.event_log : t.name],
    [for t in kafka_topic.latest_state : t.name],
  )
}
