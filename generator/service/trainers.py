"""Trainer accounts: Django users with a password checked by Django's validators."""

from __future__ import annotations

from ..errors import ConfigError


def set_trainer(name: str, password: str) -> bool:
    """Create the trainer ``name`` or set its password; True when created."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    name = name.strip()
    if not name or len(name) > 150:
        raise ConfigError("用户名不能为空，且不超过 150 个字符")
    User = get_user_model()
    user = User.objects.filter(username=name).first() or User(username=name, is_staff=True)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ConfigError("密码不合格：" + "；".join(exc.messages)) from None
    created = user.pk is None
    user.set_password(password)
    user.is_active = True
    user.save()
    from .models import AuditLog

    AuditLog.objects.create(
        user="qinglian exam admin",
        action="trainer",
        target=name,
        detail="创建账号" if created else "重设密码",
    )
    return created
