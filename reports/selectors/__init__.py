"""Selectors read report data for an actor, checking the actor's role once, here. The agreement's years
and the period a report opens on are casework.periods' (agreement_years, agreement_last_period)."""
