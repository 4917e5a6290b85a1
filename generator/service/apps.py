from django.apps import AppConfig


class ExamConfig(AppConfig):
    name = "generator.service"
    label = "exam"
    verbose_name = "在线考试"
    default_auto_field = "django.db.models.BigAutoField"
