"""Running Qiao for real: health, backups, restore, export, retention, the webhook server."""
