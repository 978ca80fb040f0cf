variable "namespace" {
  type = string
}

variable "chart_version" {
  type = string
}

variable "brokers" {
  type = number
}

variable "zones" {
  description = "Zones the brokers spread over; the node label topology.kubernetes.io/zone becomes the broker's rack."
  type        = list(string)
}

variable "storage_class" {
  type = string
}

variable "storage_size" {
  type = string
}

variable "cpu_cores" {
  type = number
}

variable "memory" {
  type = string
}

variable "replication" {
  type = number
}

variable "tls_enabled" {
  description = "TLS on the chart's listeners (the volstream bus has no TLS settings yet)."
  type        = bool
}
