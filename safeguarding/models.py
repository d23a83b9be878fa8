"""Filled by a later issue; installed now so its place in the dependency order is fixed."""
