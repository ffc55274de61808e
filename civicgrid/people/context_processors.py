from django.utils.functional import SimpleLazyObject

from civicgrid.people.authz import authz_for


def authz(request):
    return {"authz": SimpleLazyObject(lambda: authz_for(request))}
