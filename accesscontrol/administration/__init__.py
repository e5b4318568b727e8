"""Administration for the `sysadmin` role: users, units, organisations, roles, the agreement with its
targets and follow-up window, the intervention catalogue, tariffs and legal bases.

These pages never read case content: no selector here touches cases, persons or anything hanging off
them (tests/accesscontrol/test_administration.py checks every page's SQL)."""
