output "release_name" {
  value = helm_release.redpanda.name
}
