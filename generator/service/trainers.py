"""Trainer accounts: Django users with a password checked by Django's validators (messages in
Chinese), a role (``admin``: every sitting; ``trainer``: the sittings given to them) and the
sittings they hold."""

from __future__ import annotations

from ..errors import ConfigError

PASSWORD_RULES = "密码至少 10 个字符，不能全是数字，不能是常见密码，也不能与用户名太相似"
# Django's validators by error code (its Chinese catalogue lacks some of the 5.2 sentences)
_REASONS = {
    "password_too_short": "太短，至少要 10 个字符",
    "password_too_common": "是常见密码，很容易被猜中",
    "password_entirely_numeric": "全是数字",
    "password_too_similar": "与用户名太相似",
}


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def _chinese():
    from django.utils import translation

    return translation.override("zh-hans")


def set_trainer(name: str, password: str, role: str | None = None) -> bool:
    """Create the trainer ``name`` or set its password (and role, when given); True when created."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    name = name.strip()
    if not name or len(name) > 150:
        raise ConfigError("用户名不能为空，且不超过 150 个字符")
    User = _user_model()
    user = User.objects.filter(username=name).first() or User(username=name, is_staff=True)
    with _chinese():
        try:
            validate_password(password, user)
        except ValidationError as exc:
            reasons = [_REASONS.get(e.code, "；".join(e.messages)) for e in exc.error_list]
            raise ConfigError(f"密码不合格：{'；'.join(reasons)}。（{PASSWORD_RULES}）") from None
    created = user.pk is None
    user.set_password(password)
    user.is_active = True
    if role is not None:
        user.is_superuser = role == "admin"
    user.save()
    from .models import AuditLog

    AuditLog.objects.create(
        user="qinglian exam admin",
        action="trainer",
        target=name,
        detail=("创建账号" if created else "重设密码")
        + (f"；角色 {_role_name(role)}" if role else ""),
    )
    return created


def _role_name(role: str | None) -> str:
    return "管理员" if role == "admin" else "培训员"


def _existing(name: str):
    user = _user_model().objects.filter(username=name.strip()).first()
    if user is None:
        raise ConfigError(f"没有培训员账号“{name}”：请先用 qinglian exam admin {name} 创建")
    return user


def check_trainers(names: list[str]) -> None:
    """Every name is an existing account (before ``exam open`` changes anything)."""
    missing = [n for n in names if not _user_model().objects.filter(username=n.strip()).exists()]
    if missing:
        raise ConfigError(
            f"没有培训员账号：{'、'.join(missing)}；请先用 qinglian exam admin 用户名 创建"
        )


def set_role(name: str, role: str | None) -> None:
    from .models import AuditLog

    user = _existing(name)
    if role is not None and user.is_superuser != (role == "admin"):
        user.is_superuser = role == "admin"
        user.save(update_fields=["is_superuser"])
        AuditLog.objects.create(
            user="qinglian exam admin", action="role", target=name, detail=_role_name(role)
        )


def grant(name: str, exam_id: str, by: str) -> None:
    """Let trainer ``name`` see and manage the sitting ``exam_id`` (logged)."""
    from .models import AuditLog, Sitting, no_such_sitting

    user = _existing(name)
    sitting = Sitting.objects.filter(exam_id=exam_id).first()
    if sitting is None:
        raise no_such_sitting([exam_id])
    if not sitting.trainers.filter(pk=user.pk).exists():
        sitting.trainers.add(user)
        AuditLog.objects.create(user=by, action="grant", exam_id=exam_id, target=name)


def may_see(user, sitting) -> bool:
    return user.is_superuser or sitting.trainers.filter(pk=user.pk).exists()


def visible_sittings(user):
    from .models import Sitting

    if user.is_superuser:
        return Sitting.objects.all()
    return Sitting.objects.filter(trainers=user)
