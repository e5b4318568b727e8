"""Administration for the `sysadmin` role: users, units, organisations, roles, the agreement with its
targets and follow-up window, the intervention catalogue, tariffs and legal bases. Here in casework, above
accesscontrol, because most of what it keeps is casework's (docs/architecture.md, the layers).

These pages never read case content: no selector here touches cases, persons or anything hanging off
them (tests/accesscontrol/test_administration_shows_no_case_content.py checks every page's SQL)."""
