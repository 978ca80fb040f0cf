variable "namespace" {
  type = string
}

variable "image" {
  type = string
}

variable "storage_class" {
  type = string
}

variable "storage_size" {
  type = string
}

variable "password_secret" {
  description = "Existing Secret with key `password` for the `volstream` user."
  type        = string
}
