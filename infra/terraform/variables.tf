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

variable "chain_facts" {
  description = "What the chains need (regions, worker accounts, buckets): the output of `npx dfchain deploy-facts --json --chains-dir dag`. Generated, never written by hand."
  type        = string
  validation {
    condition     = can(jsondecode(var.chain_facts).regions) && can(jsondecode(var.chain_facts).templateBuckets)
    error_message = "chain_facts must be the output of `npx dfchain deploy-facts --json`."
  }
}

variable "worker_service_account" {
  description = "Service account the Dataflow workers run as; the function acts as it. Default: dfchain-worker, created with its roles."
  type        = string
  default     = null
}

variable "template_buckets" {
  description = "Buckets a computed (.$) template path can name: the function and the workers may read them."
  type        = list(string)
  default     = []
}

variable "firestore_database" {
  description = "Firestore database of the runs; the function's access is limited to it."
  type        = string
  default     = "dfchain"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_database))
    error_message = "firestore_database must be a database id (4-63 lowercase letters, digits and '-', starting with a letter), not (default)."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database. Default: the region."
  type        = string
  default     = null
}

variable "create_firestore_database" {
  description = "Create the Firestore database; set false when it exists (it must be in Native mode)."
  type        = bool
  default     = true
}

variable "max_instances" {
  description = "Most function instances at once (Dataflow's default quota is 25 concurrent jobs)."
  type        = number
  default     = 25
}

variable "memory" {
  description = "Memory of one function instance (measured peak RSS: about 108 MiB; see README)."
  type        = string
  default     = "512Mi"
}

variable "max_delivery_attempts" {
  description = "Deliveries of one message before it is parked on the dead-letter topic."
  type        = number
  default     = 10
}

variable "eventarc" {
  description = "Route Dataflow statusChanged events to the function: one trigger per region the chains use."
  type        = bool
  default     = true
}

variable "alert_notification_channels" {
  description = "Monitoring notification channels (ids: projects/P/notificationChannels/N) told when a run fails or misses its chain's Deadline (infra/deploy.sh --notification-channel); none: the incidents show in the console only."
  type        = list(string)
  default     = []
}
