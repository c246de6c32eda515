# One Cloud Scheduler job per chain Schedule, as infra/deploy.sh makes them: named
# dfchain-schedule-CHAIN, publishing the schedule's message on the events topic. The schedules
# come with the other chain facts (var.chain_facts, the output of `npx dfchain deploy-facts
# --json`: schedules [{chain, cron, timeZone, message}]), so a regenerated chain_facts adds,
# changes and (for_each) deletes the jobs; no other input is needed. Facts generated before
# schedules existed have no `schedules`: no job.
locals {
  schedules = { for s in try(local.facts.schedules, []) : s.chain => s }
}

resource "google_cloud_scheduler_job" "schedule" {
  for_each    = local.schedules
  project     = var.project_id
  region      = var.region
  name        = "dfchain-schedule-${each.key}"
  description = "dfchain: starts a run of chain ${each.key} (its Schedule)"
  schedule    = each.value.cron
  time_zone   = try(each.value.timeZone, "Etc/UTC")
  pubsub_target {
    topic_name = google_pubsub_topic.events.id
    # The exact body deploy-facts gives (a string); an object is published as its JSON.
    data = base64encode(try(tostring(each.value.message), jsonencode(each.value.message)))
  }
  depends_on = [google_project_service.apis]
}
