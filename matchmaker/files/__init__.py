"""Files every process sees: photos and uploaded lists behind a small storage interface.

:mod:`matchmaker.files.store` holds the interface and its two backends (the database, the
default, and a directory on a shared mount); :mod:`~matchmaker.files.images` re-encodes
photos without their metadata; :mod:`~matchmaker.files.photos` and
:mod:`~matchmaker.files.uploads` are what the product pages and the list import keep there.
"""
