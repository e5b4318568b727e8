"""Import of a municipality's old lists (Excel or CSV): persons, their cases, interventions and follow-ups.

`reading` turns the uploaded bytes into rows of text keyed by column (the template's Swedish names and
their common variants); `planning` checks every row against the agreement and the database and says what
it would create, skip (already imported) or refuse, and why; `template` makes the downloadable template.
The work itself (preview, confirmation, the import in one transaction) is `casework.services.imports`.
"""
