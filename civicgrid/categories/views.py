from django.http import JsonResponse
from django.views.decorators.http import require_GET

from civicgrid.categories.models import Category

MAX_RESULTS = 20
MAX_QUERY_LENGTH = 50
FIELDS = ("id", "kind", "code", "name", "major_name")


@require_GET
def search(request):
    """The category picker of the report forms: active categories matching ?q=, best first.

    The catalogue is street-wide, so every signed-in person may search all of it.
    """
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    found = Category.objects.active().search(text).values(*FIELDS)[:MAX_RESULTS]
    return JsonResponse({"results": list(found)}, json_dumps_params={"ensure_ascii": False})
