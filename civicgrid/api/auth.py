"""Bearer tokens: issued for a username (or phone) and password, throttled like the login form."""

from django.conf import settings
from django.utils.translation import gettext as _

from civicgrid.api.errors import ApiError, unauthorized
from civicgrid.api.models import ApiToken
from civicgrid.people.forms import ThrottledLoginForm

SCHEME = "bearer"


def token_from(request) -> ApiToken:
    """The usable token the request presents in `Authorization: Bearer …`, or 401."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.strip().partition(" ")
    if scheme.lower() != SCHEME or not token.strip():
        raise unauthorized(invalid_token=bool(header))
    row = ApiToken.authenticate(token.strip())
    if row is None:
        raise unauthorized(invalid_token=True)
    return row


def issue(request, username: str, password: str, name: str = "") -> tuple[ApiToken, str]:
    """Check the password as the login page does (same lockout counter), then issue a token."""
    form = ThrottledLoginForm(request, data={"username": username, "password": password})
    if form.is_valid():
        return ApiToken.issue(form.get_user(), name=name)
    errors = form.errors.as_data().get("__all__", [])
    if any(error.code == "throttled" for error in errors):
        message = form.non_field_errors()[0]
        retry = str(settings.LOGIN_LOCKOUT_SECONDS)
        raise ApiError(429, message, headers={"Retry-After": retry})
    if form.has_error("username") or form.has_error("password"):
        fields = {k: list(v) for k, v in form.errors.items() if k != "__all__"}
        raise ApiError.invalid(fields)
    message = form.non_field_errors()[0] if errors else _("用户名（或手机号）或密码不正确。")
    raise ApiError(400, message, code="invalid_login")
