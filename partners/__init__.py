"""Who we talk to: partners, credentials, endpoints, registration (built in the partners issue)."""
