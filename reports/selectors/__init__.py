"""Selectors read report data for an actor, checking the actor's role once, here."""
