"""
Signals of the initiatives app for writes that bypass `post_save`.

`initiatives_imported` is sent by the CSV importer (`importers/writing.py`) once its bulk
writes are done, inside the import's transaction, with `initiative_ids`: the initiatives it
created or changed. Receivers that keep derived data (overlaps) up to date listen to it, as
they listen to `post_save` for single saves.
"""

from django.dispatch import Signal

initiatives_imported = Signal()
