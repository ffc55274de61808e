"""Tokens: exchanging a user name and password for a bearer token, revoking it, and
who the token is (its person's roles, scopes and permissions)."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy

from civicgrid.api import auth, shapes
from civicgrid.api.fields import Shape, string
from civicgrid.api.operations import Body, operation
from civicgrid.people.models import RoleAssignment

# Tokens


TOKEN_REQUEST = Shape(
    "TokenRequest",
    gettext_lazy("用账号密码换取令牌"),
    {
        "username": string(gettext_lazy("用户名或手机号")),
        "password": string(gettext_lazy("密码")),
        "name": string(
            gettext_lazy("令牌名称，便于日后辨认，如 巡查 App"), extra={"maxLength": 100}
        ),
    },
    required=("username", "password"),
)


@operation(
    "POST",
    "/auth/token",
    summary=gettext_lazy("换取访问令牌"),
    tag="auth",
    public=True,
    body=Body(TOKEN_REQUEST, required=("username", "password")),
    response=shapes.TOKEN,
    status=201,
    errors=(429,),
    description=gettext_lazy(
        "与登录页面同样限制失败次数：同一用户名连续失败过多会被暂时锁定（429）。"
        "令牌只显示这一次；何时失效见返回的 expires。"
    ),
)
def token_create(request):
    data = request.data
    name = (data.get("name") or "").strip()[:100]
    return auth.issue(request, data.get("username") or "", data.get("password") or "", name)


@operation(
    "DELETE",
    "/auth/token",
    summary=gettext_lazy("吊销当前令牌"),
    tag="auth",
    status=204,
)
def token_delete(request):
    request.api_token.revoke()
    return HttpResponse(status=204)


@operation(
    "GET",
    "/auth/me",
    summary=gettext_lazy("当前人员、角色、范围和权限"),
    tag="auth",
    response=shapes.ME,
)
def me(request):
    user = request.user
    user.current_assignments = (
        RoleAssignment.objects.current()
        .filter(user=user)
        .select_related("area", "department")
        .order_by("role", "pk")
    )
    return user
