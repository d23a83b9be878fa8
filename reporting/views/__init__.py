"""Governance pages (issue 8), mounted at /governance/."""
