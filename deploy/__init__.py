"""Operations: the restore drill's data and the production rehearsal's client (scripts around them
are the shell files beside this one)."""
