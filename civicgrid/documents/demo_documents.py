"""The demo's documents: a 督导通报 and a 工作汇报 on a campaign's latest published period."""

from civicgrid.documents.models import Document, Kind
from civicgrid.documents.tasks import issue
from civicgrid.people.models import User
from civicgrid.scoring.models import Period


def demo_documents(campaign, period=None, by=None) -> list[Document]:
    """One bulletin and one work report of `period` (by default the campaign's published
    period that ended last) for the campaign's first street, generated at once by `by` (by
    default the first superuser). Safe to run again: a kind already generated for the
    period is left as it is. Returns the two documents, or [] with no published period."""
    period = period or (
        campaign.periods.filter(status=Period.Status.PUBLISHED).order_by("-end", "kind").first()
    )
    street = campaign.streets.order_by("path").first()
    if period is None or street is None:
        return []
    by = by or User.objects.filter(is_superuser=True).order_by("pk").first()
    documents = []
    for kind in (Kind.BULLETIN, Kind.REPORT):
        done = Document.objects.filter(
            kind=kind, street=street, period=period, status=Document.Status.DONE
        ).first()
        documents.append(
            done
            or issue(kind, street=street, campaign=campaign, period=period, by=by, background=False)
        )
    return documents
