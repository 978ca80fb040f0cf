# One Deployment per service, all from the same image: the container runs `volstream <command>`.
# Scaling a worker is its `replicas` (members of one consumer group; at most the input topic's
# partitions do work). State is rebuilt from topics after a rebalance, so pods are disposable.
resource "kubernetes_deployment_v1" "service" {
  for_each = var.services

  metadata {
    name      = each.key
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/name"    = each.key
      "app.kubernetes.io/part-of" = "volstream"
    }
  }

  spec {
    replicas = each.value.replicas
    selector {
      match_labels = { "app.kubernetes.io/name" = each.key }
    }
    strategy {
      type = "RollingUpdate"
      rolling_update {
        max_unavailable = "0"
        max_surge       = "1"
      }
    }
    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"    = each.key
          "app.kubernetes.io/part-of" = "volstream"
        }
      }
      spec {
        # SIGTERM makes `volstream` stop components in reverse order and flush the bus.
        termination_grace_period_seconds = 30
        topology_spread_constraint {
          max_skew           = 1
          topology_key       = "topology.kubernetes.io/zone"
          when_unsatisfiable = "ScheduleAnyway"
          label_selector {
            match_labels = { "app.kubernetes.io/name" = each.key }
          }
        }
        container {
          name  = each.key
          image = var.image
          args  = each.value.command

          dynamic "env" {
            for_each = merge(var.common_env, each.value.env, { VOLSTREAM_SERVICE = each.key })
            content {
              name  = env.key
              value = env.value
            }
          }
          env {
            name = "VOLSTREAM_CLICKHOUSE_PASSWORD"
            value_from {
              secret_key_ref {
                name     = var.clickhouse_password_secret
                key      = "password"
                optional = true
              }
            }
          }
          dynamic "port" {
            for_each = each.value.port == null ? [] : [each.value.port]
            content {
              name           = "http"
              container_port = port.value
            }
          }
          dynamic "readiness_probe" {
            for_each = each.value.port == null ? [] : [each.value.port]
            content {
              http_get {
                path = "/healthz"
                port = readiness_probe.value
              }
              period_seconds = 5
            }
          }
          resources {
            requests = { cpu = each.value.cpu, memory = each.value.memory }
            limits   = { memory = each.value.memory }
          }
          security_context {
            run_as_non_root            = true
            run_as_user                = 10001
            read_only_root_filesystem  = true
            allow_privilege_escalation = false
          }
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "service" {
  for_each = { for name, s in var.services : name => s if s.port != null }

  metadata {
    name      = each.key
    namespace = var.namespace
  }
  spec {
    selector = { "app.kubernetes.io/name" = each.key }
    port {
      name        = "http"
      port        = each.value.port
      target_port = each.value.port
    }
  }
}
