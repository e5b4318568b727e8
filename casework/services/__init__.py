"""Services change casework data: each is one transaction that checks permission and writes the
change together with its timeline event. Modules by workflow."""
