"""Selectors read casework data, scoped to what the acting user may see. Modules by workflow."""
