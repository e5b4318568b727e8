"""Temporary access to one case for one caseworker, granted by the social manager
(accesscontrol.models.CaseAccessGrant)."""
