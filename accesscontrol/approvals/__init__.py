"""Access decisions (behörighetsbeslut): the manager decides who gets access to personal data, the
sysadmin carries it out. A role that needs approval (`accesscontrol.policies.NEEDS_APPROVAL`) is granted, and the login
of a user holding one is reset or given a new e-mail address, only after the social manager (social
services' roles) or the police's responsible (police roles) of the agreement approves it in Samsyn.

The sysadmin's change makes an `accesscontrol.models.AccessRequest` and nothing else; `services.approve`
carries it out in the transaction that records the approval. docs/roles-and-visibility.md, "Who grants
access"."""
