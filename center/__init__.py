"""Provincial center: idempotent ingest, dashboard, alerts, arrivals, reports, publishing."""
