"""Reactions to case rows being written, connected in CasesConfig.ready()."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from civicgrid.cases.models import CasePhoto


@receiver(post_save, sender=CasePhoto, dispatch_uid="cases.photo_thumbnail")
def thumbnail_new_photo(sender, instance, created, raw=False, **kwargs):
    """A new photo gets its thumbnail from the worker, once the photo is committed."""
    if created and not raw:
        from civicgrid.cases.tasks import make_thumbnail

        transaction.on_commit(lambda: make_thumbnail.enqueue(instance.pk))
