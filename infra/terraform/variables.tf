variable "project_id" {
  description = "Project that owns the runs and the Dataflow jobs."
  type        = string
}

variable "region" {
  description = "Region of the function, its trigger and the scheduler job."
  type        = string
  default     = "europe-west4"
}

variable "sink_filter" {
  description = "Log Router sink filter for the chains: the output of `npx dfchain sink-filter --chains-dir dag`. Generated, never written by hand."
  type        = string
  validation {
    condition     = strcontains(var.sink_filter, "resource.type=\"dataflow_step\"")
    error_message = "sink_filter must be the output of `npx dfchain sink-filter` (it restricts the sink to Dataflow job messages)."
  }
}

variable "chains_dir" {
  description = "Folder of chain files, relative to source_dir; uploaded with the source."
  type        = string
  default     = "dag"
}

variable "source_dir" {
  description = "The dfchain repository to upload as the function's source (Cloud Build runs its gcp-build script)."
  type        = string
  default     = null
}

variable "worker_service_account" {
  description = "Service account the Dataflow workers run as; the function acts as it. Default: the Compute Engine default service account."
  type        = string
  default     = null
}

variable "firestore_location" {
  description = "Location of the (default) Firestore database. Default: the region."
  type        = string
  default     = null
}

variable "create_firestore_database" {
  description = "Create the (default) Firestore database; set false when the project already has one."
  type        = bool
  default     = true
}

variable "max_delivery_attempts" {
  description = "Deliveries of one message before it is parked on the dead-letter topic."
  type        = number
  default     = 10
}

variable "eventarc" {
  description = "Also route Dataflow statusChanged events to the function."
  type        = bool
  default     = false
}
