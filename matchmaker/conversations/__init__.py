"""Conversations: one thread per match (or event meeting) between its two organizations, with
messages, attachments, each user's read state, and the batched email notice of new messages.

Attachments (PDF and images, sniffed and re-encoded) also go on quotes: :mod:`.attachments`.
"""
