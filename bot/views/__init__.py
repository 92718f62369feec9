"""Views: results of the services turned into the one message model (`bot.outgoing.Outgoing`).

Transport-free like the services (the import contract forbids PTB and the adapter here): a
view picks the words from the content bundle and the buttons' data with `bot.callbacks.pack`;
the adapter only sends what it gets. Check-ins, the reading list and the parents' call ideas
word their messages in their services; lessons and onboarding, with many screens, have theirs
here.
"""
