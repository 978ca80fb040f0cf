variable "namespace" {
  type = string
}

variable "image" {
  type = string
}

variable "services" {
  type = map(object({
    command  = list(string)
    replicas = number
    cpu      = string
    memory   = string
    port     = optional(number)
    env      = optional(map(string), {})
  }))
}

variable "common_env" {
  description = "Environment shared by every service (bus, brokers, ClickHouse URL, log level)."
  type        = map(string)
}

variable "clickhouse_password_secret" {
  type = string
}
