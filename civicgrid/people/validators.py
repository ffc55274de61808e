from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from civicgrid.demo.generator import DEMO_PASSWORD


class NotDemoPasswordValidator:
    """Only the demo loader may give an account the shared demo password."""

    def validate(self, password, user=None):
        if password.strip().lower() == DEMO_PASSWORD:
            raise ValidationError(_("该密码是演示账号专用密码，请换一个。"), code="demo_password")

    def get_help_text(self):
        return _("不能使用演示账号的密码。")
