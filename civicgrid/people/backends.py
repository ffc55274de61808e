from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from civicgrid.people.models import User


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with a username or an 11-digit mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = User.objects.filter(Q(username=username) | Q(phone=username)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
