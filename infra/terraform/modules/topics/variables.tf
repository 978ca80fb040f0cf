variable "topics" {
  type = map(object({
    partitions     = number
    retention_ms   = number
    cleanup_policy = string
  }))
}

variable "latest_state_topics" {
  type = map(object({
    partitions = number
  }))
}

variable "replication_factor" {
  type = number
}
