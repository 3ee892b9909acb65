"""Outputs: the pagers (Alertmanager, PagerDuty, webhook), pure payload builders and thin clients."""
