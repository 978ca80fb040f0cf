# Production infrastructure of volstream on Kubernetes: a 3-broker Redpanda cluster (Helm chart),
# the topics with their retention (Kafka admin API), a ClickHouse server, and one Deployment per
# service. Unvalidated by CI: terraform is not installable on the build machines (docs/DEPLOYMENT.md).
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.31"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 2.14"
    }
    # Topic management over the Kafka admin API; Redpanda speaks it.
    kafka = {
      source  = "Mongey/kafka"
      version = "~> 0.7"
    }
  }
}
