"""The staff console's own parts: roles, the audit trail, the dashboard and the locations map."""
