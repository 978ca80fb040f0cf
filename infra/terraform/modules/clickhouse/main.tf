# A single ClickHouse server (StatefulSet + Service). History is rebuilt from topics and replay is a
# read path, so one replica with a persistent volume and backups is the starting point; move to
# the Altinity operator with ReplicatedMergeTree when query load needs replicas.
locals {
  labels = {
    "app.kubernetes.io/name"    = "clickhouse"
    "app.kubernetes.io/part-of" = "volstream"
  }
}

resource "kubernetes_config_map_v1" "users" {
  metadata {
    name      = "clickhouse-users"
    namespace = var.namespace
  }
  data = {
    # The password comes from the environment (Secret), never from this file.
    "volstream.xml" = <<-XML
      <clickhouse>
        <users>
          <volstream>
            <password from_env="CLICKHOUSE_VOLSTREAM_PASSWORD"/>
            <networks><ip>::/0</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
            <access_management>0</access_management>
          </volstream>
        </users>
      </clickhouse>
    XML
  }
}

resource "kubernetes_stateful_set_v1" "clickhouse" {
  metadata {
    name      = "clickhouse"
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    service_name = "clickhouse"
    replicas     = 1
    selector {
      match_labels = local.labels
    }
    template {
      metadata {
        labels = local.labels
      }
      spec {
        container {
          name  = "clickhouse"
          image = var.image
          port {
            name           = "http"
            container_port = 8123
          }
          port {
            name           = "native"
            container_port = 9000
          }
          env {
            name = "CLICKHOUSE_VOLSTREAM_PASSWORD"
            value_from {
              secret_key_ref {
                name = var.password_secret
                key  = "password"
              }
            }
          }
          resources {
            requests = { cpu = "4", memory = "16Gi" }
            limits   = { memory = "16Gi" }
          }
          readiness_probe {
            http_get {
              path = "/ping"
              port = "http"
            }
            period_seconds = 10
          }
          volume_mount {
            name       = "data"
            mount_path = "/var/lib/clickhouse"
          }
          volume_mount {
            name       = "users"
            mount_path = "/etc/clickhouse-server/users.d"
          }
        }
        volume {
          name = "users"
          config_map {
            name = kubernetes_config_map_v1.users.metadata[0].name
          }
        }
      }
    }
    volume_claim_template {
      metadata {
        name = "data"
      }
      spec {
        access_modes       = ["ReadWriteOnce"]
        storage_class_name = var.storage_class
        resources {
          requests = { storage = var.storage_size }
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "clickhouse" {
  metadata {
    name      = "clickhouse"
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    selector = local.labels
    port {
      name        = "http"
      port        = 8123
      target_port = "http"
    }
    port {
      name        = "native"
      port        = 9000
      target_port = "native"
    }
  }
}
