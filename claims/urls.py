from django.urls import path, re_path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("claims/", views.claim_list, name="list"),
    path("claims/new/", views.claim_create, name="create"),
    path("claims/export.csv", views.claim_export, name="export"),
    path("claims/import/", views.claimreview_import, name="import"),
    path("claims/similar/", views.claim_similar, name="similar"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="edit"),
    path("claims/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("claims/<int:pk>/evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("claims/<int:pk>/propose/", views.claim_propose, name="propose"),
    path("claims/<int:pk>/merge/", views.claim_merge, name="merge"),
    path("claims/<int:pk>/history/", views.audit_history, {"kind": "claim"}, name="claim_history"),
    path("claims/assign/", views.claim_assign, name="assign"),
    path("review/", views.review_queue, name="queue"),
    path("review/updates/", views.review_updates, name="queue_updates"),
    path("review/count/", views.review_count, name="queue_count"),
    path("review/<int:pk>/approve/", views.review_decide, {"decision": "approve"}, name="approve"),
    path("review/<int:pk>/return/", views.review_decide, {"decision": "return"}, name="return"),
    path("review/<int:pk>/withdraw/", views.review_decide, {"decision": "withdraw"}, name="withdraw"),
    path("reports/weekly/", views.report_current, name="report_current"),
    re_path(r"^reports/weekly/(?P<week>\d{4}-W\d{2})/$", views.report_weekly, name="report"),
    re_path(
        r"^reports/weekly/(?P<week>\d{4}-W\d{2})\.(?P<fmt>csv|jsonld|json|pdf)$",
        views.report_export,
        name="report_export",
    ),
    # A busy week's PDF and JSON, prepared by a worker (docs/report-format.md, "Busy weeks").
    re_path(r"^reports/weekly/(?P<week>\d{4}-W\d{2})/files/$", views.report_file_prepare, name="report_file_prepare"),
    path("reports/files/<int:pk>/", views.report_file_status, name="report_file_status"),
    path("reports/files/<int:pk>/download/", views.report_file_download, name="report_file_download"),
    path("claimants/", views.claimant_list, name="claimants"),
    path("claimants/suggest/", views.claimant_suggest, name="claimant_suggest"),
    path("claimants/<int:pk>/", views.claimant_detail, name="claimant"),
    path("claimants/<int:pk>/edit/", views.claimant_update, name="claimant_update"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/history/", views.audit_history, {"kind": "source"}, name="source_history"),
    path("outlets/", views.outlet_list, name="outlets"),
    path("outlets/<int:pk>/", views.outlet_update, name="outlet_update"),
    path("affiliations/", views.affiliation_save, name="affiliation_create"),
    path("affiliations/<int:pk>/", views.affiliation_save, name="affiliation_update"),
]
