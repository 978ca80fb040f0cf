# Credentials come from the operator's kubeconfig context; nothing secret lives in this repo.
provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kube_context
}

provider "helm" {
  kubernetes {
    config_path    = var.kubeconfig_path
    config_context = var.kube_context
  }
}

# Topics are managed from inside the cluster network (CI runner or a bastion with access to the
# brokers); `kafka_bootstrap_servers` defaults to the in-cluster service names of the Redpanda chart.
provider "kafka" {
  bootstrap_servers = var.kafka_bootstrap_servers
  tls_enabled       = var.kafka_tls_enabled
  skip_tls_verify   = false
}
