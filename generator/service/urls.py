from django.urls import path

from . import api, dashboard, pages

urlpatterns = [
    path("", pages.candidate, name="candidate"),
    path("api/csrf", api.csrf),
    path("api/login", api.login),
    path("api/paper", api.paper),
    path("api/answers/<int:no>", api.answer),
    path("api/submit", api.submit),
    path("api/result", api.result),
    path("healthz", pages.health),
    path("trainer/login/", dashboard.TrainerLogin.as_view(), name="trainer-login"),
    path("trainer/logout/", dashboard.logout, name="trainer-logout"),
    path("trainer/", dashboard.sittings, name="sittings"),
    path("trainer/<slug:exam_id>/", dashboard.sitting, name="sitting"),
    path("trainer/<slug:exam_id>/progress.json", dashboard.progress, name="progress"),
    path("trainer/<slug:exam_id>/extend", dashboard.extend, name="extend"),
    path("trainer/<slug:exam_id>/reopen", dashboard.reopen, name="reopen"),
    path("trainer/<slug:exam_id>/close", dashboard.close, name="close"),
    path("trainer/<slug:exam_id>/unlock", dashboard.unlock, name="unlock"),
    path("trainer/<slug:exam_id>/absent", dashboard.absent, name="absent"),
    path("trainer/<slug:exam_id>/files/<str:name>", dashboard.download, name="download"),
    path("trainer/<slug:exam_id>/audit", dashboard.audit, name="audit"),
]
