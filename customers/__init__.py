"""The eMSP's own customers: drivers' contracts, their pricing plans and authorization policy."""
